"""Hostile input stopped at the door, for every route, before any view reads it.

- A body over ``MAX_CONTENT_LENGTH`` (1 MiB) answers 413; ``/webhooks/`` keep their own,
  larger limit (the receiver sets it), so a vendor's big event is still taken.
- JSON nested deeper than ``MAX_JSON_DEPTH`` answers 400 ``malformed`` before anything
  parses it: Python's parser recurses and fails with a ``RecursionError`` far deeper, and a
  webhook is checked here before its signature, so nothing is stored.
- A NUL byte in the path, the query or a form answers 400, and in a JSON string outside
  ``/webhooks/`` 422 naming the field: PostgreSQL cannot store or compare one in text, and
  no field of hireloop's means one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from plugin.core.errors import error_response

MAX_CONTENT_LENGTH = 1024 * 1024
MAX_JSON_DEPTH = 64
#: The receiver sets its own limit for these (vendors' events may be larger than 1 MiB).
WEBHOOK_PREFIX = "/webhooks/"
WEBHOOK_MAX_BODY = 5 * 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_BRACKET = re.compile(rb"[\[\]{}]")


def json_too_deep(body: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body``, read as JSON, opens more than ``limit`` arrays or objects inside each
    other. Counted without parsing (strings are skipped), so it cannot recurse itself."""
    data = body.encode() if isinstance(body, str) else body
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", data)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


def loads_bounded(text: str | bytes) -> Any:
    """``json.loads`` that raises ``ValueError`` for a document nested too deeply."""
    if json_too_deep(text):
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return json.loads(text)


def _malformed(message: str, field: str) -> Response:
    return error_response(400, message, code="malformed", fields={field: message})


def _has_nul(value: str) -> bool:
    return "\x00" in value


def check_request() -> Response | None:
    is_webhook = request.path.startswith(WEBHOOK_PREFIX)
    if _has_nul(request.path):
        return _malformed("The address holds a NUL byte.", "path")
    for name, value in request.args.items(multi=True):
        if _has_nul(name) or _has_nul(value):
            return _malformed("A query parameter holds a NUL byte.", name.replace("\x00", ""))
    if is_webhook:
        request.max_content_length = WEBHOOK_MAX_BODY
        if (request.content_length or 0) > WEBHOOK_MAX_BODY:
            return None  # the receiver answers 413 in its own words
    # A webhook's raw bytes are what its signature covers: never parsed as a form here.
    if not is_webhook and request.mimetype in FORM_TYPES:
        return _check_form()
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        return _too_large()
    if not body:
        return None
    if json_too_deep(body):
        return _malformed(f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.", "body")
    if not is_webhook and (b"\x00" in body or b"\\u0000" in body):
        return _nul_fields(body)
    return None


def _nul_paths(value: Any, path: str = "") -> list[str]:
    """Where in a parsed document a string (or a key) holds a NUL character."""
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            found += [name] if "\x00" in str(key) else _nul_paths(item, name)
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _nul_paths(item, f"{path}[{i}]")]
    return []


def _nul_fields(body: bytes) -> Response | None:
    """A NUL in a JSON string is 422 naming each field (a NUL byte in the raw body is 400)."""
    try:
        document = json.loads(body)
    except ValueError:
        return _malformed("The body holds a NUL character.", "body")
    fields = {path: "must not contain a NUL character" for path in _nul_paths(document)}
    if not fields:
        return None
    return error_response(
        422, "Text must not contain NUL characters: " + ", ".join(sorted(fields)), fields=fields
    )


def _check_form() -> Response | None:
    try:
        form = request.form
    except RequestEntityTooLarge:
        return _too_large()
    for name, value in form.items(multi=True):
        if _has_nul(name) or _has_nul(value):
            return _malformed("A form field holds a NUL byte.", name.replace("\x00", ""))
        if json_too_deep(value):
            return _malformed(f"A field is nested deeper than {MAX_JSON_DEPTH} levels.", name)
    return None


def _too_large() -> Response:
    limit = request.max_content_length or MAX_CONTENT_LENGTH
    return error_response(
        413,
        f"The body is larger than {limit // 1024} KiB.",
        fields={"body": "too large"},
    )


def init_app(app: Flask) -> None:
    # Flask's defaults hold these keys (None, 500 kB): set them unless configured otherwise.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    app.config["MAX_FORM_MEMORY_SIZE"] = min(
        app.config.get("MAX_FORM_MEMORY_SIZE") or MAX_CONTENT_LENGTH, MAX_CONTENT_LENGTH
    )
    app.before_request(check_request)
