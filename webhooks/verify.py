"""Webhook signature checks, each over exactly what the vendor signs, in constant time.

Several secrets may be configured at once (the first current, the others still accepted)
so a secret can be rotated without losing deliveries. Every failure raises one
``SignatureError`` whose ``reason`` says what was wrong without revealing any secret.

- Greenhouse: header ``Signature: sha256 <hex>``, HMAC-SHA256 of the whole raw body.
- Ashby: header ``Ashby-Signature: sha256=<hex>``, HMAC-SHA256 of the whole raw body.
- Lever: body field ``signature`` = hex HMAC-SHA256 of ``token + triggeredAt`` keyed by the
  webhook's signature token; a ``triggeredAt`` outside the replay window is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

#: How far in the future a Lever ``triggeredAt`` may be (clock skew between Lever and us).
LEVER_FUTURE_TOLERANCE_MS = 5 * 60 * 1000


class SignatureError(Exception):
    """The delivery could not be shown to come from the ATS; answer 401 and store nothing."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _hexdigest(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _matches_any(secrets: Sequence[str], message: bytes, sent_hex: str) -> bool:
    sent = sent_hex.strip().lower().encode("ascii", "replace")
    matched = False
    for secret in secrets:
        # Every secret is tried (no early exit) and compared in constant time.
        matched |= hmac.compare_digest(_hexdigest(secret, message).encode("ascii"), sent)
    return matched


def _require_secrets(secrets: Sequence[str], variable: str) -> None:
    if not secrets:
        raise SignatureError(
            "not_configured", f"Webhooks from this ATS are not accepted: {variable} is not set."
        )


def _split_header(value: str | None, separator: str, header: str) -> str:
    if value is None or not value.strip():
        raise SignatureError("missing", f"The {header} header is missing.")
    algorithm, found, digest = value.strip().partition(separator)
    if not found or algorithm.strip().lower() != "sha256" or not digest.strip():
        raise SignatureError(
            "malformed", f"The {header} header must look like 'sha256{separator}<hex digest>'."
        )
    return digest.strip()


def verify_greenhouse(body: bytes, header: str | None, secrets: Sequence[str]) -> None:
    """``Signature: sha256 <hex>`` over the entire raw body (not the re-serialised JSON)."""
    _require_secrets(secrets, "HIRELOOP_GREENHOUSE_WEBHOOK_SECRET")
    digest = _split_header(header, " ", "Signature")
    if not _matches_any(secrets, body, digest):
        raise SignatureError("mismatch", "The Signature header does not match the body.")


def verify_ashby(body: bytes, header: str | None, secrets: Sequence[str]) -> None:
    """``Ashby-Signature: sha256=<hex>`` over the entire raw body."""
    _require_secrets(secrets, "HIRELOOP_ASHBY_WEBHOOK_SECRET")
    digest = _split_header(header, "=", "Ashby-Signature")
    if not _matches_any(secrets, body, digest):
        raise SignatureError("mismatch", "The Ashby-Signature header does not match the body.")


def verify_lever(
    token: object,
    triggered_at: object,
    signature: object,
    secrets: Sequence[str],
    *,
    now_ms: int,
    window_ms: int,
) -> None:
    """Lever signs ``token + triggeredAt`` (as sent) and puts the hex digest in the body.

    The signature does not cover ``event`` or ``data``; refusing stale ``triggeredAt`` here
    and remembering tokens in the inbox (the dedupe key) is what stops replays.
    """
    _require_secrets(secrets, "HIRELOOP_LEVER_SIGNATURE_TOKEN")
    if signature is None or signature == "":
        raise SignatureError("missing", "The body has no 'signature' field.")
    if not isinstance(signature, str):
        raise SignatureError("malformed", "The body's 'signature' must be a hex string.")
    if not isinstance(token, str) or not token:
        raise SignatureError("malformed", "The body's 'token' must be a non-empty string.")
    if isinstance(triggered_at, bool) or not isinstance(triggered_at, int):
        raise SignatureError("malformed", "The body's 'triggeredAt' must be milliseconds.")
    message = f"{token}{triggered_at}".encode()
    if not _matches_any(secrets, message, signature):
        raise SignatureError("mismatch", "The body's 'signature' does not match.")
    if triggered_at < now_ms - window_ms:
        raise SignatureError(
            "stale", "The delivery's 'triggeredAt' is older than the replay window."
        )
    if triggered_at > now_ms + LEVER_FUTURE_TOLERANCE_MS:
        raise SignatureError("stale", "The delivery's 'triggeredAt' is in the future.")
