"""``GET /api/me/agenda``: what waits for the token's holder, as on the home page.

``{"awaiting_decision": [...], "provisional": [...], "late_scorecards": [...],
"loops_with_warnings": [...]}``; each application entry has ``id``, ``ats``,
``external_id``, ``candidate``, ``job`` and ``review_url`` (with ``job_id``, ``stage``,
``recommendation``, ``override``, ``scorecards`` and ``late``); a late scorecard adds
``assignment_id``, ``interviewer``, ``interview``, ``ended_at`` and ``hours_late``. Scoped
like every answer: a token scoped to a job sees that job only.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import Blueprint

from plugin.auth.tokens import current_principal, require_role
from plugin.core.db import get_session
from plugin.core.links import public_url
from plugin.core.models import utcnow
from plugin.home.agenda import build_agenda

blp = Blueprint("home", __name__, url_prefix="/api/me", description="The caller's agenda")


def review_url(application_id: int) -> str:
    """The review page at ``HIRELOOP_PUBLIC_URL``, as in messages and ATS notes."""
    return public_url(url_for("review.application_review", application_id=application_id))


@blp.route("/agenda")
@blp.response(200)
@require_role("recruiter", "hiring_manager")
def get_agenda() -> dict[str, Any]:
    """Applications awaiting a decision, provisional ones, late scorecards, loops to fix."""
    return build_agenda(get_session(), current_principal(), utcnow()).to_dict(review_url)
