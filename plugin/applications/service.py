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
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.core import signals
from plugin.core.models import utcnow
from plugin.inbound.models import REDACTED_BODY, WebhookDelivery
from plugin.loops.models import Loop
from plugin.loops.service import loop_for_job
from webhooks.events import (
    APPLICATION_KINDS,
    ApplicationSnapshot,
    EventKind,
    InboundEvent,
    InterviewerRef,
    InterviewRef,
)

log = logging.getLogger(__name__)

CLOSED_STATUSES = ("hired", "rejected", "closed")
OPEN_ASSIGNMENT = ("pending", "draft")


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


# --------------------------------------------------------------------------- lookups


def find_application(
    session: Session, ats: str, external_id: str, *, lock: bool = False
) -> Application | None:
    query = select(Application).where(
        Application.ats == ats, Application.external_id == external_id
    )
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def _get_or_create(session: Session, event: InboundEvent) -> tuple[Application, bool, Loop | None]:
    """The application the event is about, locked, and whether it is new; a new one is
    inserted complete (the event applied, its job's loop set, and returned) in one
    statement."""
    snapshot = event.application
    assert snapshot is not None
    found = find_application(session, event.provider, snapshot.external_id, lock=True)
    if found is not None:
        return found, False, None
    application = Application(ats=event.provider, external_id=snapshot.external_id, status="active")
    _apply_snapshot(application, snapshot, event.occurred_at)
    loop = loop_for(session, application.ats, application.job_id)
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


def loop_for(session: Session, ats: str, job_id: str | None) -> Loop | None:
    return loop_for_job(session, ats, job_id) if job_id else None


def loop_stage(
    definition: Mapping[str, Any], stage_id: str | None, stage_name: str | None
) -> Mapping[str, Any] | None:
    """The loop stage an ATS stage maps to: by ``ats_stage_id``, else by name."""
    stages = [s for s in definition.get("stages") or [] if isinstance(s, Mapping)]
    if stage_id:
        for stage in stages:
            if str(stage.get("ats_stage_id") or "") == stage_id:
                return stage
    if stage_name:
        wanted = stage_name.casefold()
        for stage in stages:
            if not stage.get("ats_stage_id") and str(stage.get("name", "")).casefold() == wanted:
                return stage
    return None


def interview_key(interview: Mapping[str, Any]) -> str:
    """The shared convention: the loop interview's ATS id if it has one, else its name."""
    ats_id = interview.get("ats_interview_id")
    return str(ats_id) if ats_id not in (None, "") else str(interview.get("name", ""))


# --------------------------------------------------------------------------- upsert


def upsert_application(session: Session, event: InboundEvent) -> Application:
    snapshot = event.application
    assert snapshot is not None
    application, created, loop = _get_or_create(session, event)
    current = True  # the event is not older than the state held
    if created:
        old_stage, old_status = None, "active"
    else:
        old_stage, old_status = application.current_stage_id, application.status
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
            _apply_snapshot(application, snapshot, occurred)
        loop = loop_for(session, application.ats, application.job_id)
        if loop is not None:
            application.loop_id = loop.id
        session.flush()

    entered = application.current_stage_id is not None and (
        created or application.current_stage_id != old_stage
    )
    if entered:
        signals.application_stage_changed.send(session, application=application)
    if application.status in CLOSED_STATUSES and (created or old_status == "active"):
        _cancel(session, _assignments_of(session, application.id), statuses=("pending",))
    reopened = application.status == "active" and old_status in CLOSED_STATUSES
    if application.status != "active" or loop is None or application.current_stage_id is None:
        return application
    stage = loop_stage(
        loop.definition, application.current_stage_id, application.current_stage_name
    )
    if stage is None:
        return application
    same_stage = snapshot.stage_id is None or snapshot.stage_id == application.current_stage_id
    interviews = snapshot.interviews if same_stage else None
    ensure_assignments(
        session, application, stage, interviews, reopen=entered or reopened, panel=current
    )
    return application


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


# --------------------------------------------------------------------------- assignments


def _assignments_of(session: Session, application_id: int) -> Sequence[Assignment]:
    return session.scalars(
        select(Assignment).where(Assignment.application_id == application_id)
    ).all()


