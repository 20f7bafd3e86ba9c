"""The development plan on the review page: a section of its own
(``review/_development_plan.html``, included by the review page), and the hiring manager's
form that saves it.

The section asks for its data itself (``development_plan_for``), so the review page's view
does not change: nothing shows before the hire.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from plugin.applications.models import Application, ApplicationStatus
from plugin.auth.csrf import check_csrf
from plugin.auth.pages import page_role
from plugin.auth.tokens import current_principal
from plugin.core.db import get_session
from plugin.core.errors import DomainError, Invalid, status_of
from plugin.verdicts.access import visible_application
from plugin.verdicts.development import PlanView, plan_view, save_plan
from scorecards.development import REVIEW_DAYS

bp = Blueprint("development", __name__)
MAX_FORM_GOALS = 40


@bp.app_template_global("development_plan_for")
def development_plan_for(application: Application) -> dict[str, Any] | None:
    """What the section shows: the plan, whether the viewer may edit it, and the
    competencies a goal may be added for; None before the hire or without a loop."""
    if application.status != ApplicationStatus.HIRED:
        return None
    try:
        view = plan_view(get_session(), application)
    except DomainError:
        return None
    framework = view.settings.framework
    planned = {g.competency for g in view.goals}
    return {
        "view": view,
        "days": REVIEW_DAYS,
        "can_edit": current_principal().role in ("admin", "hiring_manager"),
        "addable": [c for c in framework.in_scope(view.settings.level) if c.id not in planned]
        if framework.has_level(view.settings.level)
        else [],
    }


def _form_edits(view: PlanView) -> list[dict[str, Any]]:
    """The goals as the form sends them: kept ones edited, plus one added (if chosen)."""
    edits: list[dict[str, Any]] = []
    count = min(_int(request.form.get("count"), 0), MAX_FORM_GOALS)
    for index in range(count):
        competency = request.form.get(f"competency-{index}", "")
        if not competency or request.form.get(f"remove-{index}"):
            continue
        edits.append(
            {
                "competency": competency,
                "by_day": _int(request.form.get(f"by_day-{index}"), 0),
                "actions": request.form.get(f"actions-{index}", "").splitlines(),
                "expectation": request.form.get(f"expectation-{index}", ""),
            }
        )
    added = request.form.get("add", "")
    if added:
        edits.append({"competency": added})
    return edits


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


@bp.post("/review/applications/<int:application_id>/development-plan")
@page_role("hiring_manager")
def save_development_plan(application_id: int) -> BaseResponse | str:
    check_csrf()
    session = get_session()
    principal = current_principal()
    target = url_for("review.application_review", application_id=application_id)
    try:
        application = visible_application(session, application_id, principal)
        view = plan_view(session, application)
        save_plan(session, application, _form_edits(view), principal.actor)
    except DomainError as error:
        session.rollback()
        if not isinstance(error, Invalid):
            return Response(
                render_template("error.html", status=status_of(error), message=error.message),
                status=status_of(error),
            )
        flash(" ".join(f"{k}: {v}" for k, v in error.fields.items()) or error.message, "error")
        return redirect(target + "#development-plan")
    session.commit()
    flash("The development plan is saved.", "success")
    return redirect(target + "#development-plan")
