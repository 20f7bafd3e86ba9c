"""The Harvest v3 reads and the write hireloop makes, in the sandbox.

Every list is ``GET /v3/<resource>``: ``ids`` and ``<parent>_ids`` filters (at most 50
values; a row matches when its ``id`` or ``<parent>_id`` is one of them), plus ``status`` on
applications (``active`` answers ``in_process``, as Greenhouse does) and scorecards, and
``current`` on application stages; cursor pages (``v3_http``). There is no single-record
GET, as in v3. ``POST /v3/notes`` writes a note with v3's rules (``visibility`` spelled
``public | private | admin_only``, ``note_type`` ``NOTE``; 422 otherwise); 201 with the row.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from plugin.demo.sandbox import seed
from plugin.demo.sandbox.harvest_http import HarvestError, sandbox_state
from plugin.demo.sandbox.state import VISIBILITIES, SandboxState
from plugin.demo.sandbox.v3_http import ids, page, query
from plugin.demo.sandbox.v3_shapes import RESOURCES, STATUS, Row, note_row

v3 = Blueprint("harvest_v3", __name__, url_prefix="/v3")

NOTE_TYPES = ("NOTE", "ACTIVITY", "EMAIL")


def _matches(row: Row, filters: dict[str, str]) -> bool:
    for name in filters:
        if name.endswith("ids"):
            wanted = ids(filters, name)
            if wanted is not None and row.get(name[:-1]) not in wanted:
                return False
    status = filters.get("status")
    if status is not None and "status" in row and STATUS.get(status, status) != row["status"]:
        return False
    current = filters.get("current")
    return current is None or str(row.get("current")).lower() == current.lower()


@v3.get("/<resource>")
def listing(resource: str) -> Response:
    produce = RESOURCES.get(resource)
    if produce is None:
        raise HarvestError(404, "Resource not found")
    state = sandbox_state()
    scope = f"harvest:{resource}:list"
    if scope in state.missing_scopes:
        raise HarvestError(403, "Forbidden", [f"The token does not have the scope {scope}"])
    filters = query()
    with state.lock:
        rows = [row for row in produce(state) if _matches(row, filters)]
    return page(rows)


@v3.post("/notes")
def create_note() -> tuple[Response, int]:
    state = sandbox_state()
    if "harvest:notes:create" in state.missing_scopes:
        raise HarvestError(403, "Forbidden", ["The token does not have the scope notes:create"])
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise HarvestError(400, "The request body must be a JSON object")
    errors = _note_errors(state, data)
    if errors:
        raise HarvestError(422, "Unprocessable Content", errors)
    candidate_id = int(data["candidate_id"])
    author = int(data.get("user_id") or seed.RECRUITER.id)
    note = state.add_note(candidate_id, author, str(data["body"]), str(data["visibility"]))
    if data.get("application_id") is not None:
        note["application_id"] = int(data["application_id"])
    return jsonify(note_row(candidate_id, note)), 201


@v3.post("/candidate_tags")
def create_tag() -> tuple[Response, int]:
    state = sandbox_state()
    data = request.get_json(silent=True)
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise HarvestError(422, "Unprocessable Content", [{"name": "is required"}])
    with state.lock:
        tag_id = state.next_id()
        state.tags[tag_id] = name
    return jsonify({"id": tag_id, "name": name}), 201


@v3.post("/applied_candidate_tags")
def apply_tag() -> tuple[Response, int]:
    state = sandbox_state()
    data = request.get_json(silent=True) or {}
    candidate, tag = data.get("candidate_id"), data.get("candidate_tag_id")
    if candidate not in state.candidates or tag not in state.tags:
        raise HarvestError(422, "Unprocessable Content", [{"candidate_tag_id": "unknown"}])
    with state.lock:
        state.applied_tags.add((candidate, tag))
    return jsonify({"candidate_id": candidate, "candidate_tag_id": tag}), 201


def _note_errors(state: SandboxState, data: dict[str, Any]) -> list[Any]:
    errors: list[Any] = []
    candidate = data.get("candidate_id")
    if not isinstance(candidate, int) or candidate not in state.candidates:
        errors.append({"candidate_id": "must be the id of an existing candidate"})
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        errors.append({"body": "is required"})
    if data.get("visibility") not in VISIBILITIES:
        errors.append({"visibility": f"must be one of {', '.join(VISIBILITIES)}"})
    if data.get("note_type", "NOTE") not in NOTE_TYPES or data.get("note_type") == "EMAIL":
        errors.append({"note_type": "the sandbox writes NOTE and ACTIVITY notes"})
    user = data.get("user_id")
    if user is not None and (not isinstance(user, int) or user not in state.users):
        errors.append({"user_id": "must be the id of an existing user"})
    application = data.get("application_id")
    if application is not None:
        found = state.applications.get(application) if isinstance(application, int) else None
        if found is None or found.candidate_id != candidate:
            errors.append({"application_id": "must be an application of the candidate"})
    return errors
