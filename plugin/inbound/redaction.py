"""Forgetting candidates in the inbox: the bodies of deliveries about a purged candidate
carry personal data and are redacted (the rows, their dedupe keys and their effects stay)."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.inbound.models import REDACTED_BODY, DeliveryStatus, WebhookDelivery
from webhooks.events import EventKind, InboundEvent


def forget_deliveries(
    session: Session, *, application: Application, candidate_gone: bool = True
) -> None:
    """Receiver of ``application_purged``: redact the handled deliveries about the
    application (``candidate_gone``: or about its candidate). Those still to be handled are
    redacted once they are (``about_purged``)."""
    about = [WebhookDelivery.application_key == application.external_id]
    if candidate_gone and application.candidate_external_id:
        about.append(WebhookDelivery.candidate_key == application.candidate_external_id)
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.provider == application.ats,
            or_(*about),
            WebhookDelivery.status.in_((DeliveryStatus.DONE, DeliveryStatus.DEAD)),
        )
        .values(body=REDACTED_BODY, headers={})
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
