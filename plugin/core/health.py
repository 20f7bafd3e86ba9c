"""``GET /healthz``: 200 when the database answers."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from plugin.core.db import get_session
from plugin.core.errors import error_response

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: the database did not answer")
        return error_response(503, "The database is not answering.", code="unavailable")
    return jsonify({"status": "ok"})
