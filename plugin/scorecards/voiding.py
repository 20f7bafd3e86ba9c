"""An imported scorecard the ATS deleted (Greenhouse ``scorecard_deleted``): voided, not
removed. It no longer counts in the verdict; the assignment it completed waits for a
scorecard again; the verdict is recomputed (``scorecards_changed``), so a complete verdict
that changed is written back as usual."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment, AssignmentStatus
from plugin.core import signals
from plugin.core.models import utcnow
from plugin.scorecards.models import Scorecard, ScorecardStatus
from webhooks.events import InboundEvent

log = logging.getLogger("hireloop.imports")


def void_deleted_scorecard(session: Session, *, event: InboundEvent) -> bool:
    """Receiver of ``ats_scorecard_deleted``: void the scorecard the event names, if
    hireloop imported it; True when it did."""
    if not event.scorecard_id:
        return False
    card = session.scalar(
        select(Scorecard)
        .where(Scorecard.source == event.provider, Scorecard.ats_scorecard_id == event.scorecard_id)
        .with_for_update()
    )
    if card is None or card.status == ScorecardStatus.VOIDED:
        return False
    card.status = ScorecardStatus.VOIDED
    card.amended_at = utcnow()
    if card.assignment_id is not None:
        assignment = session.get(Assignment, card.assignment_id)
        if assignment is not None and assignment.status == AssignmentStatus.SUBMITTED:
            assignment.status, assignment.submitted_at = AssignmentStatus.PENDING, None
        card.assignment_id = None
    session.flush()
    log.info(
        "%s deleted scorecard %s: voided", event.provider, event.scorecard_id,
        extra={"application_id": card.application_id},
    )  # fmt: skip
    signals.scorecards_changed.send(session, application_id=card.application_id)
    return True
