"""The interviewer's page at the assignment's signed link, ``/i/<token>``.

Server-rendered and complete without JavaScript: the question guide, then the scorecard as a
plain form (CSRF field) with Save draft and Submit. With JavaScript, ``interviewer.js`` also
saves the draft while the interviewer types (``POST /i/<token>/draft`` with the CSRF header).
Peers' scorecards appear only after the interviewer's own is submitted, and only if the loop
allows it. A bad, expired or revoked link gets an HTML page (401/410), never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from plugin.applications.models import Assignment, AssignmentStatus
from plugin.auth.csrf import check_csrf
from plugin.core.db import get_session
from plugin.core.errors import ApiError
from plugin.core.models import utcnow
from plugin.frameworks.registry import registry
from plugin.scorecards import page_guide
from plugin.scorecards.models import ScorecardRevision, ScorecardStatus
from plugin.scorecards.service import (
    EVIDENCE_MAX_CHARS,
    NO_EVIDENCE,
    NOTES_MAX_CHARS,
    REASON_MAX_CHARS,
    RECOMMENDATION_NAMES,
    UNRATED,
    InterviewContext,
    LinkRejected,
    RatingInput,
    ScorecardError,
    ScorecardInput,
    assignment_for_link,
    load_context,
    mark_not_held,
    note_peers_shown,
    ordered_ratings,
    peer_scorecards,
    revisions_of,
    save_scorecard,
    scorecard_for,
    snapshot,
)

bp = Blueprint("interviewer", __name__)

LINK_ERROR_STATUS = {"invalid": 401, "expired": 410, "revoked": 410, "gone": 410}
ACTIONS = ("save", "submit", "amend")


@bp.after_request
def _page_headers(response: Response) -> Response:
    # The link is a credential: never cached, never sent on as a Referer, never framed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _link_error(exc: LinkRejected) -> Response:
    status = LINK_ERROR_STATUS.get(exc.reason, 401)
    return Response(
        render_template("interviewer/link_error.html", status=status, message=exc.message),
        status=status,
        mimetype="text/html",
    )


def _open(token: str) -> Assignment | Response:
    try:
        return assignment_for_link(get_session(), token)
    except LinkRejected as exc:
        return _link_error(exc)


def _csrf_failed(error: ApiError) -> Response:
    return Response(
        render_template("interviewer/link_error.html", status=403, message=error.message),
        status=403,
        mimetype="text/html",
    )


def _context_for_post(token: str) -> InterviewContext | Response:
    """A form sent from the page: its CSRF field checked, then the link opened."""
    try:
        check_csrf()
    except ApiError as error:
        return _csrf_failed(error)
    opened = _open(token)
    if isinstance(opened, Response):
        return opened
    return load_context(get_session(), opened, registry().get)


# -- reading the form ------------------------------------------------------------------------


def form_input(ctx: InterviewContext, form: MultiDict[str, str], *, submit: bool) -> ScorecardInput:
    """The plain form's fields (``rating-<id>``, ``evidence-<id>``, ``recommendation``,
    ``notes``, ``reason``) as the service's input. Evidence typed before a rating was chosen is
    kept in a draft as unrated."""
    ratings: dict[str, RatingInput] = {}
    for card in ctx.competencies:
        rating = form.get(f"rating-{card.id}", "").strip()
        evidence = form.get(f"evidence-{card.id}", "")
        if rating or evidence.strip():
            ratings[card.id] = RatingInput(rating or UNRATED, evidence)
    reason = form.get("reason", "").strip()
    return ScorecardInput(
        ratings=ratings,
        recommendation=form.get("recommendation", "").strip() or None,
        notes=form.get("notes", ""),
        submit=submit,
        reason=reason or None,
    )


def _values_from_input(data: ScorecardInput) -> dict[str, Any]:
    return {
        "ratings": {
            cid: {"rating": r.rating or None, "evidence": r.evidence}
            for cid, r in data.ratings.items()
        },
        "recommendation": data.recommendation,
        "notes": data.notes,
        "reason": data.reason or "",
    }


# -- the guide -------------------------------------------------------------------------------


# -- rendering -------------------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


def _summary_heading(errors: Mapping[str, str], message: str | None) -> str:
    count = len(errors)
    if not count:
        return "Not saved"
    things = f"{count} thing{'s' if count != 1 else ''}"
    if message and message.startswith("The scorecard cannot be submitted"):
        return f"Not submitted yet: {things} missing"
    return f"Not saved: {things} to fix"


def _field_anchor(field: str, ctx: InterviewContext) -> str:
    """The element an error summary entry links to."""
    parts = field.split(".")
    first_point = (*ctx.points, NO_EVIDENCE)[0]
    if parts[0] == "ratings" and len(parts) >= 2:
        if len(parts) == 3 and parts[2] == "evidence":
            return f"evidence-{parts[1]}"
        return f"rating-{parts[1]}-{first_point}"
    if field == "recommendation":
        return f"recommendation-{next(iter(RECOMMENDATION_NAMES))}"
    if field in ("notes", "reason"):
        return field
    if field == "ratings":  # nothing rated: the way out is "not held"
        return "not-held"
    return "scorecard-form"


def _render(
    ctx: InterviewContext,
    token: str,
    *,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    session = get_session()
    own = scorecard_for(session, ctx.assignment.id)
    saved = snapshot(own)
    state = saved["status"]
    cancelled = (
        ctx.assignment.status == AssignmentStatus.CANCELLED
        or ctx.assignment.cancelled_at is not None
    )
    if values is None:
        values = {**saved, "reason": ""}
    revisions: list[ScorecardRevision] = revisions_of(session, own)
    peers = peer_scorecards(session, ctx, own)
    if peers and own is not None and note_peers_shown(session, own):
        session.commit()  # the first sight of peers' ratings: later changes are marked so
    names = {c.id: c.name for c in ctx.framework.competencies} if ctx.framework else {}
    built = page_guide.guide(ctx)
    guide = page_guide.guide_html(built)
    body = render_template(
        "interviewer/page.html",
        ctx=ctx,
        token=token,
        state=state,
        cancelled=cancelled,
        own=own,
        saved=saved,
        values=values,
        errors=dict(errors or {}),
        message=message,
        revisions=revisions,
        peers=peers,
        guide_html=guide,
        fallback_guide=None if guide is not None else page_guide.fallback_questions(ctx),
        room_rubrics=page_guide.room_rubrics(built),
        competency_names=names,
        point_names=ctx.point_names,
        point_descriptions=ctx.point_descriptions,
        scale=[*ctx.points, NO_EVIDENCE],
        recommendations=RECOMMENDATION_NAMES,
        ordered_ratings=ordered_ratings,
        when=_when,
        order=ctx.competency_ids,
        snapshot=snapshot,
        summary_heading=_summary_heading(errors or {}, message),
        field_anchor=lambda field: _field_anchor(field, ctx),
        evidence_max=EVIDENCE_MAX_CHARS,
        notes_max=NOTES_MAX_CHARS,
        reason_max=REASON_MAX_CHARS,
    )
    return Response(body, status=status, mimetype="text/html")


# -- views -----------------------------------------------------------------------------------


@bp.get("/i/<token>")
def page(token: str) -> Response:
    opened = _open(token)
    if isinstance(opened, Response):
        return opened
    ctx = load_context(get_session(), opened, registry().get)
    return _render(ctx, token)


@bp.post("/i/<token>")
def post_form(token: str) -> Response:
    ctx = _context_for_post(token)
    if isinstance(ctx, Response):
        return ctx
    session = get_session()
    action = request.form.get("action", "save")
    if action not in ACTIONS:
        action = "save"
    data = form_input(ctx, request.form, submit=action in ("submit", "amend"))
    if action == "amend" and data.reason is None:
        # The page asks for the reason next to its box rather than answering 409.
        return _render(
            ctx,
            token,
            values=_values_from_input(data),
            errors={"reason": "Say why you are changing a submitted scorecard."},
            message="The amendment was not saved: a reason is needed.",
            status=422,
        )
    try:
        result = save_scorecard(session, ctx, data)
        session.commit()
    except ScorecardError as exc:
        session.rollback()
        return _render(
            ctx,
            token,
            values=_values_from_input(data),
            errors=exc.fields,
            message=exc.message,
            status=422 if exc.status == 409 and exc.fields else exc.status,
        )
    except IntegrityError:
        session.rollback()
        return _render(
            ctx,
            token,
            values=_values_from_input(data),
            message="The scorecard changed at the same moment elsewhere; submit it again.",
            status=409,
        )
    flash(
        {
            "draft": "Draft saved.",
            "submitted": "Scorecard submitted. Thank you!",
            "amended": "Amendment saved; the original stays in the history below.",
            "unchanged": "Nothing changed, so no amendment was recorded.",
        }[result.action],
        "success",
    )
    return redirect(url_for("interviewer.page", token=token), code=303)


@bp.post("/i/<token>/not-held")
def post_not_held(token: str) -> Response:
    """The interview did not take place: marked so, with the reason, instead of a scorecard."""
    ctx = _context_for_post(token)
    if isinstance(ctx, Response):
        return ctx
    session = get_session()
    try:
        mark_not_held(session, ctx, request.form.get("reason", ""))
        session.commit()
    except ScorecardError as exc:
        session.rollback()
        return _render(ctx, token, errors=exc.fields, message=exc.message, status=exc.status)
    flash("Marked as not held; the recruiter sees it.", "success")
    return redirect(url_for("interviewer.page", token=token), code=303)


@bp.post("/i/<token>/draft")
def autosave(token: str) -> Response:
    """The draft saved while typing (fetch with X-CSRF-Token); JSON in the error shape."""
    check_csrf()
    session = get_session()
    try:
        assignment = assignment_for_link(session, token)
    except LinkRejected as exc:
        status = LINK_ERROR_STATUS.get(exc.reason, 401)
        raise ApiError(status, exc.message, code=exc.code) from None
    ctx = load_context(session, assignment, registry().get)
    own = scorecard_for(session, assignment.id)
    if own is not None and own.status == ScorecardStatus.SUBMITTED:
        raise ApiError(
            409, "This scorecard was submitted; drafts are not saved any more.", code="submitted"
        )
    data = form_input(ctx, request.form, submit=False)
    try:
        result = save_scorecard(session, ctx, data)
        session.commit()
    except ScorecardError:
        session.rollback()
        raise
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "The scorecard changed at the same moment elsewhere.") from None
    return jsonify({"status": result.scorecard.status, "saved_at": utcnow().isoformat()})
