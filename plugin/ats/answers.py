"""What an ATS's answer says besides its data: how long to wait (``Retry-After``, an
HTTP-date or an epoch timestamp as Greenhouse once documented), the ``X-RateLimit-*``
headers, the request id, and the error in the ATS's own words."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from plugin.ats.values import EPOCH_THRESHOLD

REQUEST_ID_HEADERS = ("X-Request-Id", "X-Ashby-Request-Id", "Request-Id", "X-Amzn-Requestid")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` (or ``X-RateLimit-Reset``) value.

    Accepts delta-seconds ("120", "1.5"), an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT") and
    an epoch timestamp (seconds or milliseconds). None when the value is missing or unreadable;
    never negative.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    current = time.time() if now is None else now
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if number != number or number in (float("inf"), float("-inf")):
            return None
        if number >= EPOCH_THRESHOLD * 1000:  # milliseconds since the epoch
            number = number / 1000.0 - current
        elif number >= EPOCH_THRESHOLD:
            number = number - current
        return max(number, 0.0)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:  # pragma: no cover - older Pythons
        return None
    return max(moment.timestamp() - current, 0.0)


@dataclass(frozen=True)
class RateLimitHeaders:
    limit: int | None
    remaining: int | None
    reset_after: float | None  # seconds until the window resets, from X-RateLimit-Reset


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(float(raw.strip()))
    except ValueError:
        return None


def read_rate_limit(headers: Mapping[str, str], now: float | None = None) -> RateLimitHeaders:
    return RateLimitHeaders(
        limit=_int_header(headers, "X-RateLimit-Limit"),
        remaining=_int_header(headers, "X-RateLimit-Remaining"),
        reset_after=parse_retry_after(headers.get("X-RateLimit-Reset"), now),
    )


def retry_after_of(response: requests.Response, now: float | None = None) -> float | None:
    """How long a 429 (or 503) asks us to wait: Retry-After first, then X-RateLimit-Reset."""
    after = parse_retry_after(response.headers.get("Retry-After"), now)
    if after is None:
        after = read_rate_limit(response.headers, now).reset_after
    return after


def request_id_of(response: requests.Response) -> str | None:
    for name in REQUEST_ID_HEADERS:
        if response.headers.get(name):
            return response.headers[name]
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("errorInfo"), dict):
        request_id = body["errorInfo"].get("requestId")
        return str(request_id) if request_id else None
    return None


def error_message(response: requests.Response) -> str:
    """The ATS's own words: Greenhouse ``message``/``errors``, Lever ``code``/``message``,
    Ashby ``errorInfo`` or ``errors``; else the start of the body."""
    reason = f"{response.request.method if response.request else ''} {response.url}: " + (
        f"HTTP {response.status_code}"
    )
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()[:300]
        return f"{reason}: {text}" if text else reason
    parts: list[str] = []
    if isinstance(body, dict):
        for key in ("code", "message", "error", "error_description"):
            if isinstance(body.get(key), str):
                parts.append(body[key])
        info = body.get("errorInfo")
        if isinstance(info, dict):
            parts += [str(info[k]) for k in ("code", "message") if info.get(k)]
        errors = body.get("errors")
        if isinstance(errors, list):
            for item in errors[:5]:
                if isinstance(item, dict):
                    field = item.get("field") or item.get("parameter")
                    message = item.get("message", "")
                    parts.append(f"{field}: {message}" if field else str(message))
                else:
                    parts.append(str(item))
    detail = "; ".join(p for p in parts if p)[:500]
    return f"{reason}: {detail}" if detail else reason
