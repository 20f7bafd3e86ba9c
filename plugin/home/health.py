"""The worker's health for the admin's home page: is the inbox keeping up, did outbox jobs
run out of attempts, and when did a verdict note last reach the ATS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.inbound.models import DeliveryStatus, WebhookDelivery
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.verdicts.writeback import KIND as WRITEBACK_KIND

#: Dead letters listed by name on the page (the count covers them all).
DEAD_LETTERS_SHOWN = 5


@dataclass(frozen=True)
class DeadLetter:
    id: int
    kind: str
    key: str
    error: str | None
    at: datetime


@dataclass(frozen=True)
class WorkerHealth:
    inbox_waiting: int
    inbox_lag_seconds: float | None  # age of the oldest delivery still to handle
    dead_letters: int
    latest_dead: tuple[DeadLetter, ...]
    last_writeback: datetime | None

    @property
    def ok(self) -> bool:
        return self.dead_letters == 0 and (self.inbox_lag_seconds or 0) < 300


def worker_health(session: Session, at: datetime) -> WorkerHealth:
    waiting, oldest = session.execute(
        select(func.count(), func.min(WebhookDelivery.received_at)).where(
            WebhookDelivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.FAILED))
        )
    ).one()
    dead = session.scalar(select(func.count()).where(OutboxJob.status == JobStatus.DEAD)) or 0
    latest = session.scalars(
        select(OutboxJob)
        .where(OutboxJob.status == JobStatus.DEAD)
        .order_by(OutboxJob.updated_at.desc(), OutboxJob.id.desc())
        .limit(DEAD_LETTERS_SHOWN)
    ).all()
    last_writeback = session.scalar(
        select(func.max(OutboxJob.updated_at)).where(
            OutboxJob.kind == WRITEBACK_KIND, OutboxJob.status == JobStatus.DONE
        )
    )
    return WorkerHealth(
        inbox_waiting=int(waiting or 0),
        inbox_lag_seconds=(at - aware(oldest)).total_seconds() if oldest else None,
        dead_letters=int(dead),
        latest_dead=tuple(
            DeadLetter(j.id, j.kind, j.key, j.last_error, aware(j.updated_at)) for j in latest
        ),
        last_writeback=aware(last_writeback) if last_writeback else None,
    )


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
