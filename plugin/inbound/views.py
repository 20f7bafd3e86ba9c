"""POST /webhooks/greenhouse | /webhooks/lever | /webhooks/ashby.

Order of work, each step before the next: read the raw bytes; verify the signature over
exactly what the vendor signs (401, nothing stored, when it fails); parse and normalise
(400 naming the field when a verified body is malformed); answer pings and events we do
not handle with 200 without storing them; otherwise store and handle the delivery through
the inbox and answer 200 — also for a duplicate, which has no second effect.

``HIRELOOP_WEBHOOK_HANDLING`` says who handles a stored delivery: ``worker`` (default:
``hireloop worker``, which picks it up within ``HIRELOOP_INBOX_POLL_SECONDS``; the 200 does
not wait) or ``inline`` (the request, after the commit, before the 200). The delivery is
committed before the 200 in both modes.
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from plugin.core.config import secrets_setting
from plugin.core.db import get_session
from plugin.core.errors import error_response
from plugin.core.guards import WEBHOOK_MAX_BODY
from plugin.inbound import inbox
from plugin.inbound.reread import completer
from webhooks.events import UNSTORED_KINDS, Envelope, InboundEvent
from webhooks.lever import envelope as lever_envelope
from webhooks.normalise import MalformedPayload, envelope, normalise, parse_body
from webhooks.verify import SignatureError, verify_ashby, verify_greenhouse, verify_lever

bp = Blueprint("webhooks", __name__)

SECRET_SETTINGS = {
    "greenhouse": "GREENHOUSE_WEBHOOK_SECRET",
    "lever": "LEVER_SIGNATURE_TOKEN",
    "ashby": "ASHBY_WEBHOOK_SECRET",
}
#: The request headers kept with a delivery (for operators; never needed to handle it).
KEPT_HEADERS = ("Greenhouse-Event-ID", "Signature", "Ashby-Signature", "User-Agent")
#: The answer for a stored delivery the worker handles (the 200 does not wait for it).
ACCEPTED = "accepted"


@bp.post("/webhooks/<provider>")
def receive(provider: str) -> Response | tuple[Response, int]:
    if provider not in SECRET_SETTINGS:
        return error_response(404, f"No webhook receiver for '{provider}'.", fields={})
    if (request.content_length or 0) > WEBHOOK_MAX_BODY:
        return error_response(413, "The body is larger than 5 MB.", fields={"body": "too large"})
    # Also bounds a chunked body, which has no Content-Length to check up front (413).
    request.max_content_length = WEBHOOK_MAX_BODY
    body = request.get_data(cache=False)
    try:
        document = _verified_document(provider, body)
    except SignatureError as exc:
        return error_response(
            401, exc.message, code="invalid_signature", fields={"signature": exc.reason}
        )
    headers = {name: request.headers[name] for name in KEPT_HEADERS if name in request.headers}
    try:
        if document is None:
            document = parse_body(body)
        event = normalise(provider, document)
        env = envelope(provider, document, body, headers)
    except MalformedPayload as exc:
        if provider == "lever" and document is not None:
            # Verified, so its token is spent whatever we answer: else a copy with other
            # data under the same signature could be taken later.
            _remember_lever_token(document, body)
        return error_response(
            400,
            f"The webhook body is malformed: {exc.field} {exc.message}.",
            code="malformed_payload",
            fields={exc.field: exc.message},
        )
    if event.kind in UNSTORED_KINDS:
        return _unstored(provider, event, env, document)
    return _stored(provider, event, env, body, headers)


def _verified_document(provider: str, body: bytes) -> dict[str, Any] | None:
    """Verify the signature (``SignatureError`` when it fails); Lever's body, which had to
    be read to be verified, or None."""
    secrets = secrets_setting(current_app.config, SECRET_SETTINGS[provider])
    if provider == "greenhouse":
        verify_greenhouse(body, request.headers.get("Signature"), secrets)
        return None
    if provider == "ashby":
        verify_ashby(body, request.headers.get("Ashby-Signature"), secrets)
        return None
    document = _lever_document(body)
    window_ms = int(current_app.config["WEBHOOK_REPLAY_WINDOW_HOURS"] * 3_600_000)
    verify_lever(
        document.get("token"),
        document.get("triggeredAt"),
        document.get("signature"),
        secrets,
        now_ms=int(time.time() * 1000),
        window_ms=window_ms,
    )
    return document


def _unstored(
    provider: str, event: InboundEvent, env: Envelope, document: dict[str, Any]
) -> Response:
    """A ping, or an event hireloop does not handle: answered without storing it."""
    # Lever signs only token + triggeredAt, not the data: its token is remembered even
    # when the event needs nothing, or a copy with other data could use the token again.
    if provider == "lever" and _remember_lever_token(document, env) is None:
        return jsonify({"status": "duplicate", "delivery": None, "event": env.event_type})
    return jsonify({"status": "ignored" if event.kind != "ping" else "ok", "event": env.event_type})


def _stored(
    provider: str, event: InboundEvent, env: Envelope, body: bytes, headers: dict[str, str]
) -> Response:
    """Commit the delivery to the inbox, then (``inline``) handle it before answering."""
    session = get_session()
    delivery_id = inbox.store(session, env, body, headers, about=event.subject)
    if delivery_id is None:
        return jsonify({"status": "duplicate", "delivery": None, "event": env.event_type})
    # Committed: from here on the delivery cannot be lost.
    status = ACCEPTED
    if current_app.config["WEBHOOK_HANDLING"] == "inline":
        completed = inbox.prepare(provider, event, completer(current_app.config))
        status = inbox.handle_delivery(session, delivery_id, event=completed)
        if status == inbox.SKIPPED:  # the worker took it first: handled, or being handled
            status = ACCEPTED
    return jsonify({"status": status, "delivery": delivery_id, "event": env.event_type})


def _remember_lever_token(document: dict[str, Any], found: Envelope | bytes) -> int | None:
    """Keep a verified Lever delivery's token as a handled inbox row (its dedupe key), with
    only what makes the token known: the data of an event hireloop does not use, or cannot
    read, is nobody's business here (and names no one a purge could find). None when the
    token was known already."""
    env = found if isinstance(found, Envelope) else lever_envelope(document, found)
    kept = {key: document.get(key) for key in ("event", "triggeredAt", "token")}
    return inbox.store(get_session(), env, json.dumps(kept).encode(), {}, handled=True)


def _lever_document(body: bytes) -> dict[str, Any]:
    """Lever signs fields of the body, so it must be read to be verified; a body that cannot
    be read cannot be verified either (401, nothing stored)."""
    try:
        return parse_body(body)
    except MalformedPayload:
        raise SignatureError(
            "missing", "The body is not a JSON object, so it carries no Lever signature."
        ) from None
