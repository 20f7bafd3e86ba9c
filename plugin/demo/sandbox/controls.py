"""The sandbox's own endpoints besides Harvest: ``POST /sandbox/applications/<id>/move``
moves an application to a stage and sends the signed ``candidate_stage_change`` webhook
(the demo's "recruiter" button); ``GET /`` says what the sandbox holds."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from plugin.demo.sandbox.harvest_http import sandbox_state, validation_error
from plugin.demo.sandbox.harvest_reads import find_application
from plugin.demo.sandbox.webhooks import deliver

controls = Blueprint("sandbox_controls", __name__)


@controls.post("/sandbox/applications/<application_id>/move")
def move(application_id: str) -> tuple[Response, int]:
    state = sandbox_state()
    data = request.get_json(silent=True) or {}
    stage = data.get("stage") or data.get("stage_id")
    with state.lock:
        found = find_application(state, application_id)
        if stage is None:
            raise validation_error("stage", "stage (an id or a name) is required")
        try:
            payload = state.move_application(found.id, stage)
        except KeyError:
            raise validation_error("stage", f"the job has no stage {stage!r}") from None
    if not state.webhook_url:
        return jsonify({"delivered": False, "payload": payload}), 200
    result = deliver(state.webhook_url, state.webhook_secret, payload)
    return jsonify(
        {
            "delivered": result.ok,
            "status": result.status,
            "event_id": result.event_id,
            "error": result.error,
        }
    ), 200


@controls.get("/")
def index() -> Response:
    state = sandbox_state()
    return jsonify(
        {
            "sandbox": f"Greenhouse Harvest {state.api_version} subset for hireloop",
            "jobs": [{"id": j.id, "name": j.name} for j in state.jobs.values()],
            "applications": [a.id for a in state.applications.values()],
        }
    )
