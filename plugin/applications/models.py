from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin.core.models import Base, utcnow


class ApplicationStatus(StrEnum):
    ACTIVE = "active"
    HIRED = "hired"
    REJECTED = "rejected"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AssignmentStatus(StrEnum):
    """An interviewer's part in one interview: waiting for them, begun, done, or called off."""

    PENDING = "pending"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _ASSIGNMENT_LABELS[self]

    @classmethod
    def open(cls) -> tuple[AssignmentStatus, ...]:
        """Still expecting a scorecard."""
        return (cls.PENDING, cls.DRAFT)


_ASSIGNMENT_LABELS = {
    AssignmentStatus.PENDING: "Not started",
    AssignmentStatus.DRAFT: "Draft",
    AssignmentStatus.SUBMITTED: "Submitted",
    AssignmentStatus.CANCELLED: "Cancelled",
}


class Application(Base):
    """A candidate's application as the ATS knows it; only what the product needs is kept."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("ats", "external_id"),
        Index("ix_applications_ats_job_id", "ats", "job_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ats: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    candidate_external_id: Mapped[str | None] = mapped_column(String(64), index=True)
    candidate_name: Mapped[str | None] = mapped_column(String(300))
    job_id: Mapped[str | None] = mapped_column(String(64))
    job_name: Mapped[str | None] = mapped_column(String(300))
    loop_id: Mapped[int | None] = mapped_column(
        ForeignKey("loops.id", ondelete="SET NULL"), index=True
    )
    current_stage_id: Mapped[str | None] = mapped_column(String(64))
    current_stage_name: Mapped[str | None] = mapped_column(String(300))
    # When hireloop saw the application enter its current stage (the interview sweep
    # re-reads the panel of recent stages).
    stage_entered_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32), default=ApplicationStatus.ACTIVE)
    # The ATS's own timestamp of the state we hold: an older event never overwrites a newer one.
    source_updated_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Assignment(Base):
    """One interviewer's part in one interview of an application; owns the signed link."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("application_id", "interview_key", "interviewer_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[str | None] = mapped_column(String(64))
    stage_name: Mapped[str] = mapped_column(String(300), default="")
    interview_key: Mapped[str] = mapped_column(String(300))
    interview_name: Mapped[str] = mapped_column(String(300))
    # "" while the interview has no interviewer yet (the assignment waits for one).
    interviewer_key: Mapped[str] = mapped_column(String(300), default="")
    interviewer_name: Mapped[str | None] = mapped_column(String(300))
    interviewer_email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(32), default=AssignmentStatus.PENDING)
    # Bumped to revoke every link issued so far.
    link_version: Mapped[int] = mapped_column(default=1)
    # The ATS's scheduled interview (Greenhouse: what ``interview_deleted`` names).
    scheduled_interview_id: Mapped[str | None] = mapped_column(String(64), index=True)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The interviewer's word that the interview did not take place (instead of a scorecard
    # that rates nothing); the assignment is cancelled with it and the recruiter sees why.
    not_held_at: Mapped[datetime | None]
    not_held_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
