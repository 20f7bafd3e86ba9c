"""Server-rendered pages and the health check."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from plugin.db import get_session
from plugin.errors import error_response

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz() -> Response:
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: the database did not answer")
        return error_response(503, "The database is not answering.", code="unavailable")
    return jsonify({"status": "ok"})


def init_web(app: Flask) -> None:
    from plugin.web import auth, csrf, interviewer, messages, recruiter, review, webhooks

    csrf.init_app(app)
    for blueprint in (
        health,
        auth.bp,
        review.bp,
        interviewer.bp,
        recruiter.bp,
        webhooks.bp,
        messages.bp,
    ):
        app.register_blueprint(blueprint)
