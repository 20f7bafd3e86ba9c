"""The candidate's brief for a loop, ``/recruiter/loops/<id>/candidate-brief``: what each
interview covers and how to prepare (scorecards.brief builds it), for the recruiter to send.

HTML by default; plain text with ``?format=text`` or when the request prefers
``text/plain`` (to paste into an email). Never questions, rubrics or anchors.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from plugin.auth.pages import page_role
from plugin.core.errors import DomainError, status_of
from plugin.loops import reader
from plugin.loops.models import Loop
from plugin.loops.pages import PageError, _visible
from scorecards.brief import CandidateBrief, build_brief

bp = Blueprint("candidate_brief", __name__, url_prefix="/recruiter")


def _error(status: int, message: str) -> Response:
    html = render_template("error.html", status=status, message=message)
    return Response(html, status=status)


def _wants_text() -> bool:
    if request.args.get("format") in ("text", "txt"):
        return True
    if request.args.get("format") == "html":
        return False
    best = request.accept_mimetypes.best_match(["text/html", "text/plain"])
    return best == "text/plain"


def loop_brief(loop: Loop) -> CandidateBrief | None:
    """The brief of a stored loop; None when its document no longer parses."""
    framework = reader.framework_of(loop)
    spec = reader.spec_for(loop, framework)
    return None if spec is None else build_brief(framework, spec)


@bp.get("/loops/<int:loop_id>/candidate-brief")
@page_role("recruiter")
def candidate_brief(loop_id: int) -> Response:
    try:
        loop = _visible(loop_id)  # another job's loop is as if missing, like the loop pages
    except PageError as error:
        return _error(error.status, error.message)
    try:
        brief = loop_brief(loop)
    except DomainError as error:
        return _error(status_of(error), error.message)
    if brief is None:
        return _error(409, f"The loop '{loop.name}' has errors; fix it in the editor first.")
    response = (
        Response(brief.to_text(), mimetype="text/plain")
        if _wants_text()
        else Response(render_template("recruiter/candidate_brief.html", brief=brief, loop=loop))
    )
    response.vary.add("Accept")
    return response
