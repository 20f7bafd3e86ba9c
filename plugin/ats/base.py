"""What hireloop needs from any ATS, in ATS-neutral shapes.

Each client (Greenhouse, Lever, Ashby) turns its vendor's payloads into these dataclasses, so
loops, imports and write-back are written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class AtsInterview:
    """An interview of a job's stage (Greenhouse: a job stage's interview; Ashby: an
    interview plan's interview)."""

    id: str
    name: str
    questions: tuple[str, ...] = ()  # interview-kit questions, where the ATS gives them
    attributes: tuple[str, ...] = ()  # scorecard attribute names, where the ATS gives them


@dataclass(frozen=True)
class AtsStage:
    id: str
    name: str
    interviews: tuple[AtsInterview, ...] = ()


@dataclass(frozen=True)
class AtsAttributeRating:
    name: str  # the attribute (competency) name as the ATS shows it
    rating: str  # the ATS's own value (Greenhouse: "yes", Lever/Ashby: "3")
    note: str = ""


@dataclass(frozen=True)
class AtsScorecard:
    id: str
    application_id: str
    interviewer_id: str
    interviewer_name: str
    interview_name: str
    overall_recommendation: str | None
    submitted_at: datetime | None
    interviewed_at: datetime | None = None
    ratings: tuple[AtsAttributeRating, ...] = ()
    notes: str = ""
    interview_id: str | None = None  # the job's interview (Greenhouse interview_step.id)


@dataclass(frozen=True)
class AtsNote:
    id: str
    body: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class AtsUser:
    id: str
    name: str
    email: str | None = None


@dataclass(frozen=True)
class AtsApplication:
    id: str
    candidate_id: str | None
    job_id: str | None
    stage_id: str | None
    stage_name: str | None
    status: str | None
    updated_at: datetime | None = None
    candidate_name: str | None = None
    job_name: str | None = None


@dataclass(frozen=True)
class AtsScheduledInterview:
    id: str
    interview_id: str | None
    interview_name: str
    starts_at: datetime | None
    ends_at: datetime | None
    interviewers: tuple[AtsUser, ...] = field(default_factory=tuple)
    stage_id: str | None = None  # where the ATS says (Lever)
    cancelled: bool = False
    # False: the ATS's answer had no interviewer field for it (not "nobody interviews").
    interviewers_known: bool = True


class AtsClient(Protocol):
    """The calls hireloop makes on an ATS. Every implementation times out every call and
    raises ``plugin.ats.errors.AtsError`` subclasses, never a bare ``requests`` error."""

    name: str

    def job_stages(self, job_id: str) -> list[AtsStage]: ...

    def application(self, application_id: str) -> AtsApplication | None: ...

    def scorecards(self, application_id: str) -> list[AtsScorecard]: ...

    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]: ...

    def user(self, user_id: str) -> AtsUser | None: ...

    def candidate_notes(self, candidate_id: str) -> list[AtsNote]: ...

    def create_candidate_note(self, candidate_id: str, body: str) -> AtsNote: ...
