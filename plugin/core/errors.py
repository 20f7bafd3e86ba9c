"""One error shape for every failure: ``{"error": {"code", "message", "fields"}}``.

Nothing about the server's internals reaches a client: a 500 says only that it happened and
the traceback goes to the log.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Flask, Response, jsonify, request
from flask_smorest import Api
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class DomainError(Exception):
    """What a service raises when a request cannot be done: a message for people, a stable
    ``code`` for programs and the ``fields`` at fault. Services know nothing of HTTP; the edge
    answers each kind with its status (``STATUS_OF``) in the one error shape."""

    default_code = "error"

    def __init__(
        self, message: str, *, code: str | None = None, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}


class NotFound(DomainError):
    default_code = "not_found"


class Forbidden(DomainError):
    default_code = "forbidden"


class Conflict(DomainError):
    """The request is well formed but the state does not allow it (yet)."""

    default_code = "conflict"


class Invalid(DomainError):
    """The request's content is wrong; ``fields`` says where."""

    default_code = "validation_error"


STATUS_OF: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Invalid: 422,
}


def status_of(error: DomainError) -> int:
    return next((s for kind, s in STATUS_OF.items() if isinstance(error, kind)), 400)


class ApiError(Exception):
    """Raised by views to answer with a specific status, code and fields."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def error_response(
    status: int,
    message: str,
    code: str | None = None,
    fields: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow nest errors by location and field; clients want 'a.b': 'message'."""
    if isinstance(messages, dict):
        out: dict[str, str] = {}
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "headers", "files", "view_args"):
                out.update(flatten_messages(value, ""))
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten_messages(value, name))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": " ".join(messages)}
    if isinstance(messages, list):
        out = {}
        for index, item in enumerate(messages):
            out.update(flatten_messages(item, f"{prefix}[{index}]"))
        return out
    return {prefix or "_schema": str(messages)}


def _from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = flatten_messages(data.get("errors") or data.get("messages") or {})
    if status >= 500:
        message = "The server failed to handle the request; the error has been logged."
    else:
        message = data.get("message") or error.description or error.name
        if status == 422 and fields and not data.get("message"):
            message = "The request has invalid fields: " + ", ".join(sorted(fields))
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return error_response(status, message, fields=fields, headers=headers)


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    # ``fields`` would shadow marshmallow's own attribute: named by its data key instead.
    fields_at_fault = ma.fields.Dict(keys=ma.fields.String(), required=True, data_key="fields")


class ErrorSchema(ma.Schema):
    """The one error shape, as the OpenAPI document states it for every error answer."""

    error = ma.fields.Nested(ErrorDetailSchema, required=True)


class HireloopApi(Api):
    """flask-smorest's Api with the contract's error shape instead of its own."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return _from_http_exception(error)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def on_api_error(error: ApiError) -> Response:
        return error_response(error.status, error.message, error.code, error.fields, error.headers)

    @app.errorhandler(DomainError)
    def on_domain_error(error: DomainError) -> Response:
        return error_response(status_of(error), error.message, error.code, error.fields)

    @app.errorhandler(HTTPException)
    def on_http_exception(error: HTTPException) -> Response:
        return _from_http_exception(error)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def on_value_out_of_range(_error: Exception) -> Response:
        # The last net under the checks at the edge: a number beyond the database's integers
        # (PostgreSQL's DataError, SQLite's OverflowError) is the client's, never a 500.
        return error_response(
            422,
            "A value is out of the range the database can hold.",
            code="out_of_range",
        )

    @app.after_request
    def no_store_on_api_errors(response: Response) -> Response:
        if response.status_code >= 400 and request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