def _interviewers_of(
    loop_interview: Mapping[str, Any], interviews: Iterable[InterviewRef]
) -> tuple[InterviewerRef, ...] | None:
    """Who the payload says interviews in a loop interview (matched by its ATS id, else by
    name; all of them where several ATS interviews match, as Lever's scheduled interviews of
    one feedback form do); None when the payload does not mention it."""
    interviews = list(interviews)
    ats_id = loop_interview.get("ats_interview_id")
    matches: list[InterviewRef] = []
    if ats_id not in (None, ""):
        matches = [interview for interview in interviews if interview.id == str(ats_id)]
    if not matches:
        name = str(loop_interview.get("name", "")).casefold()
        matches = [interview for interview in interviews if interview.name.casefold() == name]
    if not matches:
        return None
    people: dict[str, InterviewerRef] = {}
    for interview in matches:
        for person in interview.interviewers:
            people.setdefault(person.id, person)
    return tuple(people.values())


def ensure_assignments(
    session: Session,
    application: Application,
    stage: Mapping[str, Any],
    interviews: Sequence[InterviewRef] | None,
    *,
    reopen: bool = False,
    panel: bool = False,
) -> list[Assignment]:
    """Create what is missing for the stage's loop interviews; idempotent. ``reopen``: the
    application (re-)entered the stage, so its cancelled assignments count again. ``panel``:
    ``interviews`` is the current panel of each interview it mentions, so a person it names
    interviews (a cancelled assignment of theirs counts again) and an unstarted assignment of
    a person it no longer names (swapped out, declined) is cancelled: else it would keep the
    verdict provisional for ever."""
    touched: list[Assignment] = []
    stage_name = str(stage.get("name", ""))[:300]
    for loop_interview in stage.get("interviews") or []:
        if not isinstance(loop_interview, Mapping):
            continue
        key = interview_key(loop_interview)[:300]
        name = str(loop_interview.get("name") or key)[:300]
        named = _interviewers_of(loop_interview, interviews) if interviews is not None else None
        people = named or ()
        current = panel and named is not None
        rows = session.scalars(
            select(Assignment).where(
                Assignment.application_id == application.id, Assignment.interview_key == key
            )
        ).all()
        by_person = {row.interviewer_key: row for row in rows}
        if reopen:
            for row in rows:
                if row.status == "cancelled":
                    _reopen(session, row, touched)
        if current:
            listed = {person.id for person in people}
            gone = [r for r in rows if r.interviewer_key and r.interviewer_key not in listed]
            _cancel(session, gone, statuses=("pending",))
        if not people:
            # Nobody known yet, or (a current panel) nobody interviews now: one assignment
            # waits for an interviewer.
            if not rows or (current and all(row.status == "cancelled" for row in rows)):
                waiting = by_person.get("")
                if waiting is None:
                    waiting = _new_assignment(application, stage_name, key, name, None)
                    session.add(waiting)
                _reopen(session, waiting, touched)
            continue
        for person in people:
            known = by_person.get(person.id)
            if known is not None:
                if not known.interviewer_name and person.name:
                    known.interviewer_name = person.name[:300]
                if current and known.status == "cancelled":
                    _reopen(session, known, touched)
                continue
            open_slot = by_person.get("")
            # Only an untouched slot: a scorecard begun through the waiting slot's link is
            # someone else's, and must not become this person's (nor show them peers).
            if open_slot is not None and open_slot.status == "pending":
                del by_person[""]
                # A link issued while the slot waited must not become this person's link.
                open_slot.link_version = (open_slot.link_version or 1) + 1
                open_slot.interviewer_key = person.id
                open_slot.interviewer_name = (person.name or "")[:300] or None
                open_slot.interviewer_email = person.email
                row = open_slot
            else:
                row = _new_assignment(application, stage_name, key, name, person)
                session.add(row)
            by_person[person.id] = row
            session.flush()
            signals.assignment_created.send(session, assignment=row)
            touched.append(row)
        if current and "" in by_person:
            # The panel is named: a slot still waiting for someone waits for nobody.
            _cancel(session, [by_person[""]], statuses=("pending",))
    return touched


def _reopen(session: Session, row: Assignment, touched: list[Assignment]) -> None:
    row.status, row.cancelled_at = "pending", None
    if row.interviewer_key:  # its interviewer gets their link (again)
        session.flush()
        signals.assignment_created.send(session, assignment=row)
    touched.append(row)


def _new_assignment(
    application: Application,
    stage_name: str,
    key: str,
    name: str,
    person: InterviewerRef | None,
) -> Assignment:
    return Assignment(
        application_id=application.id,
        stage_id=application.current_stage_id,
        stage_name=stage_name,
        interview_key=key,
        interview_name=name,
        interviewer_key=person.id if person else "",
        interviewer_name=(person.name or "")[:300] or None if person else None,
        interviewer_email=person.email if person else None,
        status="pending",
        link_version=1,
    )


def _cancel(
    session: Session, rows: Iterable[Assignment], statuses: Sequence[str] = OPEN_ASSIGNMENT
) -> int:
    count = 0
    now = utcnow()
    for row in rows:
        if row.status in statuses:
            row.status, row.cancelled_at = "cancelled", now
            session.flush()
            signals.assignment_cancelled.send(session, assignment=row)
            count += 1
    return count


