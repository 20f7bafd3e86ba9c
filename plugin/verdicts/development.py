"""The development plan of a hired application (scorecards.development builds it).

Until the hiring manager saves one, the plan is built from the verdict on every read, so it
follows amendments made after the hire; once saved, the saved plan is the plan. Before the
hire there is no plan: ``NotFound`` with code ``not_hired``. The first save may queue the
plan's note to the ATS (``plan_note``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.applications.models import Application, ApplicationStatus
from plugin.core.errors import Invalid, NotFound
from plugin.loops import reader
from plugin.verdicts import plan_note, service
from plugin.verdicts.models import DevelopmentPlan
from plugin.verdicts.settings import LoopSettings, loop_settings
from scorecards.aggregation import Verdict
from scorecards.development import Goal, PlanError, build_plan, edit_plan, goal_from_dict


@dataclass(frozen=True)
class PlanView:
    application: Application
    settings: LoopSettings
    verdict: Verdict
    goals: tuple[Goal, ...]
    saved: DevelopmentPlan | None

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON: exactly ``application`` and ``goals``."""
        return {"application": self.application.id, "goals": [g.to_dict() for g in self.goals]}


def require_hired(application: Application) -> None:
    if application.status != ApplicationStatus.HIRED:
        raise NotFound(
            f"Application {application.id} is not hired: a development plan starts at the hire.",
            code="not_hired",
            fields={"id": "not hired"},
        )


def saved_plan(session: Session, application_id: int) -> DevelopmentPlan | None:
    return session.scalar(
        select(DevelopmentPlan).where(DevelopmentPlan.application_id == application_id)
    )


def plan_view(session: Session, application: Application) -> PlanView:
    """The application's plan: the saved one, else built from the verdict."""
    require_hired(application)
    settings = loop_settings(reader.require_loop_of(session, application))
    verdict = service.compute_verdict(session, application.id, settings)
    saved = saved_plan(session, application.id)
    if saved is not None:
        goals = tuple(goal_from_dict(settings.framework, g) for g in saved.plan.get("goals", []))
    else:
        goals = build_plan(settings.framework, settings.level, verdict.competencies)
    return PlanView(application, settings, verdict, goals, saved)


def save_plan(
    session: Session, application: Application, edits: Sequence[Any], actor: str
) -> PlanView:
    """Keep the hiring manager's plan (``Invalid`` naming the field at fault); the first
    save queues the ATS note when that is configured. Not committed here."""
    view = plan_view(session, application)
    try:
        goals = edit_plan(
            view.settings.framework, view.settings.level, view.verdict.competencies, edits
        )
    except PlanError as error:
        raise Invalid(error.message, fields={error.field: error.message}) from None
    plan = {"goals": [g.to_dict() for g in goals]}
    saved = view.saved or _first_save(session, application.id, plan, actor)
    saved.plan, saved.actor = plan, actor
    session.flush()
    plan_note.queue_note(session, application)
    return PlanView(application, view.settings, view.verdict, goals, saved)


def _first_save(
    session: Session, application_id: int, plan: dict[str, Any], actor: str
) -> DevelopmentPlan:
    """The plan's row, inserted; when another first save won the race, that row (this save
    then replaces its plan, as a later save would)."""
    try:
        with session.begin_nested():
            row = DevelopmentPlan(application_id=application_id, plan=plan, actor=actor)
            session.add(row)
        return row
    except IntegrityError:
        existing = saved_plan(session, application_id)
        if existing is None:
            raise
        return existing
