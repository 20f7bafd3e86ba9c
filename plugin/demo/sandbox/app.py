"""The sandbox's HTTP face: the part of Greenhouse Harvest v1 that hireloop uses.

Harvest rules kept: Basic auth with the API key as user name; ``On-Behalf-Of`` (a user id)
on writes; ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` on every answer and 429 with
``Retry-After`` past the limit; ``per_page`` (1-500, default 100) / ``page`` pagination with
an RFC 5988 ``Link`` header; 422 ``{"message": "Validation error", "errors": [...]}``.

Besides Harvest, ``POST /sandbox/applications/<id>/move`` moves an application to a stage
and sends the signed ``candidate_stage_change`` webhook (the demo's "recruiter" button).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, jsonify, request

from plugin.demo.sandbox.state import VISIBILITIES, SandboxState
from plugin.demo.sandbox.webhooks import deliver


class HarvestError(Exception):
    def __init__(
        self, status: int, message: str, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def _validation(field: str, message: str) -> HarvestError:
    return HarvestError(422, "Validation error", [{"message": message, "field": field}])


def _api_key(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, _password = decoded.partition(":")
    return user or None


def _page_args() -> tuple[int, int]:
    values = {}
    for name, default, low, high in (("per_page", 100, 1, 500), ("page", 1, 1, 10**9)):
        raw = request.args.get(name)
        if raw is None:
            values[name] = default
            continue
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise _validation(name, f"{name} must be an integer between {low} and {high}")
        values[name] = int(raw)
    return values["per_page"], values["page"]


def _link(page: int, per_page: int, rel: str) -> str:
    args = request.args.to_dict()
    args.update(page=str(page), per_page=str(per_page))
    return f'<{request.base_url}?{urlencode(args)}>; rel="{rel}"'


def paginated(items: list[dict[str, Any]]) -> Response:
    """One page of ``items`` with Greenhouse's Link header (none when it all fits)."""
    per_page, page = _page_args()
    last = max(1, -(-len(items) // per_page))
    start = (page - 1) * per_page
    response = jsonify(items[start : start + per_page])
    links = []
    if page < last:
        links.append(_link(page + 1, per_page, "next"))
    if page > 1:
        links.append(_link(min(page - 1, last), per_page, "prev"))
    if links and request.args.get("skip_count") != "true":
        links.append(_link(last, per_page, "last"))
    if links:
        response.headers["Link"] = ",".join(links)
    return response


def _int_arg(value: str, what: str) -> int:
    if not value.isdigit():
        raise HarvestError(404, f"{what} not found")
    return int(value)


def _updated_after() -> datetime | None:
    raw = request.args.get("updated_after")
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise _validation("updated_after", "updated_after must be an ISO-8601 timestamp") from None


def create_sandbox_app(state: SandboxState) -> Flask:
    app = Flask("hireloop_sandbox")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["SANDBOX_STATE"] = state

    @app.errorhandler(HarvestError)
    def harvest_error(error: HarvestError) -> tuple[Response, int]:
        body: dict[str, Any] = {"message": error.message}
        if error.errors is not None:
            body["errors"] = error.errors
        return jsonify(body), error.status

    @app.errorhandler(404)
    def not_found(_error: Exception) -> tuple[Response, int]:
        return jsonify({"message": "Resource not found"}), 404

    @app.errorhandler(405)
    def not_allowed(_error: Exception) -> tuple[Response, int]:
        return jsonify({"message": "Method not allowed"}), 405

    @app.before_request
    def authenticate() -> Response | tuple[Response, int] | None:
        if not (request.path.startswith("/v1/") or request.path.startswith("/sandbox/")):
            return None
        key = _api_key(request.headers.get("Authorization", ""))
        if key is None:
            return _unauthorized("Missing Basic Auth credentials (the API key as user name)")
        if key != state.api_key:
            return _unauthorized("Invalid Basic Auth credentials")
        decision = state.limiter.take(key)
        g.rate = decision
        if not decision.allowed:
            response = jsonify({"message": "API rate limit exceeded"})
            response.status_code = 429
            response.headers["Retry-After"] = str(decision.retry_after)
            response.headers["X-RateLimit-Reset"] = str(decision.reset_at)
            return response
        return None

    def _unauthorized(message: str) -> tuple[Response, int]:
        response = jsonify({"message": message})
        response.headers["WWW-Authenticate"] = 'Basic realm="Harvest API"'
        return response, 401

    @app.after_request
    def rate_headers(response: Response) -> Response:
        decision = g.get("rate")
        if decision is not None:
            response.headers["X-RateLimit-Limit"] = str(decision.limit)
            response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
        if request.path.startswith("/v1/"):
            with state.lock:
                state.requests.append(
                    (request.method, request.full_path.rstrip("?"), response.status_code)
                )
        return response

    # -- reads -----------------------------------------------------------------------------

    @app.get("/v1/jobs")
    def jobs() -> Response:
        with state.lock:
            return paginated([state.job_object(job) for job in state.jobs.values()])

    @app.get("/v1/jobs/<job_id>")
    def job(job_id: str) -> Response:
        with state.lock:
            found = state.jobs.get(_int_arg(job_id, "Job"))
            if found is None:
                raise HarvestError(404, "Job not found")
            return jsonify(state.job_object(found))

    @app.get("/v1/jobs/<job_id>/stages")
    def job_stages(job_id: str) -> Response:
        with state.lock:
            found = state.jobs.get(_int_arg(job_id, "Job"))
            if found is None:
                raise HarvestError(404, "Job not found")
            return paginated([state.stage_object(found, stage) for stage in found.stages])

    @app.get("/v1/job_stages/<stage_id>")
    def job_stage(stage_id: str) -> Response:
        wanted = _int_arg(stage_id, "Job stage")
        with state.lock:
            for job_ in state.jobs.values():
                for stage in job_.stages:
                    if stage.id == wanted:
                        return jsonify(state.stage_object(job_, stage))
        raise HarvestError(404, "Job stage not found")

    @app.get("/v1/applications")
    def applications() -> Response:
        job_filter = request.args.get("job_id")
        status = request.args.get("status")
        with state.lock:
            found = [
                state.application_object(a)
                for a in state.applications.values()
                if (job_filter is None or str(a.job_id) == job_filter)
                and (status is None or a.status == status)
            ]
        return paginated(found)

    def _application(application_id: str) -> Any:
        found = state.applications.get(_int_arg(application_id, "Application"))
        if found is None:
            raise HarvestError(404, "Application not found")
        return found

    @app.get("/v1/applications/<application_id>")
    def application(application_id: str) -> Response:
        with state.lock:
            return jsonify(state.application_object(_application(application_id)))

    @app.get("/v1/applications/<application_id>/scorecards")
    def application_scorecards(application_id: str) -> Response:
        with state.lock:
            found = _application(application_id)
            cards = [s for s in state.scorecards if s.get("application_id") == found.id]
        return paginated(cards)

    @app.get("/v1/scorecards")
    def scorecards() -> Response:
        after = _updated_after()
        with state.lock:
            cards = [
                s
                for s in state.scorecards
                if after is None
                or datetime.fromisoformat(str(s["updated_at"]).replace("Z", "+00:00")) > after
            ]
        return paginated(cards)

    @app.get("/v1/applications/<application_id>/scheduled_interviews")
    def application_scheduled_interviews(application_id: str) -> Response:
        with state.lock:
            found = _application(application_id)
            return paginated(list(state.scheduled.get(found.id, [])))

    @app.get("/v1/users")
    def users() -> Response:
        email = request.args.get("email")
        with state.lock:
            found = [
                state.user_object(uid)
                for uid, user in state.users.items()
                if email is None or user.email.lower() == email.lower()
            ]
        return paginated(found)

    @app.get("/v1/users/<user_id>")
    def user(user_id: str) -> Response:
        uid = _int_arg(user_id, "User")
        with state.lock:
            if uid not in state.users:
                raise HarvestError(404, "User not found")
            return jsonify(state.user_object(uid))

    def _candidate(candidate_id: str) -> int:
        cid = _int_arg(candidate_id, "Candidate")
        if cid not in state.candidates:
            raise HarvestError(404, "Candidate not found")
        return cid

    @app.get("/v1/candidates/<candidate_id>")
    def candidate(candidate_id: str) -> Response:
        with state.lock:
            return jsonify(state.candidate_object(_candidate(candidate_id)))

    @app.get("/v1/candidates/<candidate_id>/activity_feed")
    def activity_feed(candidate_id: str) -> Response:
        with state.lock:
            return jsonify(state.activity_feed(_candidate(candidate_id)))

    # -- writes ----------------------------------------------------------------------------

    @app.post("/v1/candidates/<candidate_id>/activity_feed/notes")
    def create_note(candidate_id: str) -> tuple[Response, int]:
        on_behalf_of = request.headers.get("On-Behalf-Of", "").strip()
        if not on_behalf_of:
            raise HarvestError(403, "The On-Behalf-Of header is required for this request")
        if not on_behalf_of.isdigit() or int(on_behalf_of) not in state.users:
            raise HarvestError(404, f"On-Behalf-Of user {on_behalf_of} not found")
        cid = _candidate(candidate_id)
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise HarvestError(400, "The request body must be a JSON object")
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
        visibility = data.get("visibility")
        if visibility not in VISIBILITIES:
            errors.append(
                {
                    "message": f"visibility must be one of {', '.join(VISIBILITIES)}",
                    "field": "visibility",
                }
            )
        if errors:
            raise HarvestError(422, "Validation error", errors)
        note = state.add_note(cid, int(str(user_id).strip()), str(body), str(visibility))
        return jsonify(note), 201

    # -- the sandbox's own controls --------------------------------------------------------

    @app.post("/sandbox/applications/<application_id>/move")
    def move(application_id: str) -> tuple[Response, int]:
        data = request.get_json(silent=True) or {}
        stage = data.get("stage") or data.get("stage_id")
        with state.lock:
            found = _application(application_id)
            if stage is None:
                raise _validation("stage", "stage (an id or a name) is required")
            try:
                payload = state.move_application(found.id, stage)
            except KeyError:
                raise _validation("stage", f"the job has no stage {stage!r}") from None
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

    @app.get("/")
    def index() -> Response:
        return jsonify(
            {
                "sandbox": "Greenhouse Harvest v1 subset for hireloop",
                "jobs": [{"id": j.id, "name": j.name} for j in state.jobs.values()],
                "applications": [a.id for a in state.applications.values()],
            }
        )

    return app
