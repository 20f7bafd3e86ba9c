"""Scorecards: one interviewer's ratings of one application, and their audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.core.models import Base, utcnow


class ScorecardStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    # An imported scorecard the ATS deleted: kept, but no longer counted.
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Scorecard(Base):
    """One interviewer's ratings for one application, from hireloop's page or the ATS's own."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("source", "ats_scorecard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL"), unique=True
    )
    source: Mapped[str] = mapped_column(String(32), default="hireloop")
    ats_scorecard_id: Mapped[str | None] = mapped_column(String(64))
    interviewer_key: Mapped[str] = mapped_column(String(300), default="")
    interviewer_name: Mapped[str | None] = mapped_column(String(300))
    interview_name: Mapped[str | None] = mapped_column(String(300))
    recommendation: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default=ScorecardStatus.DRAFT)
    interviewed_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    amended_at: Mapped[datetime | None]
    # The first time its interviewer was shown peers' ratings: every later change of a
    # rating is an amendment "after seeing peers" (and refused where the loop locks them).
    peers_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    ratings: Mapped[list[Rating]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", order_by="Rating.id"
    )

    @property
    def interviewer_label(self) -> str:
        """Who wrote it, as reports and pages name them."""
        return self.interviewer_name or self.interviewer_key or f"Interviewer #{self.id}"


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("scorecard_id", "competency_id"),
        Index("ix_ratings_application_id_competency_id", "application_id", "competency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    # Repeated from the scorecard so a job's ratings are read with one indexed query.
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    competency_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str] = mapped_column(Text, default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="ratings")


class ScorecardRevision(Base):
    """The audit trail of a scorecard changed after submission: who, when, why, before, after."""

    __tablename__ = "scorecard_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32), default="amendment")
    actor: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any]]
    after: Mapped[dict[str, Any]]
    after_seeing_peers: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalibrationExercise(Base):
    """One interviewer's calibration exercise: sample answers rated blind, then compared with
    the pack's key. Keyed by the interviewer's identity (as on their scorecards), so the
    calibration report shows it beside their real ratings."""

    __tablename__ = "calibration_exercises"
    # One row per interviewer and attempt: the same page sent twice (two tabs) stores once.
    __table_args__ = (UniqueConstraint("interviewer_key", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interviewer_key: Mapped[str] = mapped_column(String(300))
    interviewer_name: Mapped[str | None] = mapped_column(String(300))
    attempt: Mapped[int]  # 0 for the interviewer's first exercise, then 1, 2, ...
    # The link it was taken through; kept when the assignment goes (the result is the person's).
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    framework_id: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(64))
    agreed: Mapped[int]
    total: Mapped[int]
    # Mean of (their scale position - the key's); positive means they rated above the key.
    rating_offset: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answers: Mapped[list[CalibrationAnswer]] = relationship(
        back_populates="exercise", cascade="all, delete-orphan", order_by="CalibrationAnswer.id"
    )


class CalibrationAnswer(Base):
    """One sample of an exercise: the interviewer's rating and the key it was compared with."""

    __tablename__ = "calibration_answers"
    __table_args__ = (UniqueConstraint("exercise_id", "sample_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_exercises.id", ondelete="CASCADE")
    )
    sample_id: Mapped[str] = mapped_column(String(128))
    competency_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(32))

    exercise: Mapped[CalibrationExercise] = relationship(back_populates="answers")
