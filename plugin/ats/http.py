"""The HTTP layer every ATS client shares.

One ``requests.Session`` per process (connection pooling), a timeout on every call, the
rate limiter consulted before every request, ``Retry-After`` (seconds, an HTTP-date, or an
epoch timestamp as Greenhouse once documented) and ``X-RateLimit-*`` read from every answer,
and errors mapped to :mod:`plugin.ats.errors`.

Retries here are only the safe ones: a 429 (the ATS refused the request, so nothing
happened) for any method, after the pause it asked for; and for reads, 5xx and timeouts with
a short exponential backoff. A write that may have happened (timeout, 5xx, dropped
connection) is never repeated here: it raises ``uncertain`` so the caller can look first.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter

from plugin.ats.errors import (
    AtsConnectionError,
    AtsError,
    AtsRateLimited,
    AtsResponseError,
    AtsTimeout,
    error_for_status,
)
from plugin.ats.ratelimit import RateLimiter

log = logging.getLogger("hireloop.ats")

REQUEST_ID_HEADERS = ("X-Request-Id", "X-Ashby-Request-Id", "Request-Id", "X-Amzn-Requestid")
USER_AGENT = "hireloop/0.1 (+https://github.com/hireloop)"
DEFAULT_RETRY_AFTER = 1.0  # a 429 without a usable Retry-After or X-RateLimit-Reset
EPOCH_THRESHOLD = 1_000_000_000  # a "Retry-After" this large is a Unix timestamp, not seconds

_SESSION: requests.Session | None = None
_SESSION_LOCK = threading.Lock()


def shared_session() -> requests.Session:
    """The process's session: pooled connections to every ATS, no hidden retries."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=8, pool_maxsize=16, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            _SESSION = session
        return _SESSION


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


class AuthProvider(Protocol):
    def headers(self) -> dict[str, str]: ...

    def invalidate(self) -> bool:
        """Forget a cached credential after a 401; True when asking again may help."""
        ...


class StaticAuth:
    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)

    def headers(self) -> dict[str, str]:
        return dict(self._headers)

    def invalidate(self) -> bool:
        return False


class HttpClient:
    """Requests to one ATS with one credential."""

    def __init__(
        self,
        base_url: str,
        *,
        ats: str,
        auth: AuthProvider,
        limiter: RateLimiter | None,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_rate_limit_retries: int = 3,
        max_wait: float = 60.0,
        read_retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.ats = ats
        self.auth = auth
        self.limiter = limiter
        self.session = session or shared_session()
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.max_rate_limit_retries = max_rate_limit_retries
        self.max_wait = max_wait
        self.read_retries = read_retries
        self.backoff = backoff

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _backoff(self, attempt: int) -> float:
        return float(self.backoff * (2**attempt) * random.uniform(0.5, 1.0))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        write: bool | None = None,
    ) -> requests.Response:
        """Send one request (with the safe retries); a 2xx response or an AtsError."""
        is_write = method.upper() not in ("GET", "HEAD") if write is None else write
        url = self.url(path)
        rate_limited = 0
        failures = 0
        reauthorised = False
        while True:
            if self.limiter is not None:
                self.limiter.acquire()
            all_headers = {"Accept": "application/json", **self.auth.headers(), **(headers or {})}
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    headers=all_headers,
                    timeout=self.timeout,
                )
            except requests.exceptions.ConnectTimeout as exc:
                error: AtsError = AtsConnectionError(f"{method} {url}: connect timeout: {exc}")
            except requests.exceptions.Timeout as exc:
                error = AtsTimeout(
                    f"{method} {url}: no answer within {self.timeout:g} s: {exc}",
                    uncertain=is_write,
                )
            except requests.exceptions.ConnectionError as exc:
                error = AtsConnectionError(f"{method} {url}: {exc}", uncertain=is_write)
            except requests.exceptions.RequestException as exc:
                error = AtsConnectionError(f"{method} {url}: {exc}", uncertain=is_write)
            else:
                elapsed = time.monotonic() - started
                self._observe(response)
                log.debug(
                    "%s %s -> %s in %.0f ms", method, url, response.status_code, elapsed * 1000
                )
                if response.status_code < 400:
                    return response
                retry_after = retry_after_of(response, self.clock())
                error = error_for_status(
                    response.status_code,
                    error_message(response),
                    request_id_of(response),
                    retry_after=retry_after,
                    write=is_write,
                )
                if response.status_code == 401 and not reauthorised and self.auth.invalidate():
                    reauthorised = True
                    continue
                if isinstance(error, AtsRateLimited):
                    wait = retry_after if retry_after is not None else DEFAULT_RETRY_AFTER
                    error.retry_after = wait
                    if self.limiter is not None:
                        self.limiter.pause(wait)
                    rate_limited += 1
                    if rate_limited <= self.max_rate_limit_retries and wait <= self.max_wait:
                        log.info("%s %s: 429, retrying after %.1f s", method, url, wait)
                        if self.limiter is None:
                            self.sleep(wait)
                        continue
                    raise error
            # 5xx, timeouts and connection errors: reads retry, uncertain writes do not.
            if not error.retryable or error.uncertain or failures >= self.read_retries:
                raise error
            wait = self._backoff(failures)
            if error.retry_after is not None:
                wait = max(wait, min(error.retry_after, self.max_wait))
            failures += 1
            log.info("%s %s: %s; retry %d in %.2f s", method, url, error, failures, wait)
            self.sleep(wait)

    def _observe(self, response: requests.Response) -> None:
        if self.limiter is None:
            return
        info = read_rate_limit(response.headers, self.clock())
        if response.status_code != 429:
            self.limiter.observe(info.limit, info.remaining)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise AtsResponseError(
                f"{method} {self.url(path)}: the answer is not JSON",
                response.status_code,
                request_id_of(response),
            ) from None

    def get_pages_by_link(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[Any]:
        """RFC 5988 ``Link: <...>; rel="next"`` pagination (Greenhouse v1 and v3): the first
        request carries the filters; every next one is the URL the ATS gave, as given."""
        url: str | None = self.url(path)
        query: Mapping[str, Any] | None = params
        seen: set[str] = set()
        while url:
            response = self.request("GET", url, params=query)
            try:
                body = response.json()
            except ValueError:
                raise AtsResponseError(
                    f"GET {url}: the answer is not JSON",
                    response.status_code,
                    request_id_of(response),
                ) from None
            yield body
            next_url = response.links.get("next", {}).get("url")
            if not next_url or next_url in seen:
                return
            seen.add(next_url)
            url, query = next_url, None


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
