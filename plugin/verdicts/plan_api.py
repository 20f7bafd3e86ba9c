"""The development plan over the API.

- ``GET /api/applications/<id>/development-plan``: ``{"application": id, "goals": [...]}``
  once the application is hired; 404 with code ``not_hired`` before.
- ``PUT /api/applications/<id>/development-plan``: the hiring manager's plan,
  ``{"goals": [{"competency", "actions", "by_day", "expectation"?}]}``; the verdict and
  evidence of each goal stay the interviews' own. Answers the plan as kept.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from plugin.auth.tokens import current_principal, require_role
from plugin.core.db import get_session
from plugin.verdicts.access import visible_application
from plugin.verdicts.development import plan_view, save_plan

blp = Blueprint("development_plans", __name__, url_prefix="/api", description="Development plans")


class GoalEditSchema(ma.Schema):
    competency = ma.fields.String(required=True)
    actions = ma.fields.List(ma.fields.String(), required=True)
    by_day = ma.fields.Integer(required=True, validate=ma.validate.OneOf((30, 60, 90)))
    expectation = ma.fields.String()


class PlanEditSchema(ma.Schema):
    goals = ma.fields.List(
        ma.fields.Nested(GoalEditSchema), required=True, validate=ma.validate.Length(max=40)
    )


@blp.route("/applications/<int:application_id>/development-plan")
@blp.response(200)
@require_role("recruiter", "hiring_manager")
def get_plan(application_id: int) -> dict[str, Any]:
    """The 30/60/90-day plan of a hired application: one goal per competency the interviews
    left open (needs focus, split, not assessed, thin evidence)."""
    session = get_session()
    application = visible_application(session, application_id, current_principal())
    return plan_view(session, application).to_dict()


@blp.route("/applications/<int:application_id>/development-plan", methods=["PUT"])
@require_role("hiring_manager")  # before the body is validated: no token is 401, not 422
@blp.arguments(PlanEditSchema)
@blp.response(200)
def put_plan(data: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Save the hiring manager's plan (the first save may write it to the ATS once)."""
    session = get_session()
    application = visible_application(session, application_id, current_principal())
    view = save_plan(session, application, data["goals"], current_principal().actor)
    session.commit()
    return view.to_dict()
