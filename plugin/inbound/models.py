from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plugin.core.models import Base, utcnow

#: What the body of a delivery about a purged candidate becomes (its effect happened before).
REDACTED_BODY = b'{"redacted": "the candidate was deleted or anonymized"}'
#: What a handled body becomes after ``HIRELOOP_INBOX_RETENTION_DAYS``.
EXPIRED_BODY = b'{"redacted": "kept for HIRELOOP_INBOX_RETENTION_DAYS, then removed"}'
#: Bodies with nothing left to handle (a retry of such a delivery does nothing).
REDACTED_BODIES = (REDACTED_BODY, EXPIRED_BODY)


class DeliveryStatus(StrEnum):
    """``pending`` (stored, not handled yet), ``done``, ``failed`` (retried after a backoff)
    or ``dead`` (out of attempts)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    DEAD = "dead"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class WebhookDelivery(Base):
    """A verified webhook delivery, committed before the sender gets its 200.

    The unique (provider, dedupe_key) makes concurrent copies of one delivery a single row.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("provider", "dedupe_key"),
        # A signed body sent again under a new event id is the same delivery (Greenhouse).
        UniqueConstraint("provider", "body_hash"),
        Index("ix_webhook_deliveries_status_received_at", "status", "received_at"),
        Index("ix_webhook_deliveries_application", "provider", "application_key"),
        Index("ix_webhook_deliveries_candidate", "provider", "candidate_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(100))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the raw body where the body alone identifies a delivery (Greenhouse signs
    # the whole body); None elsewhere.
    body_hash: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    headers: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(32), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    # When a failed delivery is due for its next attempt (the worker retries it then).
    next_attempt_at: Mapped[datetime | None]
    # A worker is preparing it until then (other workers leave it alone meanwhile).
    claimed_until: Mapped[datetime | None]
    # Whom the delivery is about (the ATS's ids, where it says), so that purging a candidate
    # also forgets the personal data in the bodies kept about them.
    application_key: Mapped[str | None] = mapped_column(String(200))
    candidate_key: Mapped[str | None] = mapped_column(String(200))
