"""Webhooks sent the way Greenhouse sends them.

The body is JSON with non-ASCII characters and ``<``, ``>``, ``&`` escaped as ``\\uXXXX``
(Greenhouse escapes before signing); the ``Signature`` header is ``sha256 <hex>``, the
HMAC-SHA256 of those exact bytes keyed by the webhook's secret; every delivery has its own
``Greenhouse-Event-ID``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Any

import requests

USER_AGENT = "hireloop-sandbox (Greenhouse-compatible webhooks)"


def encode_body(payload: dict[str, Any]) -> bytes:
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.encode("ascii")


def signature(secret: str, body: bytes) -> str:
    """The ``Signature`` header's value for ``body``."""
    return "sha256 " + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Delivery:
    url: str
    event_id: str
    status: int  # 0 when the request did not get an answer
    body: bytes
    response_text: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


def deliver(
    url: str,
    secret: str,
    payload: dict[str, Any],
    *,
    timeout: float = 10.0,
    event_id: str | None = None,
    session: requests.Session | None = None,
) -> Delivery:
    """POST one signed webhook; never raises for network trouble (the result says)."""
    body = encode_body(payload)
    event_id = event_id or str(uuid.uuid4())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Signature": signature(secret, body),
        "Greenhouse-Event-ID": event_id,
    }
    sender = session or requests
    try:
        response = sender.post(url, data=body, headers=headers, timeout=timeout)
    except requests.RequestException as exc:
        return Delivery(url, event_id, 0, body, "", error=f"{type(exc).__name__}: {exc}")
    return Delivery(url, event_id, response.status_code, body, response.text[:2000])
