"""Assignments: one per interviewer of each loop interview of the stage an application is in.

With no interviewer known yet, one assignment with ``interviewer_key == ""`` waits and is
filled in when an interviewer arrives. A cancelled interview cancels its unsubmitted
assignments; a schedule (Ashby) names the current panel of its interviews.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from plugin.applications.lookups import (
    current_loop_stage,
    find_application,
    interview_key,
)
from plugin.applications.models import Application, ApplicationStatus, Assignment
from plugin.applications.models import AssignmentStatus as Status
from plugin.core import signals
from plugin.core.models import utcnow
from plugin.loops.reader import loop_for_job
from webhooks.events import InboundEvent, InterviewerRef, InterviewRef

log = logging.getLogger(__name__)

#: ``scheduled_interview_id`` of an assignment whose scheduled interview the ATS deleted.
DELETED_PREFIX = "deleted:"


@dataclass(frozen=True)
class _Interview:
    """What every assignment of one loop interview in the application's stage shares."""

    application: Application
    stage_name: str
    key: str
    name: str


def _interviewers_of(
    loop_interview: Mapping[str, Any], interviews: Iterable[InterviewRef]
) -> tuple[tuple[InterviewerRef, ...], bool] | None:
    """Who the payload says interviews in a loop interview (matched by its ATS id, else by
    name; all of them where several ATS interviews match, as Lever's scheduled interviews of
    one feedback form do), and whether that is the whole panel (no match left the ATS's
    interviewer field out); None when the payload does not mention it."""
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
    return tuple(people.values()), all(interview.panel_known for interview in matches)


def ensure_assignments(
    session: Session,
    application: Application,
    stage: Mapping[str, Any],
    interviews: Sequence[InterviewRef] | None,
    *,
    reopen: bool = False,
    panel: bool = False,
    complete: bool = False,
) -> list[Assignment]:
    """Create what is missing for the stage's loop interviews; idempotent. ``reopen``: the
    application (re-)entered the stage, so its cancelled assignments count again. ``panel``:
    ``interviews`` is the current panel of each interview it mentions, so a person it names
    interviews (a cancelled assignment of theirs counts again) and an unstarted assignment of
    a person it no longer names (swapped out, declined) is cancelled: else it would keep the
    verdict provisional for ever. ``complete``: ``interviews`` is every interview of the
    stage (an API re-read), so a loop interview it does not mention has nobody now."""
    touched: list[Assignment] = []
    stage_name = str(stage.get("name", ""))[:300]
    for loop_interview in stage.get("interviews") or []:
        if not isinstance(loop_interview, Mapping):
            continue
        key = interview_key(loop_interview)[:300]
        interview = _Interview(
            application, stage_name, key, str(loop_interview.get("name") or key)[:300]
        )
        found = _interviewers_of(loop_interview, interviews) if interviews is not None else None
        if found is None and complete and interviews is not None:
            found = ((), True)  # the ATS lists the stage's interviews: none of this one
        named, known = found if found is not None else (None, False)
        _ensure_interview(
            session, interview, named, reopen=reopen, current=panel and known, touched=touched
        )
    return touched


def _ensure_interview(
    session: Session,
    interview: _Interview,
    named: tuple[InterviewerRef, ...] | None,
    *,
    reopen: bool,
    current: bool,
    touched: list[Assignment],
) -> None:
    """``current``: ``named`` is the interview's panel now."""
    people = named or ()
    rows = session.scalars(
        select(Assignment).where(
            Assignment.application_id == interview.application.id,
            Assignment.interview_key == interview.key,
        )
    ).all()
    by_person = {row.interviewer_key: row for row in rows}
    if reopen:
        for row in rows:
            if row.status == Status.CANCELLED:
                _reopen(session, row, touched)
    if current:
        listed = {person.id for person in people}
        gone = [r for r in rows if r.interviewer_key and r.interviewer_key not in listed]
        cancel_assignments(session, gone, statuses=(Status.PENDING,))
    if not people:
        # Nobody known yet, or (a current panel) nobody interviews now: one assignment
        # waits for an interviewer.
        if not rows or (current and all(row.status == Status.CANCELLED for row in rows)):
            waiting = by_person.get("")
            if waiting is None:
                waiting = _new_assignment(interview, None)
                session.add(waiting)
            _reopen(session, waiting, touched)
        return
    for person in people:
        _assign(session, interview, person, by_person, current=current, touched=touched)
    if current and "" in by_person:
        # The panel is named: a slot still waiting for someone waits for nobody.
        cancel_assignments(session, [by_person[""]], statuses=(Status.PENDING,))


