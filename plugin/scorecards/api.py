"""The interviewer's own scorecard, with the assignment's signed link as bearer token, and
the recruiter's link management.

- ``GET /api/scorecard``: the interview (competencies, level expectation, anchors) and the
  interviewer's scorecard; ``peers`` only once their own is submitted and the loop allows it.
- ``PUT /api/scorecard``: the contract's body; ``submit: false`` saves a draft, ``true``
  submits; after submission the same PUT with ``reason`` records an amendment (409 without).
- ``POST /api/assignments/<id>/revoke-link``: every link issued so far stops working.
- ``POST /api/assignments/<id>/link``: a fresh link (recruiter, admin).

A link token opens its own scorecard and nothing else: anywhere else it is not an API token
(401), and an API token is not a link here (403).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import marshmallow as ma
from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from plugin.applications.lookups import visible_assignment
from plugin.applications.models import Assignment, AssignmentStatus
from plugin.auth.tokens import TOKEN_PREFIX, bearer_token, current_principal, require_role
from plugin.core.db import get_session
from plugin.core.errors import ApiError
from plugin.core.links import interviewer_url, make_link_token
from plugin.core.models import utcnow
from plugin.frameworks.registry import registry
from plugin.scorecards.schemas import (
    LinkSchema,
    RevokedSchema,
    ScorecardInputSchema,
    ScorecardOutSchema,
)
from plugin.scorecards.service import (
    LinkRejected,
    ScorecardError,
    ScorecardInput,
    assignment_for_link,
    load_context,
    mark_not_held,
    revoke_links,
    save_scorecard,
    scorecard_json,
)

blp = Blueprint(
    "scorecard",
    __name__,
    url_prefix="/api",
    description="The interviewer's scorecard (link token as bearer) and link management",
)

SCORECARD_RULE = "/api/scorecard"
NOT_HELD_RULE = "/api/scorecard/not-held"
LINK_RULES = (SCORECARD_RULE, NOT_HELD_RULE)


def _unauthorized(message: str, code: str = "unauthorized") -> ApiError:
    return ApiError(
        401, message, code=code, headers={"WWW-Authenticate": 'Bearer realm="hireloop-interview"'}
    )


@blp.before_request
def authenticate_link() -> None:
    """Runs before the body is parsed, so a request without a valid link learns nothing."""
    if request.url_rule is None or request.url_rule.rule not in LINK_RULES:
        return
    token = bearer_token()
    if token is None:
        raise _unauthorized("Send the interview link's token as 'Authorization: Bearer <token>'.")
    if token.startswith(TOKEN_PREFIX):
        raise ApiError(
            403,
            "An API token cannot open an interviewer's scorecard; use the interview link's token.",
        )
    try:
        g.link_assignment = assignment_for_link(get_session(), token)
    except LinkRejected as exc:
        raise _unauthorized(exc.message, exc.code) from None


@blp.after_request
def no_store(response: Response) -> Response:
    if request.url_rule is not None and request.url_rule.rule in LINK_RULES:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blp.route("/scorecard")
class ScorecardView(MethodView):
    @blp.response(200, ScorecardOutSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self) -> dict[str, Any]:
        """The interviewer's own scorecard and the interview it belongs to."""
        session = get_session()
        ctx = load_context(session, g.link_assignment, registry().get)
        body = scorecard_json(session, ctx)
        session.commit()  # the first sight of peers' ratings, when this was it
        return body

    @blp.arguments(ScorecardInputSchema)
    @blp.response(200, ScorecardOutSchema)
    @blp.alt_response(409, description="Locked: an amendment needs a reason")
    @blp.alt_response(422, description="Invalid or incomplete fields, each named")
    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        """Save a draft (``submit: false``), submit, or amend with a ``reason``."""
        session = get_session()
        ctx = load_context(session, g.link_assignment, registry().get)
        data = ScorecardInput.from_body(body)
        try:
            save_scorecard(session, ctx, data)
            session.commit()
        except ScorecardError:
            session.rollback()
            raise
        except IntegrityError:
            session.rollback()
            raise ApiError(
                409, "The scorecard changed at the same moment elsewhere; send it again."
            ) from None
        body = scorecard_json(session, ctx)
        session.commit()
        return body


class NotHeldSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


@blp.route("/scorecard/not-held", methods=["POST"])
@blp.arguments(NotHeldSchema)
@blp.response(200, ScorecardOutSchema)
@blp.alt_response(409, description="A scorecard was submitted, or the interview was cancelled")
def not_held(body: dict[str, Any]) -> dict[str, Any]:
    """Mark the interview as not held (with a reason) instead of submitting a scorecard that
    rates nothing: the assignment is cancelled and the recruiter sees why."""
    session = get_session()
    ctx = load_context(session, g.link_assignment, registry().get)
    try:
        mark_not_held(session, ctx, body["reason"])
        session.commit()
    except ScorecardError:
        session.rollback()
        raise
    session.refresh(ctx.assignment)
    return scorecard_json(session, ctx)


def _assignment_for_recruiter(assignment_id: int) -> Assignment:
    assignment = visible_assignment(get_session(), assignment_id, current_principal().can_see_job)
    if assignment is None:
        raise ApiError(
            404, f"No assignment with id {assignment_id}.", fields={"assignment_id": "unknown"}
        )
    return assignment


@blp.route("/assignments/<int:assignment_id>/revoke-link", methods=["POST"])
@blp.response(200, RevokedSchema)
@require_role("recruiter")
def revoke_link(assignment_id: int) -> dict[str, Any]:
    """Revoke every link issued for the assignment so far (a new one comes from ``/link``)."""
    assignment = _assignment_for_recruiter(assignment_id)
    version = revoke_links(get_session(), assignment)
    get_session().commit()
    current_app.logger.info(
        "links of assignment %s revoked by %s", assignment_id, current_principal().actor
    )
    return {"id": assignment_id, "link_version": version, "revoked": True}


@blp.route("/assignments/<int:assignment_id>/link", methods=["POST"])
@blp.response(200, LinkSchema)
@require_role("recruiter")
def fresh_link(assignment_id: int) -> dict[str, Any]:
    """A fresh link for the assignment (links issued before keep working until revoked)."""
    assignment = _assignment_for_recruiter(assignment_id)
    if assignment.status == AssignmentStatus.CANCELLED:
        raise ApiError(409, "This interview was cancelled; it gets no new link.")
    token = make_link_token(assignment.id, assignment.link_version)
    days = current_app.config["LINK_MAX_AGE_DAYS"]
    return {
        "id": assignment.id,
        "url": interviewer_url(token),
        "token": token,
        "link_version": assignment.link_version,
        "expires_at": (utcnow() + timedelta(days=days)).isoformat(),
    }
