"""What wraps every sandbox request: Harvest's error bodies, its authentication (v1: Basic
auth with the API key; v3: a bearer token from ``/token``; the sandbox's own ``/sandbox/``
controls: the API key), the rate limit (429 with ``Retry-After``, ``X-RateLimit-*`` on every
answer), and the log of Harvest requests that tests and the demo read."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, jsonify, request

from plugin.demo.sandbox.harvest_http import HarvestError, basic_api_key, sandbox_state
from plugin.demo.sandbox.state import SandboxState
from plugin.demo.sandbox.v3_http import bearer_token


def install_guards(app: Flask) -> None:
    app.register_error_handler(HarvestError, _harvest_error)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(405, _not_allowed)
    app.before_request(_authenticate)
    app.after_request(_rate_headers)


def _harvest_error(error: HarvestError) -> tuple[Response, int]:
    body: dict[str, Any] = {"message": error.message}
    if error.errors is not None:
        body["errors"] = error.errors
    return jsonify(body), error.status


def _not_found(_error: Exception) -> tuple[Response, int]:
    return jsonify({"message": "Resource not found"}), 404


def _not_allowed(_error: Exception) -> tuple[Response, int]:
    return jsonify({"message": "Method not allowed"}), 405


def _authenticate() -> Response | tuple[Response, int] | None:
    path = request.path
    state = sandbox_state()
    if path.startswith("/v3/"):
        if state.api_version != "v3":
            return jsonify({"message": "Resource not found"}), 404
        key = bearer_token(state, request.headers.get("Authorization", ""))
        if key is None:
            return _v3_unauthorized()
        return _take(state, key)
    if not (path.startswith("/v1/") or path.startswith("/sandbox/")):
        return None
    if path.startswith("/v1/") and state.api_version != "v1":
        # Greenhouse ended v1: its auth gate refuses every key (answered as it answers one).
        return _unauthorized("Invalid Basic Auth credentials")
    key = basic_api_key(request.headers.get("Authorization", ""))
    if key is None:
        return _unauthorized("Missing Basic Auth credentials (the API key as user name)")
    if key != state.api_key:
        return _unauthorized("Invalid Basic Auth credentials")
    return _take(state, key)


def _take(state: SandboxState, key: str) -> Response | None:
    decision = state.limiter.take(key)
    g.rate = decision
    if not decision.allowed:
        response = jsonify({"message": "API rate limit exceeded"})
        response.status_code = 429
        response.headers["Retry-After"] = str(decision.retry_after)
        response.headers["X-RateLimit-Reset"] = str(decision.reset_at)
        return response
    return None


def _v3_unauthorized() -> tuple[Response, int]:
    body = {"message": "Unauthorized", "errors": ["Token could not be decoded or has expired."]}
    return jsonify(body), 401


def _unauthorized(message: str) -> tuple[Response, int]:
    response = jsonify({"message": message})
    response.headers["WWW-Authenticate"] = 'Basic realm="Harvest API"'
    return response, 401


def _rate_headers(response: Response) -> Response:
    decision = g.get("rate")
    if decision is not None:
        response.headers["X-RateLimit-Limit"] = str(decision.limit)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
    if request.path.startswith(("/v1/", "/v3/", "/token")):
        state = sandbox_state()
        with state.lock:
            state.requests.append(
                (request.method, request.full_path.rstrip("?"), response.status_code)
            )
    return response
