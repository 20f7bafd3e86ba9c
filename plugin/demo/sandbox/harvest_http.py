"""Harvest v1's HTTP conventions, shared by the sandbox's routes: Basic auth with the API key
as user name, 422 validation errors, ``per_page`` / ``page`` pagination with an RFC 5988
``Link`` header, and 404 for ids that are not numbers."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlencode

from flask import Response, current_app, jsonify, request

from plugin.demo.sandbox.state import SandboxState

STATE_KEY = "SANDBOX_STATE"


class HarvestError(Exception):
    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def sandbox_state() -> SandboxState:
    """The state the running sandbox app serves."""
    return cast(SandboxState, current_app.config[STATE_KEY])


def validation_error(field: str, message: str) -> HarvestError:
    return HarvestError(422, "Validation error", [{"message": message, "field": field}])


def basic_api_key(header: str) -> str | None:
    """The API key from a Basic ``Authorization`` header (the user name), if any."""
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
            raise validation_error(name, f"{name} must be an integer between {low} and {high}")
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


def int_arg(value: str, what: str) -> int:
    """A path id; Harvest answers 404 (not 400) for one that is not a number."""
    if not value.isdigit():
        raise HarvestError(404, f"{what} not found")
    return int(value)


def updated_after() -> datetime | None:
    raw = request.args.get("updated_after")
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise validation_error(
            "updated_after", "updated_after must be an ISO-8601 timestamp"
        ) from None