def _assign(
    session: Session,
    interview: _Interview,
    person: InterviewerRef,
    by_person: dict[str, Assignment],
    *,
    current: bool,
    touched: list[Assignment],
) -> None:
    """The person's assignment: theirs already, the waiting slot, or a new one."""
    known = by_person.get(person.id)
    if known is not None:
        if not known.interviewer_name and person.name:
            known.interviewer_name = person.name[:300]
        # Its interviewer said the interview was not held: the ATS still listing them for it
        # does not undo that (a new stage entry does; see _reopen).
        if current and known.status == Status.CANCELLED and known.not_held_at is None:
            _reopen(session, known, touched)
        return
    open_slot = by_person.get("")
    # Only an untouched slot: a scorecard begun through the waiting slot's link is
    # someone else's, and must not become this person's (nor show them peers).
    if open_slot is not None and open_slot.status == Status.PENDING:
        del by_person[""]
        # A link issued while the slot waited must not become this person's link.
        open_slot.link_version = (open_slot.link_version or 1) + 1
        open_slot.interviewer_key = person.id
        open_slot.interviewer_name = (person.name or "")[:300] or None
        open_slot.interviewer_email = person.email
        row = open_slot
    else:
        row = _new_assignment(interview, person)
        session.add(row)
    by_person[person.id] = row
    session.flush()
    signals.assignment_created.send(session, assignment=row)
    touched.append(row)


def _reopen(session: Session, row: Assignment, touched: list[Assignment]) -> None:
    row.status, row.cancelled_at = Status.PENDING, None
    row.not_held_at, row.not_held_reason = None, None  # the interview is expected again
    if row.interviewer_key:  # its interviewer gets their link (again)
        session.flush()
        signals.assignment_created.send(session, assignment=row)
    touched.append(row)


def _new_assignment(interview: _Interview, person: InterviewerRef | None) -> Assignment:
    return Assignment(
        application_id=interview.application.id,
        stage_id=interview.application.current_stage_id,
        stage_name=interview.stage_name,
        interview_key=interview.key,
        interview_name=interview.name,
        interviewer_key=person.id if person else "",
        interviewer_name=(person.name or "")[:300] or None if person else None,
        interviewer_email=person.email if person else None,
        status=Status.PENDING,
        link_version=1,
    )


def cancel_assignments(
    session: Session, rows: Iterable[Assignment], statuses: Sequence[str] = Status.open()
) -> int:
    """Cancel the rows in one of ``statuses``; returns how many."""
    count = 0
    now = utcnow()
    for row in rows:
        if row.status in statuses:
            row.status, row.cancelled_at = Status.CANCELLED, now
            session.flush()
            signals.assignment_cancelled.send(session, assignment=row)
            count += 1
    return count


# --------------------------------------------------------------------------- other events


def schedule_interviews(session: Session, event: InboundEvent) -> list[Assignment]:
    """Who interviews, as an interview schedule names them (Ashby) or Lever's interviews
    re-read after an interview event: the panel of each
    interview it names, in the schedule's stage, while the application is in it. It creates
    no application and moves nothing else: a schedule is not the application's own state.
    (Schedules carry no time of the application's, so two updates of one schedule delivered
    out of order apply in the order they are handled.)"""
    snapshot = event.application
    assert snapshot is not None
    application = find_application(session, event.provider, snapshot.external_id, lock=True)
    if (
        application is None
        or application.status != ApplicationStatus.ACTIVE
        or application.current_stage_id != event.stage_id
    ):
        return []
    # The job's loop (not the one stored on the application), as when the stage was entered.
    stage = current_loop_stage(session, application)
    if stage is None:
        return []
    return ensure_assignments(
        session,
        application,
        stage,
        snapshot.interviews,
        panel=True,
        complete=snapshot.panel_complete,
    )


def cancel_interview(session: Session, event: InboundEvent) -> int:
    """Cancel the unsubmitted assignments of a cancelled or deleted interview.

    The id is first taken for a scheduled interview (Greenhouse's ``interview_deleted``
    names only that, and the interview sweep records it on the assignments). Only an event
    that names its applications (Lever, Ashby) may also match the loop interview key, and
    only within them: a bare id is never matched against loop interview keys across
    applications, where the job's interview ids and the scheduled ones could collide."""
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
    for row in rows:
        # Remembered as deleted: a read of the scheduled interviews made before the
        # deletion (the interview sweep's) must not bring the interview back.
        row.scheduled_interview_id = f"{DELETED_PREFIX}{iid}"[:64]
    if not rows and event.application_ids:
        conditions = [Assignment.interview_key == iid]
        if event.stage_id:
            # Ashby cancels an interview schedule of one application's stage: the interviews
            # (and interviewers) it names, or the whole stage's when it names none.
            schedule = Application.external_id.in_(event.application_ids) & (
                Assignment.stage_id == event.stage_id
            )
            if event.interviews:
                schedule &= or_(*(_of_scheduled(interview) for interview in event.interviews))
            conditions.append(schedule)
        rows = matching(*conditions)
    return cancel_assignments(session, rows)


def _of_scheduled(interview: InterviewRef) -> ColumnElement[bool]:
    """The assignments of one interview of a schedule: of the people it names, and the one
    waiting for an interviewer."""
    condition = Assignment.interview_key == interview.id
    if interview.interviewers:
        people = [person.id for person in interview.interviewers]
        condition &= Assignment.interviewer_key.in_([*people, ""])
    return condition


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
    if event.job_id and loop_for_job(session, event.provider, event.job_id) is not None:
        log.warning(
            "inbound: stage %s was deleted from %s job %s; its loop may need updating",
            event.stage_id,
            event.provider,
            event.job_id,
        )
    return cancel_assignments(session, session.scalars(query).all(), statuses=(Status.PENDING,))
