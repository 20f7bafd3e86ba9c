"""The recruiter's pages: the list of loops, the loop editor and the printable guides.

Server-rendered and complete without JavaScript: every button of the editor is a form
submit (check, suggest, add or remove a stage or interview, save). plugin/static/recruiter.js
enhances it: on every change it posts the form to ``/recruiter/loops/lint`` (JSON, with the
CSRF token as a header) and swaps in the new lint report and suggestions.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from plugin.auth.csrf import check_csrf
from plugin.auth.pages import page_role
from plugin.auth.tokens import current_principal
from plugin.core.db import get_session
from plugin.frameworks.registry import registry
from plugin.loops import service
from plugin.loops.models import Loop
from scorecards.agenda import DEFAULT_INTERVIEW_MINUTES
from scorecards.framework import Framework
from scorecards.guides import GuideError, guide_to_html
from scorecards.loops import ATS_NAMES, Finding, LintReport
from scorecards.suggest import Suggestion, suggest_interview

bp = Blueprint("recruiter", __name__, url_prefix="/recruiter")

STARTER_INTERVIEWS = (
    "Product sense",
    "Spec writing exercise",
    "Past experience deep dive",
    "Analytics case study",
)


# -- the form <-> the loop document ------------------------------------------------------------


def _number(text: str) -> float | int | str:
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def _count(form: MultiDict[str, str], key: str, limit: int = 50) -> int:
    try:
        return max(0, min(limit, int(form.get(key, "0"))))
    except ValueError:
        return 0


def form_to_document(form: MultiDict[str, str]) -> dict[str, Any]:
    """The editor's fields as a loop document (not yet validated)."""
    stages: list[dict[str, Any]] = []
    for s in range(_count(form, "stage_count")):
        prefix = f"s{s}-"
        if form.get(prefix + "name") is None:
            continue
        interviews: list[dict[str, Any]] = []
        for i in range(_count(form, prefix + "count")):
            ip = f"{prefix}i{i}-"
            if form.get(ip + "name") is None:
                continue
            interview: dict[str, Any] = {
                "name": form.get(ip + "name", "").strip(),
                "ats_interview_id": form.get(ip + "ats_interview_id", "").strip() or None,
                "format": form.get(ip + "format", "").strip() or None,
                "competencies": form.getlist(ip + "competencies"),
            }
            interviewers = form.get(ip + "interviewers", "1").strip() or "1"
            value = _number(interviewers)
            if value != 1:
                interview["interviewers"] = value
            minutes = _number(
                form.get(ip + "minutes", "").strip() or str(DEFAULT_INTERVIEW_MINUTES)
            )
            if minutes != DEFAULT_INTERVIEW_MINUTES:
                interview["minutes"] = minutes  # the parser reports a bad value
            interviews.append(interview)
        stages.append(
            {
                "name": form.get(prefix + "name", "").strip(),
                "ats_stage_id": form.get(prefix + "ats_stage_id", "").strip() or None,
                "interviews": interviews,
            }
        )
    document: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "framework": form.get("framework", "pm").strip() or "pm",
        "level": form.get("level", "").strip(),
        "ats": form.get("ats", "").strip(),
        "job_id": form.get("job_id", "").strip(),
        "must_have": form.getlist("must_have"),
        "stages": stages,
    }
    hiring_bar = form.get("hiring_bar_json", "").strip()
    if hiring_bar:
        try:
            document["hiring_bar"] = json.loads(hiring_bar)
        except ValueError:
            document["hiring_bar"] = hiring_bar  # the parser reports it
    hours = [_number(h) for h in form.get("reminder_hours", "").replace(";", ",").split(",")]
    document["settings"] = {
        "show_peers_after_submit": form.get("show_peers_after_submit") == "on",
        "reminder_hours": [h for h in hours if h != ""],
        "escalate_after_hours": _number(form.get("escalate_after_hours", "48") or "48"),
    }
    if form.get("lock_after_peers") == "on":
        document["settings"]["lock_after_peers"] = True
    return document


