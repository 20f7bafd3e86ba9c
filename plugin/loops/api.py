"""Loops over the API (recruiter and admin; a job-scoped token sees only its job).

- ``GET /api/loops`` (``?ats=&job_id=``), ``POST /api/loops``, ``GET/PUT/DELETE /api/loops/<id>``
- ``POST /api/loops/validate``: the lint report of a loop document, nothing saved
- ``POST /api/loops/suggest``: a format and focus competencies per interview of the given
  stages (or of an already stored loop's job)
- ``GET /api/loops/<id>/guides/<interview>?format=json|md|html``: the interview guide

A loop with errors answers 422 with every error in ``fields`` (by the document's dotted
path); the stored loop is then unchanged. ``POST /api/loops/validate`` gives the whole report.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, current_app, jsonify
from flask_smorest import Blueprint
from sqlalchemy import select

from plugin.ats.errors import AtsError
from plugin.auth.tokens import current_principal, require_role
from plugin.core.db import get_session
from plugin.core.errors import ApiError
from plugin.core.routing import MAX_ID
from plugin.frameworks.registry import registry
from plugin.loops import service
from plugin.loops.models import Loop
from scorecards.guides import (
    GuideError,
    guide_to_dict,
    guide_to_html,
    guide_to_markdown,
)
from scorecards.suggest import suggest_stages

blp = Blueprint("loops", __name__, url_prefix="/api/loops", description="Interview loops")


class _Permissive(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE


class InterviewDocSchema(_Permissive):
    name = ma.fields.String(required=True)
    ats_interview_id = ma.fields.Raw(allow_none=True)
    format = ma.fields.String(allow_none=True)
    competencies = ma.fields.List(ma.fields.String())
    interviewers = ma.fields.Integer()


class StageDocSchema(_Permissive):
    name = ma.fields.String(required=True)
    ats_stage_id = ma.fields.Raw(allow_none=True)
    interviews = ma.fields.List(ma.fields.Raw(metadata={"$ref": "InterviewDoc"}))


class LoopDocumentSchema(_Permissive):
    """The contract's loop document. Checked by hireloop's own loop parser (so every error
    names its dotted path), not by this schema: all fields pass through as given."""

    name = ma.fields.Raw(metadata={"type": "string"})
    framework = ma.fields.Raw(metadata={"type": "string", "example": "pm"})
    level = ma.fields.Raw(metadata={"type": "string", "example": "senior-pm"})
    ats = ma.fields.Raw(metadata={"type": "string", "example": "greenhouse"})
    job_id = ma.fields.Raw(metadata={"type": "string", "example": "3485"})
    must_have = ma.fields.Raw(metadata={"type": "array", "items": {"type": "string"}})
    stages = ma.fields.Raw(metadata={"type": "array", "items": {"type": "object"}})
    hiring_bar = ma.fields.Raw(metadata={"type": "object"})
    settings = ma.fields.Raw(metadata={"type": "object"})


class SuggestSchema(_Permissive):
    framework = ma.fields.String(load_default="pm")
    level = ma.fields.String(load_default=None, allow_none=True)
    loop_id = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=MAX_ID)
    )
    ats = ma.fields.String(load_default=None, allow_none=True)
    job_id = ma.fields.Raw(load_default=None, allow_none=True)
    stages = ma.fields.Raw(
        load_default=None,
        metadata={
            "type": "array",
            "description": "[{name, ats_stage_id, interviews: [{name, ats_interview_id, "
            "questions: [..]}]}]",
        },
    )


class ListQuerySchema(ma.Schema):
    ats = ma.fields.String(load_default=None)
    job_id = ma.fields.String(load_default=None)


class GuideQuerySchema(ma.Schema):
    format = ma.fields.String(
        load_default="json", validate=ma.validate.OneOf(("json", "md", "markdown", "html"))
    )


READ_ONLY = ("id", "revision", "created_at", "updated_at", "lint")


def _document(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in READ_ONLY}


def _check_job_scope(job_id: Any) -> None:
    if not current_principal().can_see_job(None if job_id is None else str(job_id)):
        raise ApiError(
            403,
            f"Your token is limited to job {current_principal().job_id}.",
            fields={"job_id": "other job"},
        )


def _visible_loop(loop_id: int) -> Loop:
    row = get_session().get(Loop, loop_id)
    if row is None:
        raise ApiError(404, f"No loop with id {loop_id}.", fields={"id": "unknown"})
    if not current_principal().can_see_job(row.job_id):  # as if missing
        raise ApiError(404, f"No loop with id {loop_id}.", fields={"id": "unknown"})
    return row


def _save(data: dict[str, Any], *, loop_id: int | None, create_only: bool) -> tuple[Loop, Any]:
    session = get_session()
    document = _document(data)
    _check_job_scope(document.get("job_id"))
    try:
        row, report = service.save_loop(
            session, document, registry(), loop_id=loop_id, create_only=create_only
        )
    except (service.LoopRejected, service.LoopConflict):
        session.rollback()
        raise  # answered 422 (loop_invalid, every error by field) or 409 by the error handler
    session.commit()
    return row, report


@blp.route("", methods=["GET"])
@require_role("recruiter")
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200)
def list_loops(query: dict[str, Any]) -> dict[str, Any]:
    """The loops this token may see, newest first."""
    statement = select(Loop).order_by(Loop.updated_at.desc(), Loop.id.desc())
    if query.get("ats"):
        statement = statement.where(Loop.ats == query["ats"])
    if query.get("job_id"):
        statement = statement.where(Loop.job_id == query["job_id"])
    principal = current_principal()
    rows = [r for r in get_session().scalars(statement) if principal.can_see_job(r.job_id)]
    return {"loops": [service.loop_summary(row) for row in rows]}


@blp.route("", methods=["POST"])
@require_role("recruiter")
@blp.arguments(LoopDocumentSchema)
@blp.response(201)
def create_loop(data: dict[str, Any]) -> dict[str, Any]:
    """Create a loop. 422 with every error when the lint finds errors; 409 when the job
    already has a loop (change that one with PUT)."""
    row, report = _save(data, loop_id=None, create_only=True)
    return service.loop_payload(row, report)


@blp.route("/<int:loop_id>", methods=["GET"])
@require_role("recruiter")
@blp.response(200)
def get_loop(loop_id: int) -> dict[str, Any]:
    """The loop document with id, revision and its current lint report."""
    row = _visible_loop(loop_id)
    return service.loop_payload(row, service.lint_stored(get_session(), row, registry()))


@blp.route("/<int:loop_id>", methods=["PUT"])
@require_role("recruiter")
@blp.arguments(LoopDocumentSchema)
@blp.response(200)
def put_loop(data: dict[str, Any], loop_id: int) -> dict[str, Any]:
    """Replace the loop's document. With errors: 422 and the stored loop is unchanged."""
    _visible_loop(loop_id)
    row, report = _save(data, loop_id=loop_id, create_only=False)
    return service.loop_payload(row, report)


