"""The calibration exercise behind the interviewer's link: ``/i/<token>/calibration``.

``GET`` shows ten sample answers with the level's anchors and a rating for each, and nothing
that gives the key away (samples are named by position only); ``POST`` stores the ratings
and redirects to ``/i/<token>/calibration/<id>``, which shows the key, the reason for each
and how far the interviewer agreed. The same link rules as the scorecard page: a bad,
expired or revoked link gets the link error page, forms carry the CSRF field, answers are
never cached or framed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from plugin.applications.models import Assignment
from plugin.auth.csrf import check_csrf
from plugin.core.db import get_session
from plugin.core.errors import ApiError, DomainError, Invalid, status_of
from plugin.frameworks.registry import registry
from plugin.scorecards.calibration_exercise import (
    Exercise,
    exercise_for,
    exercise_of,
    interviewer_identity,
    record_exercise,
)
from plugin.scorecards.context import InterviewContext, load_context
from plugin.scorecards.links import LinkRejected, assignment_for_link
from plugin.scorecards.models import CalibrationExercise
from scorecards.calibration_pack import calibration_pack_for

bp = Blueprint("calibration", __name__)

LINK_ERROR_STATUS = {"invalid": 401, "expired": 410, "revoked": 410, "gone": 410}


@bp.after_request
def _page_headers(response: Response) -> Response:
    # The link is a credential: never cached, never sent on as a Referer, never framed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _message_page(status: int, message: str) -> Response:
    body = render_template("interviewer/link_error.html", status=status, message=message)
    return Response(body, status=status, mimetype="text/html")


def _context(token: str) -> InterviewContext | Response:
    session = get_session()
    try:
        assignment: Assignment = assignment_for_link(session, token)
    except LinkRejected as exc:
        return _message_page(LINK_ERROR_STATUS.get(exc.reason, 401), exc.message)
    return load_context(session, assignment, registry().get)


def _exercise(ctx: InterviewContext) -> Exercise | Response:
    try:
        return exercise_for(get_session(), ctx)
    except DomainError as error:
        body = render_template("interviewer/calibration.html", exercise=None, message=error.message)
        return Response(body, status=status_of(error), mimetype="text/html")


@bp.app_template_global("calibration_available")
def calibration_available(framework_id: str | None) -> bool:
    """Whether the interviewer page offers the exercise (the framework has sample answers)."""
    pack = calibration_pack_for(framework_id) if framework_id else None
    return pack is not None and bool(pack.samples)


def _render_form(
    token: str,
    exercise: Exercise,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, Any] | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    body = render_template(
        "interviewer/calibration.html",
        token=token,
        exercise=exercise,
        points=exercise.framework.points,
        point_names={p.id: p.name for p in exercise.framework.scale},
        values=dict(values or {}),
        errors=dict(errors or {}),
        message=message,
    )
    return Response(body, status=status, mimetype="text/html")


@bp.get("/i/<token>/calibration")
def exercise_page(token: str) -> Response:
    ctx = _context(token)
    if isinstance(ctx, Response):
        return ctx
    exercise = _exercise(ctx)
    if isinstance(exercise, Response):
        return exercise
    return _render_form(token, exercise)


@bp.post("/i/<token>/calibration")
def submit_exercise(token: str) -> Response:
    try:
        check_csrf()
    except ApiError as error:
        return _message_page(403, error.message)
    ctx = _context(token)
    if isinstance(ctx, Response):
        return ctx
    exercise = _exercise(ctx)
    if isinstance(exercise, Response):
        return exercise
    ratings = [request.form.get(f"rating-{n}", "") for n in range(1, len(exercise.samples) + 1)]
    try:
        attempt = int(request.form.get("attempt", "-1"))
    except ValueError:
        attempt = -1
    session = get_session()
    try:
        row = record_exercise(session, exercise, attempt, ratings, ctx.assignment.id)
        session.commit()
    except Invalid as error:
        session.rollback()
        values = {f"rating-{n}": r for n, r in enumerate(ratings, start=1) if r}
        if error.code == "exercise_changed":
            values = {}
        return _render_form(
            token, exercise, values=values, errors=error.fields, message=error.message, status=422
        )
    except IntegrityError:
        # The same exercise stored a moment ago from another tab: the result is already kept.
        session.rollback()
        return _render_form(
            token, _exercise_after_race(ctx, exercise), message=ALREADY_STORED, status=409
        )
    return redirect(url_for("calibration.result_page", token=token, exercise_id=row.id), 303)


ALREADY_STORED = "This exercise was just submitted from another tab; here is your next one."


def _exercise_after_race(ctx: InterviewContext, stale: Exercise) -> Exercise:
    fresh = _exercise(ctx)
    return fresh if isinstance(fresh, Exercise) else stale


def _result_rows(row: CalibrationExercise) -> list[dict[str, Any]]:
    pack = calibration_pack_for(row.framework_id)
    samples = {s.id: s for s in pack.samples} if pack else {}
    framework = registry().get(row.framework_id)
    names = {c.id: c.name for c in framework.competencies} if framework else {}
    return [
        {
            "answer": answer,
            "sample": samples.get(answer.sample_id),
            "competency": names.get(answer.competency_id, answer.competency_id),
            "agreed": answer.rating == answer.key,
        }
        for answer in row.answers
    ]


@bp.get("/i/<token>/calibration/<int:exercise_id>")
def result_page(token: str, exercise_id: int) -> Response:
    ctx = _context(token)
    if isinstance(ctx, Response):
        return ctx
    try:
        row = exercise_of(get_session(), exercise_id, interviewer_identity(ctx.assignment))
    except DomainError as error:
        return _message_page(status_of(error), error.message)
    framework = registry().get(row.framework_id)
    level_name = next(
        (lv.name for lv in framework.levels if lv.id == row.level), row.level
    ) if framework else row.level  # fmt: skip
    body = render_template(
        "interviewer/calibration_result.html",
        token=token,
        row=row,
        rows=_result_rows(row),
        level_name=level_name,
        point_names={p.id: p.name for p in framework.scale} if framework else {},
    )
    return Response(body, mimetype="text/html")