def _apply_action(document: dict[str, Any], action: str, framework: Framework | None) -> None:
    """The no-JavaScript buttons: add/remove stages and interviews, apply suggestions."""
    stages: list[dict[str, Any]] = document["stages"]
    parts = action.split(":")
    try:
        if parts[0] == "add-stage":
            stages.append({"name": "", "ats_stage_id": None, "interviews": [_blank()]})
        elif parts[0] == "add-interview":
            stages[int(parts[1])]["interviews"].append(_blank())
        elif parts[0] == "remove-stage":
            del stages[int(parts[1])]
        elif parts[0] == "remove-interview":
            del stages[int(parts[1])]["interviews"][int(parts[2])]
        elif parts[0] == "apply" and framework is not None:
            interview = stages[int(parts[1])]["interviews"][int(parts[2])]
            _apply_suggestion(interview, framework, document.get("level"), force=True)
        elif parts[0] == "suggest" and framework is not None:
            for stage in stages:
                for interview in stage["interviews"]:
                    _apply_suggestion(interview, framework, document.get("level"), force=False)
    except (IndexError, ValueError):
        pass


def _blank() -> dict[str, Any]:
    return {"name": "", "ats_interview_id": None, "format": None, "competencies": []}


def _suggest(framework: Framework, name: str, level: Any) -> Suggestion:
    lv = level if isinstance(level, str) and framework.has_level(level) else None
    return suggest_interview(framework, name, (), lv)


def _apply_suggestion(
    interview: dict[str, Any], framework: Framework, level: Any, *, force: bool
) -> None:
    if not force and interview.get("competencies"):
        return
    suggestion = _suggest(framework, str(interview.get("name") or ""), level)
    if suggestion.mapped:
        interview["format"] = suggestion.format
        interview["competencies"] = list(suggestion.competencies)


