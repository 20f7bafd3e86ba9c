"""Reading verified vendor bodies: typed field readers that fail with ``MalformedPayload``.

Every reader takes the field's JSON path, so the 400 the receiver answers names exactly the
field that is wrong ("payload.application.id: is missing"). Extra keys are always tolerated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from webhooks.events import Envelope

MAX_KEY = 200
MAX_EVENT_TYPE = 100
MAX_ID = 64


class MalformedPayload(ValueError):
    """A verified body hireloop cannot read; ``field`` is the JSON path of the problem."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_body(body: bytes) -> dict[str, Any]:
    """The body as a JSON object (UTF-8, the bytes exactly as received)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayload("body", f"The body is not valid JSON ({exc}).") from None
    if not isinstance(document, dict):
        raise MalformedPayload("body", "The body must be a JSON object.")
    return document


# -- field readers ----------------------------------------------------------------------------


def required_mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedPayload(path, "must be an object" if value is not None else "is missing")
    return value


def optional_mapping(value: Any, path: str) -> Mapping[str, Any] | None:
    return None if value is None else required_mapping(value, path)


def array(value: Any, path: str) -> list[Any]:
    """A JSON list; a missing one is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedPayload(path, "must be a list")
    return value


def required_id(value: Any, path: str) -> str:
    found = optional_id(value, path)
    if found is None:
        raise MalformedPayload(path, "is missing")
    return found


def optional_id(value: Any, path: str) -> str | None:
    """Vendor ids as text, whether the vendor sent a number or a string."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedPayload(path, "must be an id (a number or a string)")
    text = str(value).strip()
    if not text or len(text) > MAX_ID:
        raise MalformedPayload(path, f"must be a non-empty id of at most {MAX_ID} characters")
    return text


def text(value: Any) -> str | None:
    """Display text is never required: anything but a non-blank string reads as absent."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def iso_time(value: Any, path: str) -> datetime | None:
    """An ISO 8601 timestamp in UTC; one without a zone is taken to be UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedPayload(path, "must be an ISO 8601 timestamp")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise MalformedPayload(path, "must be an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def ms_time(value: Any, path: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedPayload(path, "must be a timestamp in milliseconds")
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedPayload(path, "is not a valid timestamp") from None


def latest(*times: datetime | None) -> datetime | None:
    present = [t for t in times if t is not None]
    return max(present) if present else None


def event_name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MalformedPayload(path, "must be the event name (a non-empty string)")
    return value.strip()


# -- the inbox envelope -----------------------------------------------------------------------


def hash_key(body: bytes) -> str:
    """The dedupe key of last resort: the same bytes are the same delivery."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def make_envelope(provider: str, event_type: str, key: str) -> Envelope:
    """The inbox columns are bounded: a long event type is cut, a long key is hashed."""
    bounded = key if len(key) <= MAX_KEY else hash_key(key.encode())
    return Envelope(provider, event_type[:MAX_EVENT_TYPE], bounded)
