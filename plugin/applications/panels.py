"""Who interviews, as the ATS's scheduled interviews say: ``apply_scheduled`` takes them as
the current panel of each interview of the application's loop stage (the webhooks' rules:
a waiting assignment gets its interviewer, who then gets their link; a swapped-out or
declined interviewer's unstarted assignment is cancelled) and records on each assignment its
scheduled interview's id and times (what Greenhouse's ``interview_deleted`` names).

Greenhouse sends no webhook when interviewers are scheduled, so the interview sweep
(``plugin.scorecards.interview_sweep``) reads them for the ``eligible`` applications.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from plugin.applications.assignments import DELETED_PREFIX, ensure_assignments
from plugin.applications.lookups import current_loop_stage
from plugin.applications.models import Application, ApplicationStatus, Assignment
from plugin.applications.models import AssignmentStatus as Status
from plugin.ats.base import AtsScheduledInterview
from plugin.core.models import utcnow
from webhooks.events import InterviewerRef, InterviewRef

#: A stage entered this recently has its panel re-read even when nobody waits.
RECENT_STAGE = timedelta(days=14)
SWEEP_BATCH = 500
#: The systems whose scheduled interviews, each in its stage, are the stage's whole panel.
WHOLE_PANEL_SYSTEMS = ("lever", "ashby")


def eligible(session: Session, systems: Sequence[str], limit: int = SWEEP_BATCH) -> list[int]:
    """The applications whose panel the sweep re-reads, oldest first."""
    # Waiting in the stage the application is in: a slot left waiting in an earlier stage
    # cannot be filled from the current stage's interviews.
    waiting = exists().where(
        Assignment.application_id == Application.id,
        Assignment.stage_id == Application.current_stage_id,
        Assignment.status == Status.PENDING,
        Assignment.interviewer_key == "",
    )
    recent = and_(
        Application.stage_entered_at >= utcnow() - RECENT_STAGE,
        exists().where(
            Assignment.application_id == Application.id,
            Assignment.stage_id == Application.current_stage_id,
            Assignment.status.in_(Status.open()),
        ),
    )
    return list(
        session.scalars(
            select(Application.id)
            .where(
                Application.ats.in_(systems),
                Application.status == ApplicationStatus.ACTIVE,
                Application.purged_at.is_(None),
                or_(waiting, recent),
            )
            .order_by(Application.id)
            .limit(limit)
        ).all()
    )


def apply_scheduled(
    session: Session, application: Application, scheduled: Sequence[AtsScheduledInterview]
) -> dict[str, Any]:
    """The scheduled interviews as the current panel of the application's loop stage."""
    if application.status != ApplicationStatus.ACTIVE or application.current_stage_id is None:
        return {"skipped": "not active"}
    stage = current_loop_stage(session, application)
    if stage is None:
        return {"skipped": "no loop stage"}
    deleted = _deleted_ids(session, application)
    current = [
        s
        for s in scheduled
        if not s.cancelled
        and s.stage_id in (None, application.current_stage_id)
        and s.id not in deleted
    ]
    # Lever and Ashby place every interview in a stage, so a read where each has its stage
    # is the stage's whole panel. Greenhouse lists only what is scheduled already.
    complete = application.ats in WHOLE_PANEL_SYSTEMS and whole_stage(scheduled)
    touched = ensure_assignments(
        session, application, stage, interview_refs(current), panel=True, complete=complete
    )
    recorded = record_scheduled(session, application, current)
    return {"scheduled": len(current), "assigned": len(touched), "recorded": recorded}


def interview_refs(scheduled: Iterable[AtsScheduledInterview]) -> tuple[InterviewRef, ...]:
    """The scheduled interviews as the webhooks' interviews, with who runs them."""
    return tuple(
        InterviewRef(
            id=item.interview_id,
            name=item.interview_name,
            interviewers=tuple(
                InterviewerRef(user.id, user.name or None, user.email)
                for user in item.interviewers
                if user.id
            ),
            # Ashby and Lever may leave an interview's interviewers out: unknown, not nobody.
            panel_known=item.interviewers_known,
        )
        for item in scheduled
    )


def whole_stage(scheduled: Iterable[AtsScheduledInterview]) -> bool:
    """Whether the ATS placed every scheduled interview in a stage (Lever, Ashby): then the
    ones it lists in a stage are all of that stage's, and one it leaves out has nobody now."""
    return all(item.stage_id for item in scheduled)


def _deleted_ids(session: Session, application: Application) -> set[str]:
    """Scheduled interviews the ATS said it deleted (``interview_deleted``): a read made
    before the deletion still lists them, and must not bring them back."""
    marked = session.scalars(
        select(Assignment.scheduled_interview_id).where(
            Assignment.application_id == application.id,
            Assignment.scheduled_interview_id.startswith(DELETED_PREFIX),
        )
    ).all()
    return {str(value).removeprefix(DELETED_PREFIX) for value in marked}


def _same_interview(scheduled: AtsScheduledInterview, assignment: Assignment) -> bool:
    if scheduled.interview_id is not None and scheduled.interview_id == assignment.interview_key:
        return True
    name = scheduled.interview_name.casefold()
    return bool(name) and name in (
        assignment.interview_key.casefold(),
        assignment.interview_name.casefold(),
    )


def record_scheduled(
    session: Session, application: Application, scheduled: Sequence[AtsScheduledInterview]
) -> int:
    """Each assignment of the stage learns its scheduled interview (id and times)."""
    rows = session.scalars(
        select(Assignment).where(
            Assignment.application_id == application.id,
            Assignment.stage_id == application.current_stage_id,
            Assignment.interviewer_key != "",
            Assignment.status != Status.CANCELLED,
        )
    ).all()
    count = 0
    for row in rows:
        found = next(
            (
                s
                for s in scheduled
                if _same_interview(s, row) and row.interviewer_key in {u.id for u in s.interviewers}
            ),
            None,
        )
        if found is None:
            continue
        if row.scheduled_interview_id != found.id:
            row.scheduled_interview_id = found.id[:64]
            count += 1
        row.starts_at = found.starts_at or row.starts_at
        row.ends_at = found.ends_at or row.ends_at
    session.flush()
    return count
