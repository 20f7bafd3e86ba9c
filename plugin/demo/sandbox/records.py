"""The sandbox ATS's records: a job with its stages and interviews, and an application.

Plain data; ``harvest`` and ``payloads`` render them in Greenhouse's shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """Greenhouse's timestamp format: UTC, milliseconds, a trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SandboxInterview:
    id: int
    name: str
    format: str
    interviewer_ids: list[int]
    kit_id: int
    estimated_minutes: int = 45


@dataclass
class SandboxStage:
    id: int
    name: str
    priority: int
    interviews: list[SandboxInterview] = field(default_factory=list)


@dataclass
class SandboxJob:
    id: int
    name: str
    stages: list[SandboxStage]
    created_at: datetime


@dataclass
class SandboxApplication:
    id: int
    candidate_id: int
    job_id: int
    stage_id: int
    status: str
    applied_at: datetime
    last_activity_at: datetime
