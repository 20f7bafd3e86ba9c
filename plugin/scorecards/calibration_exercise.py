"""The interviewer's calibration exercise: ten written sample answers rated blind, then the key.

Reached through the interviewer's own signed link (``/i/<token>/calibration``), so nobody
needs another credential: whoever can open the scorecard can calibrate, and the result is
stored under the same interviewer identity their scorecards carry, which is how the admin's
calibration report puts the two side by side. The samples come from the framework's
calibration pack at the pack level nearest the interview's level, of the competencies rated
at that level; the n-th exercise of an
interviewer draws its samples with the seed ``<interviewer>:<n>``, so reloading the page
shows the same ten and the next exercise shows others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.core.errors import Invalid, NotFound
from plugin.scorecards.context import InterviewContext
from plugin.scorecards.models import CalibrationAnswer, CalibrationExercise
from scorecards.calibration_pack import (
    CalibrationPack,
    Sample,
    calibration_pack_for,
    choose_samples,
    nearest_level,
    score,
)
from scorecards.framework import Framework


@dataclass(frozen=True)
class Exercise:
    """The ten samples one interviewer is asked to rate now."""

    framework: Framework
    pack: CalibrationPack
    level: str
    interviewer_key: str
    interviewer_name: str | None
    attempt: int
    samples: tuple[Sample, ...]

    @property
    def level_name(self) -> str:
        return next(lv.name for lv in self.framework.levels if lv.id == self.level)

    def anchors(self, sample: Sample) -> Mapping[str, str]:
        return self.framework.competency(sample.competency).anchors[sample.level]

    def competency_name(self, sample: Sample) -> str:
        return self.framework.competency(sample.competency).name


def interviewer_identity(assignment: Assignment) -> str:
    """The key the interviewer's scorecards are reported under (see verdicts.calibration)."""
    return (
        assignment.interviewer_key or assignment.interviewer_name or f"assignment-{assignment.id}"
    )


def exercises_taken(session: Session, interviewer_key: str) -> int:
    query = select(func.count()).where(CalibrationExercise.interviewer_key == interviewer_key)
    return int(session.scalar(query) or 0)


def exercise_for(session: Session, ctx: InterviewContext) -> Exercise:
    """The exercise this interviewer gets now; NotFound when the framework has no pack."""
    framework = ctx.framework
    pack = calibration_pack_for(framework.id) if framework is not None else None
    if framework is None or pack is None or not pack.samples:
        raise NotFound(
            "There are no sample answers for this interview's framework yet.",
            code="no_calibration_pack",
        )
    key = interviewer_identity(ctx.assignment)
    attempt = exercises_taken(session, key)
    level = nearest_level(framework, pack, ctx.level)
    # Only what interviewers rate at that level (Team Leadership only where people are managed).
    rated = {c.id for c in framework.in_scope(level)}
    return Exercise(
        framework=framework,
        pack=pack,
        level=level,
        interviewer_key=key,
        interviewer_name=ctx.assignment.interviewer_name,
        attempt=attempt,
        samples=tuple(choose_samples(pack, level, seed=f"{key}:{attempt}", competencies=rated)),
    )


def record_exercise(
    session: Session,
    exercise: Exercise,
    attempt: int,
    ratings: Sequence[str],
    assignment_id: int | None,
) -> CalibrationExercise:
    """Score the blind ratings (one per sample, in the order shown) and store them.

    The page names the samples only by position, so nothing in it gives the key away; the
    ``attempt`` it was drawn for must still be the current one. Invalid (fields
    ``rating-<n>``) when a rating is missing or the page belongs to an earlier exercise."""
    if attempt != exercise.attempt or len(ratings) != len(exercise.samples):
        raise Invalid(
            "This page belongs to an exercise you already submitted (perhaps in another "
            "tab); rate the samples shown now.",
            code="exercise_changed",
        )
    points = exercise.framework.points
    missing = {
        f"rating-{n}": "Choose a rating for this answer."
        for n, rating in enumerate(ratings, start=1)
        if rating not in points
    }
    if missing:
        raise Invalid(
            f"Rate every answer before you see the key ({len(missing)} left).",
            code="calibration_incomplete",
            fields=missing,
        )
    by_sample = {s.id: r for s, r in zip(exercise.samples, ratings, strict=True)}
    result = score(exercise.samples, by_sample, points)
    row = CalibrationExercise(
        interviewer_key=exercise.interviewer_key,
        interviewer_name=exercise.interviewer_name,
        attempt=exercise.attempt,
        assignment_id=assignment_id,
        framework_id=exercise.framework.id,
        pack_version=exercise.pack.version,
        level=exercise.level,
        agreed=result.agreed,
        total=result.total,
        rating_offset=result.offset,
        answers=[
            CalibrationAnswer(
                sample_id=m.sample.id,
                competency_id=m.sample.competency,
                rating=m.rating,
                key=m.sample.key,
            )
            for m in result.marked
        ],
    )
    session.add(row)
    session.flush()
    return row


def exercise_of(session: Session, exercise_id: int, interviewer_key: str) -> CalibrationExercise:
    """A stored exercise, only for the interviewer who took it."""
    row = session.get(CalibrationExercise, exercise_id)
    if row is None or row.interviewer_key != interviewer_key:
        raise NotFound("No such calibration exercise.", code="not_found")
    return row
