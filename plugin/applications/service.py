"""Applications and their assignments, driven by normalised inbound events.

Everything runs inside the caller's transaction (the inbox handles one delivery per
savepoint). Rules:

- Applications are found by ATS identity (ats, external_id) and locked for the update, so
  deliveries about one application are applied one after the other.
- Events are ordered by the resource's own timestamp: an event older than the state held
  (``source_updated_at``) never moves stage or status back. It may still fill in
  interviewers for the stage the application is in now.
- When an active application is in a stage its job's loop maps, each loop interview gets
  one assignment per interviewer; with no interviewer known yet, one assignment with
  ``interviewer_key == ""`` waits and is filled in when an interviewer arrives.
- Hire/reject close the application and cancel assignments nobody started; a cancelled
  interview cancels its unsubmitted assignments; deleting or anonymizing a candidate
  removes the personal data we keep (scores stay, unlinked from the person).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.applications.assignments import (
    cancel_assignments,
    cancel_interview,
    ensure_assignments,
    job_stage_deleted,
    schedule_interviews,
)
from plugin.applications.lookups import (
    assignments_of,
    find_application,
    interview_key,
    loop_stage,
)
from plugin.applications.models import Application, ApplicationStatus, AssignmentStatus
from plugin.applications.purge import merge_candidate, purge_application, purge_candidate
from plugin.core import signals
from plugin.core.models import utcnow
from plugin.loops.models import Loop
from plugin.loops.reader import loop_for_job
from webhooks.events import (
    APPLICATION_KINDS,
    ApplicationSnapshot,
    EventKind,
    InboundEvent,
)

__all__ = [  # what other modules and tests reach through this module
    "applications_using_loop",
    "apply_event",
    "cancel_interview",
    "ensure_assignments",
    "find_application",
    "interview_key",
    "job_stage_deleted",
    "loop_stage",
    "merge_candidate",
    "purge_application",
    "purge_candidate",
    "schedule_interviews",
    "upsert_application",
]

log = logging.getLogger(__name__)

CLOSED_STATUSES = (ApplicationStatus.HIRED, ApplicationStatus.REJECTED, ApplicationStatus.CLOSED)


def apply_event(session: Session, event: InboundEvent) -> None:
    """Apply one normalised event; raises on anything unexpected (the inbox records it)."""
    if event.kind in APPLICATION_KINDS:
        upsert_application(session, event)
    elif event.kind is EventKind.INTERVIEWS_SCHEDULED:
        schedule_interviews(session, event)
    elif event.kind is EventKind.INTERVIEW_CANCELLED:
        cancel_interview(session, event)
    elif event.kind is EventKind.CANDIDATE_DELETED:
        purge_candidate(session, event, close=True)
    elif event.kind is EventKind.CANDIDATE_ANONYMIZED:
        purge_candidate(session, event, close=False)
    elif event.kind is EventKind.CANDIDATE_MERGED:
        merge_candidate(session, event)
    elif event.kind is EventKind.JOB_STAGE_DELETED:
        job_stage_deleted(session, event)


def _get_or_create(session: Session, event: InboundEvent) -> tuple[Application, bool, Loop | None]:
    """The application the event is about, locked, and whether it is new; a new one is
    inserted complete (the event applied, its job's loop set, and returned) in one
    statement."""
    snapshot = event.application
    assert snapshot is not None
    found = find_application(session, event.provider, snapshot.external_id, lock=True)
    if found is not None:
        return found, False, None
    application = Application(
        ats=event.provider, external_id=snapshot.external_id, status=ApplicationStatus.ACTIVE
    )
    _apply_snapshot(application, snapshot, event.occurred_at)
    loop = loop_for_job(session, application.ats, application.job_id)
    application.loop_id = loop.id if loop is not None else None
    try:
        with session.begin_nested():
            session.add(application)
    except IntegrityError:
        # Another transaction created it first (two deliveries about a new application).
        found = find_application(session, event.provider, snapshot.external_id, lock=True)
        if found is None:
            raise
        return found, False, None
    return application, True, loop


def upsert_application(session: Session, event: InboundEvent) -> Application:
    snapshot = event.application
    assert snapshot is not None
    application, created, loop = _get_or_create(session, event)
    current = True  # the event is not older than the state held
    old_stage: str | None
    old_status: str
    if created:
        old_stage, old_status = None, ApplicationStatus.ACTIVE
    else:
        old_stage, old_status = application.current_stage_id, application.status
        current, loop = _update(session, application, event)

    entered = application.current_stage_id is not None and (
        created or application.current_stage_id != old_stage
    )
    if entered:
        application.stage_entered_at = utcnow()
        signals.application_stage_changed.send(session, application=application)
    if application.status in CLOSED_STATUSES and (
        created or old_status == ApplicationStatus.ACTIVE
    ):
        cancel_assignments(
            session,
            assignments_of(session, application.id),
            statuses=(AssignmentStatus.PENDING,),
        )
    reopened = application.status == ApplicationStatus.ACTIVE and old_status in CLOSED_STATUSES
    if (
        application.status != ApplicationStatus.ACTIVE
        or loop is None
        or application.current_stage_id is None
    ):
        return application
    stage = loop_stage(
        loop.definition, application.current_stage_id, application.current_stage_name
    )
    if stage is None:
        return application
    same_stage = snapshot.stage_id is None or snapshot.stage_id == application.current_stage_id
    interviews = snapshot.interviews if same_stage else None
    ensure_assignments(
        session,
        application,
        stage,
        interviews,
        reopen=entered or reopened,
        panel=current,
        complete=same_stage and snapshot.panel_complete,
    )
    return application


def _update(
    session: Session, application: Application, event: InboundEvent
) -> tuple[bool, Loop | None]:
    """Apply the event to a known application unless it is older than the state held (then
    False); the job's loop becomes the application's."""
    assert event.application is not None
    current = True
    occurred = event.occurred_at
    if (
        occurred is not None
        and application.source_updated_at is not None
        and occurred < application.source_updated_at
    ):
        current = False
        log.info(
            "inbound: %s %s for application %s is older than the state held; not applied",
            event.provider,
            event.vendor_event,
            application.id,
        )
    else:
        _apply_snapshot(application, event.application, occurred)
    loop = loop_for_job(session, application.ats, application.job_id)
    if loop is not None:
        application.loop_id = loop.id
    session.flush()
    return current, loop


def _apply_snapshot(
    application: Application, snapshot: ApplicationSnapshot, occurred: datetime | None
) -> None:
    if application.purged_at is None:
        if snapshot.candidate_external_id:
            application.candidate_external_id = snapshot.candidate_external_id
        if snapshot.candidate_name:
            application.candidate_name = snapshot.candidate_name[:300]
    if snapshot.job_id:
        application.job_id = snapshot.job_id
    if snapshot.job_name:
        application.job_name = snapshot.job_name[:300]
    if snapshot.stage_id:
        if snapshot.stage_id != application.current_stage_id or snapshot.stage_name:
            application.current_stage_name = (snapshot.stage_name or "")[:300] or None
        application.current_stage_id = snapshot.stage_id
    if snapshot.status:
        application.status = snapshot.status
    if occurred is not None and (
        application.source_updated_at is None or occurred > application.source_updated_at
    ):
        application.source_updated_at = occurred


def applications_using_loop(session: Session, *, loop_id: int) -> int:
    """Receiver of ``loop_in_use``: a loop applications are judged by cannot go."""
    count = session.scalar(
        select(func.count()).select_from(Application).where(Application.loop_id == loop_id)
    )
    return int(count or 0)
