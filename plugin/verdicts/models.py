"""What the verdicts capability stores: hiring managers' overrides, announced verdicts and
saved development plans."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin.core.models import Base, utcnow


class VerdictOverride(Base):
    """A hiring manager's recommendation beside the mechanical one, never replacing it."""

    __tablename__ = "verdict_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    recommendation: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerdictRecord(Base):
    """A complete verdict as it was when it was announced (ATS note, hiring manager message);
    a new record, and so a new note, only when the fingerprint changes."""

    __tablename__ = "verdict_records"
    __table_args__ = (UniqueConstraint("application_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    recommendation: Mapped[str] = mapped_column(String(32))
    summary: Mapped[dict[str, Any]]
    # The hiring bar it was computed under (NULL: before the monotone bar, migration 0006).
    bar_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DevelopmentPlan(Base):
    """The development plan of a hired application as its hiring manager saved it; until
    one is saved the plan is built from the verdict on every read."""

    __tablename__ = "development_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    plan: Mapped[dict[str, Any]]  # {"goals": [the contract's goals]}
    actor: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
