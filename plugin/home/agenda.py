"""What waits for the person signed in: the lists of the home page and ``/api/me/agenda``.

- ``awaiting_decision``: active applications whose verdict is complete;
- ``provisional``: active applications with some scorecards in, each with who is late;
- ``late_scorecards``: open assignments whose interview ended longer ago than the loop's
  first reminder (``settings.reminder_hours``, 1 hour by default);
- ``loops_with_warnings``: loops whose coverage lint reports warnings or errors.

Everything is scoped like the API: a token scoped to a job sees that job only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.auth.tokens import Principal
from plugin.home.health import aware
from plugin.home.jobs import JobSummary, visible_jobs
from plugin.loops.models import Loop
from plugin.loops.service import lint_stored
from plugin.notify.reminders import ended_open_assignments, loop_settings
from plugin.notify.rows import MessageRow, message_rows
from plugin.notify.settings import NotifySettings
from plugin.verdicts.comparison import CandidateRow

#: The address of an application's review page, given its id (the views pass url_for).
ReviewUrl = Callable[[int], str]


@dataclass(frozen=True)
class LateScorecard:
    assignment_id: int
    application_id: int
    interviewer: str
    interview: str
    ended_at: datetime
    hours_late: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignment_id": self.assignment_id,
            "interviewer": self.interviewer,
            "interview": self.interview,
            "ended_at": self.ended_at.isoformat(),
            "hours_late": round(self.hours_late, 1),
        }


@dataclass(frozen=True)
class ApplicationEntry:
    id: int
    ats: str
    external_id: str
    candidate: str
    job: str
    job_id: str
    stage: str | None
    recommendation: str
    override: str | None
    scorecards_submitted: int
    scorecards_expected: int
    late: tuple[LateScorecard, ...] = ()

    def to_dict(self, review_url: ReviewUrl) -> dict[str, Any]:
        return {
            "id": self.id,
            "ats": self.ats,
            "external_id": self.external_id,
            "candidate": self.candidate,
            "job": self.job,
            "job_id": self.job_id,
            "review_url": review_url(self.id),
            "stage": self.stage,
            "recommendation": self.recommendation,
            "override": self.override,
            "scorecards": {
                "submitted": self.scorecards_submitted,
                "expected": self.scorecards_expected,
            },
            "late": [late.to_dict() for late in self.late],
        }


@dataclass(frozen=True)
class LoopWarnings:
    id: int
    name: str
    ats: str
    job_id: str | None
    warnings: tuple[str, ...]
    errors: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "ats": self.ats,
            "job_id": self.job_id,
            "warnings": list(self.warnings),
            "errors": list(self.errors),
        }


@dataclass(frozen=True)
class Agenda:
    awaiting_decision: list[ApplicationEntry] = field(default_factory=list)
    provisional: list[ApplicationEntry] = field(default_factory=list)
    late_scorecards: list[tuple[ApplicationEntry, LateScorecard]] = field(default_factory=list)
    loops_with_warnings: list[LoopWarnings] = field(default_factory=list)
    jobs: list[JobSummary] = field(default_factory=list)
    undelivered: list[MessageRow] = field(default_factory=list)

    def to_dict(self, review_url: ReviewUrl) -> dict[str, Any]:
        return {
            "awaiting_decision": [e.to_dict(review_url) for e in self.awaiting_decision],
            "provisional": [e.to_dict(review_url) for e in self.provisional],
            "late_scorecards": [
                {**entry.to_dict(review_url), **late.to_dict()}
                for entry, late in self.late_scorecards
            ],
            "loops_with_warnings": [loop.to_dict() for loop in self.loops_with_warnings],
        }


def build_agenda(session: Session, principal: Principal, at: datetime) -> Agenda:
    """The four lists for ``principal`` at ``at`` (a few queries per job with a loop)."""
    jobs = visible_jobs(session, principal)
    late = late_scorecards(session, principal, at)
    by_application: dict[int, list[LateScorecard]] = {}
    for item in late:
        by_application.setdefault(item.application_id, []).append(item)
    entries: dict[int, ApplicationEntry] = {}
    for job in jobs:
        for row in job.rows:
            entries[row.application_id] = _entry(job, row, by_application)
    awaiting = [entries[r.application_id] for job in jobs for r in job.awaiting_decision]
    provisional = [entries[r.application_id] for job in jobs for r in job.provisional]
    return Agenda(
        awaiting_decision=awaiting,
        provisional=provisional,
        late_scorecards=[
            (entries[i.application_id], i) for i in late if i.application_id in entries
        ],
        loops_with_warnings=loops_with_warnings(session, principal),
        jobs=jobs,
        undelivered=undelivered_messages(session, principal),
    )


def _entry(
    job: JobSummary, row: CandidateRow, late: dict[int, list[LateScorecard]]
) -> ApplicationEntry:
    return ApplicationEntry(
        id=row.application_id,
        ats=job.ats,
        external_id=row.external_id,
        candidate=row.candidate_name,
        job=job.name,
        job_id=job.job_id,
        stage=row.stage,
        recommendation=row.summary.recommendation,
        override=row.override,
        scorecards_submitted=row.summary.scorecards_submitted,
        scorecards_expected=row.summary.scorecards_expected,
        late=tuple(late.get(row.application_id, ())),
    )


def late_scorecards(session: Session, principal: Principal, at: datetime) -> list[LateScorecard]:
    """Open assignments of active applications past their loop's first reminder, most late
    first."""
    settings: dict[int, NotifySettings] = {}
    late = []
    for assignment, application in ended_open_assignments(session, at):
        if not principal.can_see_job(application.job_id):
            continue
        hours = loop_settings(session, application, settings).reminder_hours
        ended = aware(assignment.ends_at)
        if at - ended < timedelta(hours=min(hours, default=1)):
            continue
        late.append(
            LateScorecard(
                assignment_id=assignment.id,
                application_id=application.id,
                interviewer=assignment.interviewer_name or f"ATS user {assignment.interviewer_key}",
                interview=assignment.interview_name,
                ended_at=ended,
                hours_late=(at - ended).total_seconds() / 3600,
            )
        )
    late.sort(key=lambda item: (item.ended_at, item.assignment_id))
    return late


def loops_with_warnings(session: Session, principal: Principal) -> list[LoopWarnings]:
    found = []
    for loop in session.scalars(select(Loop).order_by(Loop.name, Loop.id)):
        if not principal.can_see_job(loop.job_id):
            continue
        report = lint_stored(session, loop)
        if report.clean:
            continue
        found.append(
            LoopWarnings(
                id=loop.id,
                name=loop.name,
                ats=loop.ats,
                job_id=loop.job_id,
                warnings=tuple(f.message for f in report.warnings),
                errors=tuple(f.message for f in report.errors),
            )
        )
    return found


#: Message states that mean "not delivered (yet)": no transport, failing, out of attempts.
UNDELIVERED = ("waiting", "retrying", "failed")
MESSAGES_LOOKED_AT = 500


def undelivered_messages(session: Session, principal: Principal) -> list[MessageRow]:
    """Messages that did not reach anyone: waiting, retrying, failed, or skipped for want of
    an address (the recruiter can give it on the messages page)."""
    scope = None if principal.role == "admin" else principal.job_id
    return [
        row
        for row in message_rows(session, job_scope=scope, limit=MESSAGES_LOOKED_AT)
        if row.state in UNDELIVERED or (row.job.result or {}).get("skipped") == "no_address"
    ]