def _suggestions(document: dict[str, Any], framework: Framework | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if framework is None:
        return out
    for s, stage in enumerate(document.get("stages") or []):
        for i, interview in enumerate(stage.get("interviews") or []):
            name = str(interview.get("name") or "")
            if name:
                suggestion = _suggest(framework, name, document.get("level"))
                out[f"s{s}-i{i}"] = {
                    **suggestion.to_dict(),
                    "names": [framework.competency(c).name for c in suggestion.competencies],
                }
    return out


def _framework(document: dict[str, Any]) -> Framework | None:
    return registry().get(str(document.get("framework") or "pm"))


def _check(document: dict[str, Any]) -> LintReport:
    report = service.check_document(document, registry())[1]
    scope = current_principal().job_id
    if not current_principal().can_see_job(document.get("job_id")):
        report = LintReport(
            (
                Finding(
                    "error",
                    "job_scope",
                    f"Your token is limited to job {scope}.",
                    field="job_id",
                ),
                *report.findings,
            )
        )
    return report


def _render_editor(
    document: dict[str, Any],
    report: LintReport,
    row: Loop | None,
    status: int = 200,
) -> Response:
    framework = _framework(document) or registry().get("pm")
    assert framework is not None
    html = render_template(
        "recruiter/editor.html",
        doc=document,
        row=row,
        framework=framework,
        frameworks=registry().all(),
        report=report,
        suggestions=_suggestions(document, framework),
        ats_names=ATS_NAMES,
        in_scope={c.id for c in framework.in_scope(str(document["level"]))}
        if framework.has_level(str(document.get("level") or ""))
        else {c.id for c in framework.competencies},
        action_url=url_for("recruiter.edit_loop", loop_id=row.id)
        if row
        else url_for("recruiter.new_loop"),
        scoped_job=current_principal().job_id if current_principal().role != "admin" else None,
    )
    return Response(html, status=status)


def _editor_post(row: Loop | None) -> Response:
    check_csrf()
    document = form_to_document(request.form)
    action = request.form.get("action", "check")
    if action != "save":
        _apply_action(document, action, _framework(document))
        return _render_editor(document, _check(document), row)
    report = _check(document)
    if not report.ok:
        flash(
            f"Not saved: the loop has {len(report.errors)} error(s). Fix them and save again.",
            "error",
        )
        return _render_editor(document, report, row, 422)
    session = get_session()
    try:
        saved, report = service.save_loop(
            session, document, registry(), loop_id=row.id if row else None, create_only=row is None
        )
    except service.LoopRejected as exc:
        session.rollback()
        flash("Not saved: the loop has errors.", "error")
        return _render_editor(document, exc.report, row, 422)
    except service.LoopConflict as exc:
        session.rollback()
        flash(f"Not saved: {exc}.", "error")
        return _render_editor(document, report, row, 409)
    session.commit()
    warnings = len(report.warnings)
    flash(
        f"Saved revision {saved.revision}"
        + (f", with {warnings} warning(s) to review." if warnings else ", lint clean."),
        "success",
    )
    return redirect(url_for("recruiter.edit_loop", loop_id=saved.id), code=303)  # type: ignore[return-value]


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(PageError)
def _page_error(error: PageError) -> Response:
    html = render_template("error.html", status=error.status, message=error.message)
    return Response(html, status=error.status)


def _visible(loop_id: int) -> Loop:
    row = get_session().get(Loop, loop_id)
    if row is None:
        raise PageError(404, f"There is no loop {loop_id}.")
    if not current_principal().can_see_job(row.job_id):
        raise PageError(404, f"There is no loop {loop_id}.")  # as if missing
    return row


# -- views ------------------------------------------------------------------------------------


@bp.get("/loops")
@page_role("recruiter")
def list_loops() -> str:
    session = get_session()
    rows = [
        row
        for row in session.scalars(select(Loop).order_by(Loop.name, Loop.id))
        if current_principal().can_see_job(row.job_id)
    ]
    items = []
    for row in rows:
        report = service.lint_stored(session, row, registry())
        interviews = sum(len(s.get("interviews") or []) for s in row.definition.get("stages", []))
        items.append({"row": row, "report": report, "interviews": interviews})
    return render_template("recruiter/loops.html", items=items)


@bp.route("/loops/new", methods=["GET", "POST"])
@page_role("recruiter")
def new_loop() -> Response:
    if request.method == "POST":
        return _editor_post(None)
    framework = registry().get(request.args.get("framework", "pm")) or registry().get("pm")
    assert framework is not None
    level = request.args.get("level", "senior-pm")
    if not framework.has_level(level):
        level = framework.levels[0].id
    interviews = []
    for name in STARTER_INTERVIEWS:
        interview: dict[str, Any] = {"name": name, "ats_interview_id": None}
        _apply_suggestion(interview, framework, level, force=True)
        interviews.append(interview)
    document: dict[str, Any] = {
        "name": "",
        "framework": framework.id,
        "level": level,
        "ats": request.args.get("ats", "greenhouse"),
        "job_id": current_principal().job_id or request.args.get("job_id", ""),
        "must_have": [],
        "stages": [{"name": "Onsite", "ats_stage_id": None, "interviews": interviews}],
        "settings": {
            "show_peers_after_submit": True,
            "reminder_hours": [1, 24],
            "escalate_after_hours": 48,
        },
    }
    return _render_editor(document, _check(document), None)


@bp.route("/loops/<int:loop_id>", methods=["GET", "POST"])
@page_role("recruiter")
def edit_loop(loop_id: int) -> Response:
    row = _visible(loop_id)
    if request.method == "POST":
        return _editor_post(row)
    document = dict(row.definition)
    return _render_editor(document, service.lint_stored(get_session(), row, registry()), row)


@bp.post("/loops/lint")
@page_role("recruiter")
def lint() -> Response:
    """The lint report of the editor's current fields, as JSON (for recruiter.js)."""
    check_csrf()
    document = form_to_document(request.form)
    report = _check(document)
    framework = _framework(document)
    return jsonify(
        {
            **report.to_dict(),
            "html": render_template("recruiter/_lint.html", report=report),
            "suggestions": _suggestions(document, framework),
        }
    )


@bp.get("/loops/<int:loop_id>/guides/<path:interview>")
@page_role("recruiter")
def guide(loop_id: int, interview: str) -> Response:
    row = _visible(loop_id)
    try:
        _, built = service.loop_guide(row, interview, registry())
    except GuideError:
        raise PageError(404, f"Loop '{row.name}' has no interview '{interview}'.") from None
    return Response(guide_to_html(built), mimetype="text/html")
