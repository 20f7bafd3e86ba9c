"""Harvest v3's HTTP conventions in the sandbox: the OAuth token endpoint (``POST /token``,
client credentials in Basic auth, ``grant_type=client_credentials`` and ``sub`` in a form
body), bearer tokens, bare JSON arrays in pages of ``per_page`` (1-500, default 100) with a
cursor in ``Link: <...?cursor=...>; rel="next"`` (a cursor must come alone: it carries the
first request's filters), at most 50 values in ``ids`` and ``*_ids``, newest ids first."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from plugin.demo.sandbox.harvest_http import HarvestError, sandbox_state
from plugin.demo.sandbox.state import SandboxState

oauth = Blueprint("sandbox_oauth", __name__)

MAX_IDS = 50


def bearer_token(state: SandboxState, header: str) -> str | None:
    """The client the bearer token was minted for (the rate limit's key), if it is valid."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not state.token_valid(token.strip()):
        return None
    return state.client_id


@oauth.post("/token")
def token() -> tuple[Response, int]:
    state = sandbox_state()
    if state.api_version != "v3":
        return jsonify({"message": "Resource not found"}), 404
    auth = request.authorization
    if auth is None or auth.type != "basic":
        return jsonify({"message": "Unauthorized", "errorId": "err-sandbox"}), 401
    if auth.username != state.client_id or auth.password != state.client_secret:
        return jsonify({"error": "invalid_client"}), 401
    form = request.form
    grant = form.get("grant_type") or request.args.get("grant_type")
    if grant != "client_credentials":
        return jsonify({"error": "unsupported_grant_type"}), 400
    sub = (form.get("sub") or "").strip()
    if sub and (not sub.isdigit() or int(sub) not in state.users):
        return jsonify({"error": "invalid_request", "error_description": "unknown sub"}), 400
    access_token, lifetime = state.mint_token()
    body = {"access_token": access_token, "token_type": "Bearer", "expires_in": int(lifetime)}
    return jsonify(body), 200


def _unprocessable(*errors: Any) -> HarvestError:
    return HarvestError(422, "Unprocessable Content", list(errors))


def _encode(cursor: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")


def _decode(raw: str) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError):
        raise _unprocessable({"cursor": "is not a valid cursor"}) from None
    if not isinstance(decoded, dict):
        raise _unprocessable({"cursor": "is not a valid cursor"})
    return decoded


def query() -> dict[str, str]:
    """This request's filters: its own, or those its cursor carries."""
    if "cursor" in request.args:
        if len(request.args) > 1:
            raise _unprocessable("When passing a cursor, do not include other query params.")
        cursor = _decode(request.args["cursor"])
        g.v3_page = (int(cursor.get("o", 0)), int(cursor.get("p", 100)))
        return {str(k): str(v) for k, v in dict(cursor.get("f") or {}).items()}
    filters = request.args.to_dict()
    raw = filters.pop("per_page", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= 500:
        raise _unprocessable({"per_page": f"`{raw}` must be between 1 and 500"})
    g.v3_page = (0, int(raw))
    g.v3_filters = filters
    return filters


def ids(filters: dict[str, str], name: str) -> set[int] | None:
    """The ids of the ``name`` filter (None when absent); 422 past 50 or for a non-id."""
    raw = filters.get(name)
    if raw is None:
        return None
    values = [value.strip() for value in raw.split(",") if value.strip()]
    if len(values) > MAX_IDS:
        raise _unprocessable({name: f"length must be less than or equal to {MAX_IDS}"})
    if not all(value.isdigit() for value in values):
        raise _unprocessable({name: "must be a list of integers"})
    return {int(value) for value in values}


def page(items: list[dict[str, Any]]) -> Response:
    """One page of ``items`` (sorted newest id first) with the ``next`` cursor if any."""
    offset, per_page = g.get("v3_page", (0, 100))
    items = sorted(items, key=lambda item: item.get("id") or 0, reverse=True)
    response = jsonify(items[offset : offset + per_page])
    if offset + per_page < len(items):
        filters = g.get("v3_filters")
        if filters is None:
            filters = _decode(request.args["cursor"]).get("f") or {}
        cursor = _encode({"o": offset + per_page, "p": per_page, "f": filters})
        response.headers["Link"] = f'<{request.base_url}?cursor={cursor}>; rel="next"'
    return response
