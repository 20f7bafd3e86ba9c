"""Scorecards: one interviewer's ratings of one application, and their audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    ratings: Mapped[list[Rating]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", order_by="Rating.id"
    )


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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
