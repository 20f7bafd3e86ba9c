"""The sandbox ATS's memory: one Greenhouse organisation with a job, its people and a candidate,
seeded from a loop. Everything lives in memory behind one lock; nothing is written to disk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from itertools import count, cycle
from typing import Any

from plugin.demo.sandbox import seed
from plugin.demo.sandbox.records import (
    SandboxApplication,
    SandboxInterview,
    SandboxJob,
    SandboxStage,
    now,
)


def _as_int(value: Any, fallback: Callable[[], int]) -> int:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else fallback()


class SandboxStore:
    """The in-memory Greenhouse data and the lookups every rendering needs."""

    def __init__(self, loop: Mapping[str, Any] | None = None) -> None:
        self.base_url = "http://sandbox.invalid"
        self.lock = threading.RLock()
        self._ids = count(900001)
        self.users = {user.id: user for user in seed.USERS}
        self.jobs: dict[int, SandboxJob] = {}
        self.candidates: dict[int, dict[str, Any]] = {}
        self.applications: dict[int, SandboxApplication] = {}
        self.scheduled: dict[int, list[dict[str, Any]]] = {}
        self.scorecards: list[dict[str, Any]] = []
        self.notes: dict[int, list[dict[str, Any]]] = {}
        # (method, path with query, status) of every Harvest request, for tests and diagnosis.
        self.requests: list[tuple[str, str, int]] = []
        self.loop = dict(loop or seed.DEMO_LOOP)
        self._seed(self.loop)

    # -- seeding ---------------------------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def _seed(self, loop: Mapping[str, Any]) -> None:
        created = now() - timedelta(days=21)
        job_id = _as_int(loop.get("job_id"), self.next_id)
        stages = self._seed_stages(loop)
        self.jobs[job_id] = SandboxJob(job_id, seed.JOB_NAME, stages, created)
        self._seed_candidate(job_id, stages[0].id, created + timedelta(days=3))

    def _seed_stages(self, loop: Mapping[str, Any]) -> list[SandboxStage]:
        """Application Review, the loop's stages (interviewers dealt round-robin), Offer."""
        stages = [SandboxStage(_as_int(seed.FIRST_STAGE[0], self.next_id), seed.FIRST_STAGE[1], 0)]
        interviewers = cycle([u.id for u in seed.INTERVIEWERS])
        for position, stage in enumerate(loop.get("stages") or [], start=1):
            interviews = [
                self._seed_interview(interview, position, interviewers)
                for interview in stage.get("interviews") or []
            ]
            stages.append(
                SandboxStage(
                    id=_as_int(stage.get("ats_stage_id"), self.next_id),
                    name=str(stage.get("name") or f"Stage {position}"),
                    priority=position,
                    interviews=interviews,
                )
            )
        stages.append(
            SandboxStage(_as_int(seed.LAST_STAGE[0], self.next_id), seed.LAST_STAGE[1], len(stages))
        )
        return stages

    def _seed_interview(
        self, interview: Mapping[str, Any], position: int, interviewers: Iterator[int]
    ) -> SandboxInterview:
        return SandboxInterview(
            id=_as_int(interview.get("ats_interview_id"), self.next_id),
            name=str(interview.get("name") or f"Interview {position}"),
            format=str(interview.get("format") or ""),
            interviewer_ids=[next(interviewers)],
            kit_id=self.next_id(),
        )

    def _seed_candidate(self, job_id: int, first_stage_id: int, applied: datetime) -> None:
        candidate = dict(seed.CANDIDATE)
        candidate["created_at"] = applied
        self.candidates[candidate["id"]] = candidate
        self.applications[seed.APPLICATION_ID] = SandboxApplication(
            id=seed.APPLICATION_ID,
            candidate_id=candidate["id"],
            job_id=job_id,
            stage_id=first_stage_id,
            status="active",
            applied_at=applied,
            last_activity_at=applied,
        )
        self.scheduled[seed.APPLICATION_ID] = []

    # -- lookups ---------------------------------------------------------------------------

    @property
    def job(self) -> SandboxJob:
        """The seeded job."""
        return next(iter(self.jobs.values()))

    @property
    def application(self) -> SandboxApplication:
        """The seeded candidate's application."""
        return self.applications[seed.APPLICATION_ID]

    def find_stage(self, job_id: int, stage: int | str) -> SandboxStage:
        for candidate in self.jobs[job_id].stages:
            if str(candidate.id) == str(stage) or candidate.name.lower() == str(stage).lower():
                return candidate
        raise KeyError(f"job {job_id} has no stage {stage!r}")

    def loop_stages(self) -> list[SandboxStage]:
        """The stages the loop maps, in order (not Application Review or Offer)."""
        return [stage for stage in self.job.stages if stage.interviews]

    def user_ref(self, user_id: int) -> dict[str, Any]:
        """A user as Harvest embeds one in other objects."""
        user = self.users[user_id]
        return {
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "name": user.name,
            "employee_id": user.employee_id,
        }