# --------------------------------------------------------------------------- other events


def schedule_interviews(session: Session, event: InboundEvent) -> list[Assignment]:
    """Who interviews, as an interview schedule names them (Ashby): the panel of each
    interview it names, in the schedule's stage, while the application is in it. It creates
    no application and moves nothing else: a schedule is not the application's own state.
    (Schedules carry no time of the application's, so two updates of one schedule delivered
    out of order apply in the order they are handled.)"""
    snapshot = event.application
    assert snapshot is not None
    application = find_application(session, event.provider, snapshot.external_id, lock=True)
    if (
        application is None
        or application.status != "active"
        or application.current_stage_id != event.stage_id
    ):
        return []
    loop = loop_for(session, application.ats, application.job_id)
    stage = (
        loop_stage(loop.definition, application.current_stage_id, application.current_stage_name)
        if loop is not None
        else None
    )
    if stage is None:
        return []
    return ensure_assignments(session, application, stage, snapshot.interviews, panel=True)


def cancel_interview(session: Session, event: InboundEvent) -> int:
    """Cancel the unsubmitted assignments of a cancelled or deleted interview.

    Greenhouse sends one id for "a scheduled interview was cancelled" and "an interview was
    deleted from the job": the scheduled interview is tried first, and only an id that no
    assignment knows as its scheduled interview is taken for the job's interview (the loop
    interview key), so the two id spaces cannot cancel each other's assignments."""
    iid = event.interview_id

    def matching(*conditions: Any) -> Sequence[Assignment]:
        query = (
            select(Assignment)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.ats == event.provider, or_(*conditions))
            .order_by(Assignment.id)
            .with_for_update(of=Assignment)
        )
        if event.application_ids and not event.stage_id:
            query = query.where(Application.external_id.in_(event.application_ids))
        return session.scalars(query).all()

    rows = matching(Assignment.scheduled_interview_id == iid) if iid else ()
    if not rows:
        conditions = [Assignment.interview_key == iid]
        if event.application_ids and event.stage_id:
            # Ashby cancels an interview schedule of one application's stage: the interviews
            # (and interviewers) it names, or the whole stage's when it names none.
            schedule = Application.external_id.in_(event.application_ids) & (
                Assignment.stage_id == event.stage_id
            )
            if event.interviews:
                schedule &= or_(*(_of_scheduled(interview) for interview in event.interviews))
            conditions.append(schedule)
        rows = matching(*conditions)
    return _cancel(session, rows)


def _of_scheduled(interview: InterviewRef) -> ColumnElement[bool]:
    """The assignments of one interview of a schedule: of the people it names, and the one
    waiting for an interviewer."""
    condition = Assignment.interview_key == interview.id
    if interview.interviewers:
        people = [person.id for person in interview.interviewers]
        condition &= Assignment.interviewer_key.in_([*people, ""])
    return condition


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
    forget_deliveries(session, application, by_candidate=candidate_gone)
    application.candidate_name = None
    application.candidate_external_id = None
    if application.purged_at is None:
        application.purged_at = utcnow()
    if close:
        if application.status == "active":
            application.status = "closed"
        _cancel(session, _assignments_of(session, application.id))


def forget_deliveries(
    session: Session, application: Application, *, by_candidate: bool = True
) -> None:
    """The bodies kept of the handled deliveries about the application (``by_candidate``:
    or its candidate) carry personal data: redacted (the rows, their dedupe keys and their
    effects stay). Those still to be handled are redacted once they are (``about_purged``)."""
    about = [WebhookDelivery.application_key == application.external_id]
    if by_candidate and application.candidate_external_id:
        about.append(WebhookDelivery.candidate_key == application.candidate_external_id)
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.provider == application.ats,
            or_(*about),
            WebhookDelivery.status.in_(("done", "dead")),
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


def job_stage_deleted(session: Session, event: InboundEvent) -> int:
    """A stage was removed from the ATS job: its assignments nobody started are cancelled."""
    query = (
        select(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.ats == event.provider, Assignment.stage_id == event.stage_id)
        .with_for_update(of=Assignment)
    )
    if event.job_id:
        query = query.where(Application.job_id == event.job_id)
    if event.job_id and loop_for(session, event.provider, event.job_id) is not None:
        log.warning(
            "inbound: stage %s was deleted from %s job %s; its loop may need updating",
            event.stage_id,
            event.provider,
            event.job_id,
        )
    return _cancel(session, session.scalars(query).all(), statuses=("pending",))
