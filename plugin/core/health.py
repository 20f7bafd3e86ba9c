"""``GET /healthz``: 200 when the database answers; ``detail`` says what else is wrong
(capabilities add a provider to ``DETAILS``: the ATS token a credential could not get)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from plugin.core.db import get_session
from plugin.core.errors import error_response

bp = Blueprint("health", __name__)
#: app.extensions key: callables of the request's session answering {name: problem}
#: (empty: all well).
DETAILS = "hireloop.health_details"


@bp.get("/healthz")
def healthz() -> Response:
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: the database did not answer")
        return error_response(503, "The database is not answering.", code="unavailable")
    detail: dict[str, str] = {}
    for provider in current_app.extensions.get(DETAILS, []):
        try:
            detail.update(provider(get_session()))
        except SQLAlchemyError:
            current_app.logger.exception("health check: a detail could not be read")
    return jsonify({"status": "ok", "detail": detail} if detail else {"status": "ok"})
