"""Finding an application and reading the loop stage and interviews it is in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.loops.reader import loop_for_job


def find_application(
    session: Session, ats: str, external_id: str, *, lock: bool = False
) -> Application | None:
    query = select(Application).where(
        Application.ats == ats, Application.external_id == external_id
    )
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def visible_assignment(
    session: Session, assignment_id: int, can_see_job: Callable[[str | None], bool]
) -> Assignment | None:
    """The assignment, when its application's job may be seen (``Principal.can_see_job``);
    None for another job's as for a missing one, so a scoped token learns nothing."""
    assignment = session.get(Assignment, assignment_id)
    application = session.get(Application, assignment.application_id) if assignment else None
    if assignment is None or application is None or not can_see_job(application.job_id):
        return None
    return assignment


def assignments_of(session: Session, application_id: int) -> Sequence[Assignment]:
    return session.scalars(
        select(Assignment).where(Assignment.application_id == application_id)
    ).all()


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


def current_loop_stage(session: Session, application: Application) -> Mapping[str, Any] | None:
    """The stage of its job's loop (not the one stored on the application: the loop the job
    has now) that the application is in, or None."""
    loop = loop_for_job(session, application.ats, application.job_id)
    if loop is None:
        return None
    return loop_stage(loop.definition, application.current_stage_id, application.current_stage_name)
