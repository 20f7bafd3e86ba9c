"""Calibration from the database: submitted ratings of a recent window, by interviewer and loop,
and the interviewers' calibration exercises (sample answers rated against a key) of the
same window.

Shown to admins as information; nothing here feeds back into a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.core.models import utcnow
from plugin.frameworks.registry import registry
from plugin.loops.reader import loop_identities
from plugin.scorecards.models import CalibrationExercise, Rating, Scorecard, ScorecardStatus
from scorecards.calibration import (
    MIN_COMPARISONS,
    Agreement,
    CalibrationRating,
    InterviewerStats,
    agreement,
    interviewer_stats,
)
from scorecards.framework import RATING_POINTS


@dataclass(frozen=True)
class ExerciseSummary:
    """One interviewer's calibration exercises in the window, all samples together."""

    interviewer: str
    name: str
    exercises: int
    rated: int
    agreed: int
    #: Mean of (their scale position - the key's) over every sample; positive rates higher.
    offset: float
    last_at: datetime
    levels: tuple[str, ...]

    @property
    def agreement(self) -> float:
        return self.agreed / self.rated if self.rated else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "interviewer": self.interviewer,
            "name": self.name,
            "exercises": self.exercises,
            "rated": self.rated,
            "agreed": self.agreed,
            "agreement": round(self.agreement, 3),
            "offset": round(self.offset, 3),
            "last_at": self.last_at.isoformat(),
            "levels": list(self.levels),
        }


def exercise_summaries(session: Session, since: datetime) -> list[ExerciseSummary]:
    """Per interviewer, most recent first: how often their blind ratings matched the key."""
    query = (
        select(CalibrationExercise)
        .where(CalibrationExercise.created_at >= since)
        .order_by(CalibrationExercise.id)
    )
    grouped: dict[str, list[CalibrationExercise]] = {}
    for row in session.scalars(query):
        grouped.setdefault(row.interviewer_key, []).append(row)
    summaries = []
    for key, rows in grouped.items():
        rated = sum(r.total for r in rows)
        summaries.append(
            ExerciseSummary(
                interviewer=key,
                name=next((r.interviewer_name for r in reversed(rows) if r.interviewer_name), key),
                exercises=len(rows),
                rated=rated,
                agreed=sum(r.agreed for r in rows),
                offset=sum(r.rating_offset * r.total for r in rows) / rated if rated else 0.0,
                last_at=max(r.created_at for r in rows),
                levels=tuple(dict.fromkeys(r.level for r in rows)),
            )
        )
    summaries.sort(key=lambda s: s.last_at, reverse=True)
    return summaries


@dataclass(frozen=True)
class CalibrationReport:
    days: int
    ats: str | None
    job_id: str | None
    interviewers: list[InterviewerStats]
    agreement: list[Agreement]
    loops: dict[str, str]
    competency_names: dict[str, str]
    exercises: list[ExerciseSummary] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "window_days": self.days,
            "ats": self.ats,
            "job_id": self.job_id,
            "min_comparisons": MIN_COMPARISONS,
            "interviewers": [row.to_dict() for row in self.interviewers],
            "agreement": [
                {
                    **row.to_dict(),
                    "loop_name": self.loops.get(row.loop, row.loop),
                    "competency_name": self.competency_names.get(row.competency, row.competency),
                }
                for row in self.agreement
            ],
            "exercises": [row.to_dict() for row in self.exercises],
            "note": (
                "Information for calibration conversations; verdicts never adjust for it. "
                "Leniency is the mean difference, in scale points, between an interviewer's "
                "rating and their co-interviewers' on the same candidate and competency."
            ),
        }


def calibration_report(
    session: Session, *, days: int = 180, ats: str | None = None, job_id: str | None = None
) -> CalibrationReport:
    since = utcnow() - timedelta(days=days)
    stamp = func.coalesce(Scorecard.submitted_at, Scorecard.updated_at)
    query = (
        select(
            Rating.application_id,
            Rating.competency_id,
            Rating.rating,
            Scorecard.id,
            Scorecard.interviewer_key,
            Scorecard.interviewer_name,
            Application.loop_id,
            Application.ats,
            Application.job_id,
        )
        .join(Scorecard, Scorecard.id == Rating.scorecard_id)
        .join(Application, Application.id == Rating.application_id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED, stamp >= since)
        .order_by(Rating.id)
    )
    if ats:
        query = query.where(Application.ats == ats)
    if job_id:
        query = query.where(Application.job_id == job_id)

    loops: dict[str, str] = {}
    for identity in loop_identities(session):
        loops[str(identity.id)] = identity.name
        loops.setdefault(f"{identity.ats}:{identity.job_id}", identity.name)

    names: dict[str, str] = {}
    records: list[CalibrationRating] = []
    for row in session.execute(query):
        who = row.interviewer_key or row.interviewer_name or f"scorecard-{row.id}"
        if row.interviewer_name:
            names.setdefault(who, row.interviewer_name)
        loop = str(row.loop_id) if row.loop_id is not None else f"{row.ats}:{row.job_id}"
        records.append(
            CalibrationRating(row.application_id, loop, row.competency_id, who, row.rating, row.id)
        )

    competency_names: dict[str, str] = {}
    for framework in registry().all():
        for competency in framework.competencies:
            competency_names.setdefault(competency.id, competency.name)
    return CalibrationReport(
        days=days,
        ats=ats,
        job_id=job_id,
        interviewers=interviewer_stats(records, RATING_POINTS, names),
        agreement=agreement(records, RATING_POINTS),
        loops=loops,
        competency_names=competency_names,
        exercises=exercise_summaries(session, since),
    )
