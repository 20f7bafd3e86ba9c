"""Values as the ATS payloads carry them: ids as numbers or text, timestamps as ISO-8601 text
or epoch milliseconds, lists bare or under a key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from plugin.ats.errors import AtsResponseError

EPOCH_THRESHOLD = 1_000_000_000  # a number this large is a Unix timestamp, not a duration


def as_text(value: Any) -> str:
    """An ATS value as text: "" for None (ids arrive as numbers or strings)."""
    return "" if value is None else str(value)


def parse_timestamp(value: Any) -> datetime | None:
    """ISO-8601 text (Greenhouse, Ashby) or epoch milliseconds (Lever) as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000.0 if value >= EPOCH_THRESHOLD * 100 else float(value)
        return datetime.fromtimestamp(seconds, UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def items_of(body: Any, key: str = "data") -> list[Any]:
    """A page's items: a bare JSON array, or the array under ``key``."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return list(body[key])
    raise AtsResponseError(f"expected a list of items, got {type(body).__name__}")
