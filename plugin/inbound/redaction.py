"""Forgetting candidates in the inbox: the bodies of deliveries about a purged candidate
carry personal data and are redacted (the rows, their dedupe keys and their effects stay),
whatever their state: one still pending or failing is then handled as having nothing left
to do. Handled bodies about anyone are redacted after ``HIRELOOP_INBOX_RETENTION_DAYS``
(``redact_old_deliveries``, a worker sweep)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.core.config import setting
from plugin.core.models import utcnow
from plugin.inbound.models import (
    EXPIRED_BODY,
    REDACTED_BODIES,
    REDACTED_BODY,
    DeliveryStatus,
    WebhookDelivery,
)
from webhooks.events import EventKind, InboundEvent


def forget_deliveries(
    session: Session, *, application: Application, candidate_gone: bool = True
) -> None:
    """Receiver of ``application_purged``: redact every delivery about the application
    (``candidate_gone``: or about its candidate), handled or not, and the errors kept with
    them (an ATS's error may quote the candidate)."""
    about = [WebhookDelivery.application_key == application.external_id]
    if candidate_gone and application.candidate_external_id:
        about.append(WebhookDelivery.candidate_key == application.candidate_external_id)
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.provider == application.ats,
            or_(*about),
        )
        .values(body=REDACTED_BODY, headers={}, last_error=None)
        .execution_options(synchronize_session=False)
    )


def about_purged(session: Session, delivery: WebhookDelivery, event: InboundEvent) -> bool:
    """Whether a delivery just handled is about a candidate hireloop has forgotten: the
    deletion or anonymization itself, or any event about a purged application."""
    if event.kind in (EventKind.CANDIDATE_DELETED, EventKind.CANDIDATE_ANONYMIZED):
        return True
    if not delivery.application_key:
        return False
    purged = session.scalar(
        select(Application.id).where(
            Application.ats == delivery.provider,
            Application.external_id == delivery.application_key,
            Application.purged_at.is_not(None),
        )
    )
    return purged is not None


#: The sweep that redacts handled bodies past their retention, and how often it runs.
RETENTION_SWEEP = "inbox-retention"
RETENTION_SWEEP_SECONDS = 3600.0


def redact_old_deliveries(session: Session, now: datetime | None = None) -> int:
    """Sweep: redact the bodies (and kept headers) of deliveries handled, or given up on,
    more than ``HIRELOOP_INBOX_RETENTION_DAYS`` ago; how many. Rows, dedupe keys and their
    effects stay (a copy arriving later is still a duplicate)."""
    config: Any = current_app.config if has_app_context() else {}
    days = float(setting(config, "INBOX_RETENTION_DAYS"))
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.status.in_((DeliveryStatus.DONE, DeliveryStatus.DEAD)),
            WebhookDelivery.processed_at < cutoff,
            WebhookDelivery.body.not_in(REDACTED_BODIES),
        )
        .values(body=EXPIRED_BODY, headers={}, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
