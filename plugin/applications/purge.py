"""Forgetting a candidate: deleted or anonymized (their personal data goes; scores stay,
unlinked from the person) or merged into another candidate record."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from plugin.applications.assignments import cancel_assignments
from plugin.applications.lookups import assignments_of
from plugin.applications.models import Application, ApplicationStatus
from plugin.core import signals
from plugin.core.models import utcnow
from webhooks.events import InboundEvent


def _candidate_applications(session: Session, event: InboundEvent) -> Sequence[Application]:
    conditions = []
    if event.candidate_id:
        conditions.append(Application.candidate_external_id == event.candidate_id)
    if event.application_ids:
        conditions.append(Application.external_id.in_(event.application_ids))
    if not conditions:
        return []
    return session.scalars(
        select(Application)
        .where(Application.ats == event.provider, or_(*conditions))
        .order_by(Application.id)
        .with_for_update()
    ).all()


def purge_application(
    session: Session, application: Application, *, close: bool, candidate_gone: bool = True
) -> None:
    """``candidate_gone``: the candidate was deleted or anonymized (not merged into another,
    who is still there): the deliveries about them are forgotten too."""
    signals.application_purged.send(session, application=application, candidate_gone=candidate_gone)
    application.candidate_name = None
    application.candidate_external_id = None
    if application.purged_at is None:
        application.purged_at = utcnow()
    if close:
        if application.status == ApplicationStatus.ACTIVE:
            application.status = ApplicationStatus.CLOSED
        cancel_assignments(session, assignments_of(session, application.id))


def purge_candidate(session: Session, event: InboundEvent, *, close: bool) -> int:
    """Deleted (close=True) or anonymized: forget who the candidate is; scores stay."""
    applications = _candidate_applications(session, event)
    for application in applications:
        purge_application(session, application, close=close)
    return len(applications)


def merge_candidate(session: Session, event: InboundEvent) -> int:
    """The candidate's applications now belong to the winning candidate record."""
    count = 0
    if event.candidate_id and event.merged_into:
        for application in session.scalars(
            select(Application)
            .where(
                Application.ats == event.provider,
                Application.candidate_external_id == event.candidate_id,
                Application.purged_at.is_(None),
            )
            .with_for_update()
        ):
            application.candidate_external_id = event.merged_into
            count += 1
    if event.application_ids:
        for application in session.scalars(
            select(Application)
            .where(
                Application.ats == event.provider,
                Application.external_id.in_(event.application_ids),
            )
            .with_for_update()
        ):
            purge_application(session, application, close=True, candidate_gone=False)
    return count
