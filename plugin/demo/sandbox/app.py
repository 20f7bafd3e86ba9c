"""The sandbox's HTTP face: the part of Greenhouse Harvest that hireloop uses, v3 (the
default: ``v3_http``, ``v3_routes``) or v1 (``SandboxState(api_version="v1")``).

Harvest v1 rules kept: Basic auth with the API key as user name; ``On-Behalf-Of`` (a user id)
on writes; ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` on every answer and 429 with
``Retry-After`` past the limit; ``per_page`` (1-500, default 100) / ``page`` pagination with
an RFC 5988 ``Link`` header; 422 ``{"message": "Validation error", "errors": [...]}``.

Besides Harvest, ``POST /sandbox/applications/<id>/move`` moves an application to a stage
and sends the signed ``candidate_stage_change`` webhook (the demo's "recruiter" button).
"""

from __future__ import annotations

from flask import Flask

from plugin.demo.sandbox.controls import controls
from plugin.demo.sandbox.guards import install_guards
from plugin.demo.sandbox.harvest_http import STATE_KEY
from plugin.demo.sandbox.harvest_reads import reads
from plugin.demo.sandbox.harvest_writes import writes
from plugin.demo.sandbox.state import SandboxState
from plugin.demo.sandbox.v3_http import oauth
from plugin.demo.sandbox.v3_routes import v3


def create_sandbox_app(state: SandboxState) -> Flask:
    app = Flask("hireloop_sandbox")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config[STATE_KEY] = state
    install_guards(app)
    app.register_blueprint(reads)
    app.register_blueprint(writes)
    app.register_blueprint(controls)
    app.register_blueprint(oauth)
    app.register_blueprint(v3)
    return app
