"""The HMAC-SHA256 check every vendor's signature verification shares.

Several secrets may be configured at once (the first current, the others still accepted)
so a secret can be rotated without losing deliveries. Every failure raises one
``SignatureError`` whose ``reason`` says what was wrong without revealing any secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence


class SignatureError(Exception):
    """The delivery could not be shown to come from the ATS; answer 401 and store nothing."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def hexdigest(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def matches_any(secrets: Sequence[str], message: bytes, sent_hex: str) -> bool:
    """Whether ``sent_hex`` is the HMAC of ``message`` under any of the secrets."""
    sent = sent_hex.strip().lower().encode("ascii", "replace")
    matched = False
    for secret in secrets:
        # Every secret is tried (no early exit) and compared in constant time, so the time
        # taken says nothing about which secret, or how much of the digest, matched.
        matched |= hmac.compare_digest(hexdigest(secret, message).encode("ascii"), sent)
    return matched


def require_secrets(secrets: Sequence[str], variable: str) -> None:
    if not secrets:
        raise SignatureError(
            "not_configured", f"Webhooks from this ATS are not accepted: {variable} is not set."
        )


def digest_from_header(value: str | None, separator: str, header: str) -> str:
    """The hex digest of a ``sha256<separator><hex>`` header."""
    if value is None or not value.strip():
        raise SignatureError("missing", f"The {header} header is missing.")
    algorithm, found, digest = value.strip().partition(separator)
    if not found or algorithm.strip().lower() != "sha256" or not digest.strip():
        raise SignatureError(
            "malformed", f"The {header} header must look like 'sha256{separator}<hex digest>'."
        )
    return digest.strip()


def verify_body(
    body: bytes, header: str | None, secrets: Sequence[str], *, separator: str, header_name: str
) -> None:
    """A header signature over the entire raw body (Greenhouse, Ashby)."""
    digest = digest_from_header(header, separator, header_name)
    if not matches_any(secrets, body, digest):
        raise SignatureError("mismatch", f"The {header_name} header does not match the body.")
