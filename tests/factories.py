"""Small factories for the rows most tests stand on: a loop, an application, its assignments
and a submitted scorecard.

Each adds to the session and flushes (so ids are known) but never commits: the caller decides
when its arrangement is complete. Keyword arguments not named here go straight to the model,
so a test states only what it cares about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment, AssignmentStatus
from plugin.core.models import utcnow
from plugin.loops.models import Loop
from plugin.scorecards.models import Rating, Scorecard, ScorecardStatus

#: ``{competency: (rating, evidence)}``
Ratings = dict[str, tuple[str, str]]


def make_loop(
    session: Session, definition: dict[str, Any], *, name: str | None = None, reuse: bool = False
) -> Loop:
    """A loop stored from ``definition``; with ``reuse``, the loop already stored for the
    same ATS job when there is one (helpers called several times in one test share it)."""
    ats, job_id = definition.get("ats", "greenhouse"), str(definition["job_id"])
    if reuse:
        stored = session.scalar(select(Loop).where(Loop.ats == ats, Loop.job_id == job_id))
        if stored is not None:
            return stored
    loop = Loop(
        name=name or definition["name"],
        framework_id=definition.get("framework", "pm"),
        level=definition["level"],
        ats=ats,
        job_id=job_id,
        definition=definition,
    )
    session.add(loop)
    session.flush()
    return loop


def make_application(
    session: Session,
    loop: Loop,
    *,
    external_id: str,
    candidate_name: str = "Ada Lovelace",
    **fields: Any,
) -> Application:
    """An application to ``loop``'s job (``candidate_external_id``, stage, job name, status...
    as keyword arguments)."""
    application = Application(
        ats=loop.ats,
        external_id=external_id,
        candidate_name=candidate_name,
        job_id=loop.job_id,
        loop_id=loop.id,
        **fields,
    )
    session.add(application)
    session.flush()
    return application


def make_assignment(
    session: Session,
    application: Application,
    *,
    interviewer_key: str,
    interview_key: str,
    interview_name: str | None = None,
    interviewer_name: str | None = None,
    **fields: Any,
) -> Assignment:
    """One interviewer's part in one interview (``stage_id``, ``interviewer_email``, times,
    status... as keyword arguments)."""
    assignment = Assignment(
        application_id=application.id,
        interviewer_key=interviewer_key,
        interviewer_name=interviewer_name or f"User {interviewer_key}",
        interview_key=interview_key,
        interview_name=interview_name or interview_key,
        **fields,
    )
    session.add(assignment)
    session.flush()
    return assignment


def submit_scorecard(
    session: Session,
    assignment: Assignment,
    ratings: Ratings,
    *,
    recommendation: str = "yes",
    submitted_at: datetime | None = None,
) -> Scorecard:
    """A scorecard submitted in hireloop for ``assignment``, which becomes submitted too."""
    when = submitted_at or utcnow()
    card = Scorecard(
        application_id=assignment.application_id,
        assignment_id=assignment.id,
        source="hireloop",
        interviewer_key=assignment.interviewer_key,
        interviewer_name=assignment.interviewer_name,
        interview_name=assignment.interview_name,
        recommendation=recommendation,
        status=ScorecardStatus.SUBMITTED,
        submitted_at=when,
    )
    for competency, (rating, evidence) in ratings.items():
        card.ratings.append(
            Rating(
                application_id=assignment.application_id,
                competency_id=competency,
                rating=rating,
                evidence=evidence,
            )
        )
    session.add(card)
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = utcnow()
    session.flush()
    return card
