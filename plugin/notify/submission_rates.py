"""How quickly scorecards come in: per interviewer and per loop, the share submitted within
24 hours of the interview's end (Greenhouse's benchmark: 90% or more) and the median time to
submit.

Counted: every interview with a known end inside the window, from hireloop's assignments
(not cancelled, with an interviewer) and from scorecards imported from the ATS that no
assignment holds. A scorecard still open more than 24 hours after the interview counts as
late; one still open within its first 24 hours is not counted yet (it can still make it).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment, AssignmentStatus
from plugin.core.models import utcnow
from plugin.loops.reader import loop_identities
from plugin.scorecards.models import Scorecard, ScorecardStatus

BENCHMARK = 0.9
WINDOW_HOURS = 24.0


@dataclass(frozen=True)
class Sample:
    interviewer_key: str
    interviewer_name: str
    loop_id: int | None
    ended_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class Figures:
    interviews: int
    counted: int
    submitted: int
    within: int
    overdue: int
    median_hours: float | None

    @property
    def share(self) -> float | None:
        return self.within / self.counted if self.counted else None

    def to_dict(self) -> dict[str, Any]:
        share = self.share
        return {
            "interviews": self.interviews,
            "counted": self.counted,
            "submitted": self.submitted,
            "submitted_within_24h": self.within,
            "open_overdue": self.overdue,
            "share_within_24h": round(share, 4) if share is not None else None,
            "median_hours_to_submit": (
                round(self.median_hours, 2) if self.median_hours is not None else None
            ),
            "meets_benchmark": share >= BENCHMARK if share is not None else None,
        }


def figures(
    samples: Iterable[Sample], now: datetime, window_hours: float = WINDOW_HOURS
) -> Figures:
    """The share within the window (of interviews decided: submitted, or open past the
    window) and the median hours from the interview's end to submission."""
    window = timedelta(hours=window_hours)
    interviews = counted = within = overdue = 0
    hours: list[float] = []
    for sample in samples:
        interviews += 1
        if sample.submitted_at is not None:
            delay = max((sample.submitted_at - sample.ended_at).total_seconds(), 0.0)
            hours.append(delay / 3600)
            counted += 1
            if delay <= window.total_seconds():
                within += 1
        elif now - sample.ended_at > window:
            counted += 1
            overdue += 1
    return Figures(
        interviews=interviews,
        counted=counted,
        submitted=len(hours),
        within=within,
        overdue=overdue,
        median_hours=statistics.median(hours) if hours else None,
    )


def samples(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    ats: str | None = None,
    job_id: str | None = None,
) -> list[Sample]:
    """Every interview with a known end in ``[since, until]``: hireloop's assignments, then
    the scorecards imported from the ATS that no assignment holds."""
    app_filter: list[ColumnElement[bool]] = []
    if ats is not None:
        app_filter.append(Application.ats == ats)
    if job_id is not None:
        app_filter.append(Application.job_id == job_id)
    loop_ids = _loop_ids(session)
    return [
        *_assignment_samples(session, since, until, app_filter, loop_ids),
        *_imported_samples(session, since, until, app_filter, loop_ids),
    ]


LoopIds = dict[tuple[str, str | None], int]


def _loop_id(loop_id: int | None, ats: str, job_id: str | None, loop_ids: LoopIds) -> int | None:
    """The application's loop id, else its job's loop id (``reader.loop_of``, in bulk)."""
    return loop_id if loop_id is not None else loop_ids.get((ats, job_id))


