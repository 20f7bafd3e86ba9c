"""The one Harvest v1 write hireloop makes: a note on the candidate's activity feed, with
Greenhouse's ``On-Behalf-Of`` rule and its 422 validation answer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from plugin.demo.sandbox.harvest_http import HarvestError, sandbox_state
from plugin.demo.sandbox.harvest_reads import find_candidate
from plugin.demo.sandbox.state import VISIBILITIES, SandboxState

writes = Blueprint("harvest_writes", __name__, url_prefix="/v1")


@writes.post("/candidates/<candidate_id>/activity_feed/notes")
def create_note(candidate_id: str) -> tuple[Response, int]:
    state = sandbox_state()
    _require_on_behalf_of(state)
    cid = find_candidate(state, candidate_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise HarvestError(400, "The request body must be a JSON object")
    errors = _note_errors(state, data)
    if errors:
        raise HarvestError(422, "Validation error", errors)
    note = state.add_note(
        cid, int(str(data["user_id"]).strip()), str(data["body"]), str(data["visibility"])
    )
    return jsonify(note), 201


def _require_on_behalf_of(state: SandboxState) -> None:
    on_behalf_of = request.headers.get("On-Behalf-Of", "").strip()
    if not on_behalf_of:
        raise HarvestError(403, "The On-Behalf-Of header is required for this request")
    if not on_behalf_of.isdigit() or int(on_behalf_of) not in state.users:
        raise HarvestError(404, f"On-Behalf-Of user {on_behalf_of} not found")


def _note_errors(state: SandboxState, data: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    user_id = data.get("user_id")
    if user_id is None or str(user_id).strip() == "":
        errors.append({"message": "user_id is required", "field": "user_id"})
    elif isinstance(user_id, bool) or not str(user_id).strip().isdigit():
        errors.append({"message": "user_id must be a user id", "field": "user_id"})
    elif int(str(user_id).strip()) not in state.users:
        errors.append({"message": f"User {user_id} does not exist", "field": "user_id"})
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        errors.append({"message": "body is required", "field": "body"})
    if data.get("visibility") not in VISIBILITIES:
        errors.append(
            {
                "message": f"visibility must be one of {', '.join(VISIBILITIES)}",
                "field": "visibility",
            }
        )
    return errors