@blp.route("/<int:loop_id>", methods=["DELETE"])
@require_role("recruiter")
@blp.response(204)
def delete_loop(loop_id: int) -> None:
    """Delete a loop that no application uses yet (409 otherwise)."""
    row = _visible_loop(loop_id)
    session = get_session()
    try:
        service.delete_loop(session, row)
    except service.LoopInUse:
        session.rollback()
        raise
    session.commit()


@blp.route("/validate", methods=["POST"])
@require_role("recruiter")
@blp.arguments(LoopDocumentSchema)
@blp.response(200)
def validate_loop(data: dict[str, Any]) -> dict[str, Any]:
    """The lint report of a loop document (errors, warnings, notes); nothing is saved.
    ``loop`` is the document with every competency as its canonical id, when it parses."""
    loop, report, _ = service.check_document(_document(data), registry())
    return {**report.to_dict(), "loop": loop.to_dict() if loop else None}


@blp.route("/suggest", methods=["POST"])
@require_role("recruiter")
@blp.arguments(SuggestSchema)
@blp.response(200)
def suggest(data: dict[str, Any]) -> dict[str, Any]:
    """Per interview a suggested format and focus competencies from the framework's format
    table, with a confidence (0-1) and the reason; interviews nothing fits stay unmapped."""
    framework = registry().get(data["framework"])
    if framework is None:
        raise ApiError(
            422, f"Unknown framework '{data['framework']}'.", fields={"framework": "unknown"}
        )
    level = data.get("level")
    if level is not None and not framework.has_level(level):
        raise ApiError(422, f"Unknown level '{level}'.", fields={"level": "unknown"})
    stages = data.get("stages")
    if stages is None and data.get("ats") and data.get("job_id"):
        stages = _stages_from_ats(str(data["ats"]), str(data["job_id"]))
    if stages is None and data.get("loop_id") is not None:
        row = _visible_loop(int(data["loop_id"]))
        stages = row.definition.get("stages", [])
        level = level or row.level
    if not isinstance(stages, list) or not all(isinstance(s, dict) for s in stages):
        raise ApiError(
            422,
            "Send stages: [{name, ats_stage_id, interviews: [{name, ats_interview_id, "
            "questions}]}], or the loop_id of a stored loop.",
            fields={"stages": "must be a list of stages"},
        )
    for s_index, stage in enumerate(stages):
        interviews = stage.get("interviews") or []
        if not isinstance(interviews, list) or not all(isinstance(i, dict) for i in interviews):
            raise ApiError(
                422,
                "Each stage's interviews must be a list of objects.",
                fields={f"stages[{s_index}].interviews": "must be a list of objects"},
            )
    return {
        "framework": framework.id,
        "level": level,
        "stages": suggest_stages(framework, stages, level),
    }


def _stages_from_ats(ats: str, job_id: str) -> list[dict[str, Any]]:
    _check_job_scope(job_id)
    client = service.ats_client(current_app.config, ats)
    if client is None:
        raise ApiError(
            422,
            f"No {ats} API client is configured here; send the stages instead.",
            fields={"ats": "not configured"},
        )

    try:
        stages = client.job_stages(job_id)
    except AtsError as exc:
        raise ApiError(
            502,
            f"{ats} did not answer with the job's stages: {exc}",
            code="ats_error",
            fields={"job_id": "could not be read from the ATS"},
        ) from None
    return service.stages_to_suggest_input(stages)


@blp.route("/<int:loop_id>/guides/<path:interview>", methods=["GET"])
@require_role("recruiter")
@blp.arguments(GuideQuerySchema, location="query")
@blp.response(200)
def get_guide(query: dict[str, Any], loop_id: int, interview: str) -> Any:
    """The interview guide (question guide and scorecard template) as JSON, Markdown or a
    printable HTML page; ``interview`` is the ATS interview id or the interview's name."""
    row = _visible_loop(loop_id)
    try:
        _, guide = service.loop_guide(row, interview, registry())
    except GuideError:
        raise ApiError(
            404, f"Loop {loop_id} has no interview '{interview}'.", fields={"interview": "unknown"}
        ) from None
    fmt = query["format"]
    if fmt in ("md", "markdown"):
        return Response(guide_to_markdown(guide), mimetype="text/markdown")
    if fmt == "html":
        return Response(guide_to_html(guide), mimetype="text/html")
    return jsonify(guide_to_dict(guide))