def _assignment_samples(
    session: Session,
    since: datetime,
    until: datetime,
    app_filter: Sequence[ColumnElement[bool]],
    loop_ids: LoopIds,
) -> list[Sample]:
    rows = session.execute(
        select(
            Assignment,
            Application.ats,
            Application.job_id,
            Application.loop_id,
            Scorecard.submitted_at,
        )
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(
            Assignment.status != AssignmentStatus.CANCELLED,
            Assignment.interviewer_key != "",
            Assignment.ends_at.is_not(None),
            Assignment.ends_at >= since,
            Assignment.ends_at <= until,
            *app_filter,
        )
    ).all()
    out: list[Sample] = []
    for assignment, app_ats, app_job, loop_id, card_submitted in rows:
        assert assignment.ends_at is not None
        submitted = assignment.submitted_at or card_submitted
        if assignment.status != AssignmentStatus.SUBMITTED and card_submitted is None:
            submitted = None
        out.append(
            Sample(
                interviewer_key=assignment.interviewer_key,
                interviewer_name=assignment.interviewer_name or assignment.interviewer_key,
                loop_id=_loop_id(loop_id, app_ats, app_job, loop_ids),
                ended_at=assignment.ends_at,
                submitted_at=submitted,
            )
        )
    return out


def _imported_samples(
    session: Session,
    since: datetime,
    until: datetime,
    app_filter: Sequence[ColumnElement[bool]],
    loop_ids: LoopIds,
) -> list[Sample]:
    imported = session.execute(
        select(Scorecard, Application.ats, Application.job_id, Application.loop_id)
        .join(Application, Application.id == Scorecard.application_id)
        .where(
            Scorecard.assignment_id.is_(None),
            Scorecard.source != "hireloop",
            Scorecard.status == ScorecardStatus.SUBMITTED,
            Scorecard.interviewed_at.is_not(None),
            Scorecard.submitted_at.is_not(None),
            Scorecard.interviewed_at >= since,
            Scorecard.interviewed_at <= until,
            *app_filter,
        )
    ).all()
    out: list[Sample] = []
    for card, app_ats, app_job, loop_id in imported:
        assert card.interviewed_at is not None
        out.append(
            Sample(
                interviewer_key=card.interviewer_key,
                interviewer_name=card.interviewer_name or card.interviewer_key,
                loop_id=_loop_id(loop_id, app_ats, app_job, loop_ids),
                ended_at=card.interviewed_at,
                submitted_at=card.submitted_at,
            )
        )
    return out


def _loop_ids(session: Session) -> LoopIds:
    return {(loop.ats, loop.job_id): loop.id for loop in loop_identities(session)}


def report(
    session: Session,
    *,
    days: int = 180,
    ats: str | None = None,
    job_id: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The figures for ``GET /api/calibration/submission-rates`` and the calibration page."""
    now = now or utcnow()
    data = samples(session, since=now - timedelta(days=days), until=now, ats=ats, job_id=job_id)
    by_interviewer: dict[str, list[Sample]] = {}
    by_loop: dict[int | None, list[Sample]] = {}
    for sample in data:
        by_interviewer.setdefault(sample.interviewer_key, []).append(sample)
        by_loop.setdefault(sample.loop_id, []).append(sample)
    loops = {loop.id: loop for loop in loop_identities(session) if loop.id in by_loop}
    interviewers = [
        {
            "interviewer": key,
            "name": _latest_name(rows),
            **figures(rows, now).to_dict(),
        }
        for key, rows in by_interviewer.items()
    ]
    interviewers.sort(key=_worst_first)
    loop_rows = []
    for loop_id, rows in by_loop.items():
        loop = loops.get(loop_id) if loop_id is not None else None
        loop_rows.append(
            {
                "loop_id": loop_id,
                "name": loop.name if loop else "No loop",
                "ats": loop.ats if loop else None,
                "job_id": loop.job_id if loop else None,
                **figures(rows, now).to_dict(),
            }
        )
    loop_rows.sort(key=_worst_first)
    return {
        "benchmark": BENCHMARK,
        "window_hours": WINDOW_HOURS,
        "days": days,
        "overall": figures(data, now).to_dict(),
        "interviewers": interviewers,
        "loops": loop_rows,
    }


def _latest_name(rows: Sequence[Sample]) -> str:
    return max(rows, key=lambda s: s.ended_at).interviewer_name


def _worst_first(row: dict[str, Any]) -> tuple[float, str]:
    share = row["share_within_24h"]
    return (share if share is not None else 2.0, str(row.get("name") or ""))
