"""The HTTP layer every ATS client shares.

One ``requests.Session`` per process (connection pooling), a timeout on every call, the
rate limiter consulted before every request, ``Retry-After`` and ``X-RateLimit-*`` read from
every answer (:mod:`plugin.ats.answers`), and errors mapped to :mod:`plugin.ats.errors`.

Retries here are only the safe ones: a 429 (the ATS refused the request, so nothing
happened) for any method, after the pause it asked for; and for reads, 5xx and timeouts with
a short exponential backoff. A write that may have happened (timeout, 5xx, dropped
connection) is never repeated here: it raises ``uncertain`` so the caller can look first.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from plugin.ats.answers import error_message, read_rate_limit, request_id_of, retry_after_of
from plugin.ats.answers import parse_retry_after as parse_retry_after  # notify imports it here
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

USER_AGENT = "hireloop/0.1 (+https://github.com/hireloop)"
DEFAULT_RETRY_AFTER = 1.0  # a 429 without a usable Retry-After or X-RateLimit-Reset

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


class AuthProvider(Protocol):
    def headers(self) -> dict[str, str]: ...

    def invalidate(self) -> bool:
        """Forget a cached credential after a 401; True when asking again may help."""
        ...


def _origin(url: str) -> str:
    """Scheme, host and port of a URL, as compared for following a ``next`` link."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


class StaticAuth:
    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)

    def headers(self) -> dict[str, str]:
        return dict(self._headers)

    def invalidate(self) -> bool:
        return False


@dataclass
class _Call:
    """One logical request and what it has used of its retries."""

    method: str
    url: str
    is_write: bool
    params: Mapping[str, Any] | None
    json: Any
    data: Mapping[str, Any] | None
    headers: Mapping[str, str]
    rate_limited: int = 0
    failures: int = 0
    reauthorised: bool = False


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
        call = _Call(
            method=method,
            url=self.url(path),
            is_write=method.upper() not in ("GET", "HEAD") if write is None else write,
            params=params,
            json=json,
            data=data,
            headers=headers or {},
        )
        while True:
            outcome = self._attempt(call)
            if isinstance(outcome, requests.Response):
                return outcome
            if not self._may_retry(call, outcome):
                raise outcome

    def _attempt(self, call: _Call) -> requests.Response | AtsError:
        """One try: the 2xx response, or the error it came to (returned, not raised, so the
        caller decides on a retry)."""
        if self.limiter is not None:
            self.limiter.acquire()
        headers = {"Accept": "application/json", **self.auth.headers(), **call.headers}
        started = time.monotonic()
        try:
            response = self.session.request(
                call.method,
                call.url,
                params=call.params,
                json=call.json,
                data=call.data,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.exceptions.RequestException as exc:
            return self._transport_error(call, exc)
        elapsed = time.monotonic() - started
        self._observe(response)
        log.debug(
            "%s %s -> %s in %.0f ms", call.method, call.url, response.status_code, elapsed * 1000
        )
        if response.status_code < 400:
            return response
        retry_after = retry_after_of(response, self.clock())
        return error_for_status(
            response.status_code,
            error_message(response),
            request_id_of(response),
            retry_after=retry_after,
            write=call.is_write,
        )

    def _transport_error(self, call: _Call, exc: requests.exceptions.RequestException) -> AtsError:
        """No answer: a connect timeout never reached the ATS; anything later may have."""
        where = f"{call.method} {call.url}"
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return AtsConnectionError(f"{where}: connect timeout: {exc}")
        if isinstance(exc, requests.exceptions.Timeout):
            return AtsTimeout(
                f"{where}: no answer within {self.timeout:g} s: {exc}", uncertain=call.is_write
            )
        return AtsConnectionError(f"{where}: {exc}", uncertain=call.is_write)

    def _may_retry(self, call: _Call, error: AtsError) -> bool:
        """Whether to send ``call`` again after ``error``, having waited as needed."""
        if error.status == 401 and not call.reauthorised and self.auth.invalidate():
            call.reauthorised = True
            return True
        if isinstance(error, AtsRateLimited):
            return self._after_rate_limit(call, error)
        return self._after_failure(call, error)

    def _after_rate_limit(self, call: _Call, error: AtsRateLimited) -> bool:
        """A 429 performed nothing, so any method may go again: pause the credential for the
        wait it asked, unless that is too long or it happened too often."""
        wait = error.retry_after if error.retry_after is not None else DEFAULT_RETRY_AFTER
        error.retry_after = wait
        if self.limiter is not None:
            self.limiter.pause(wait)
        call.rate_limited += 1
        if call.rate_limited > self.max_rate_limit_retries or wait > self.max_wait:
            return False
        log.info("%s %s: 429, retrying after %.1f s", call.method, call.url, wait)
        if self.limiter is None:  # else the limiter's pause makes the next acquire wait
            self.sleep(wait)
        return True

    def _after_failure(self, call: _Call, error: AtsError) -> bool:
        """5xx, timeouts and connection errors: reads retry with backoff, uncertain writes
        do not."""
        if not error.retryable or error.uncertain or call.failures >= self.read_retries:
            return False
        wait = self._backoff(call.failures)
        if error.retry_after is not None:
            wait = max(wait, min(error.retry_after, self.max_wait))
        call.failures += 1
        log.info("%s %s: %s; retry %d in %.2f s", call.method, call.url, error, call.failures, wait)
        self.sleep(wait)
        return True

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
        request carries the filters; every next one is the URL the ATS gave, as given, and
        only on the API's own host: the credential is sent with every page, so a ``next``
        elsewhere is refused (an error, not a silently shorter list)."""
        url: str | None = self.url(path)
        origin = _origin(self.url(path))
        query: Mapping[str, Any] | None = params
        seen: set[str] = set()
        while url:
            if _origin(url) != origin:
                raise AtsResponseError(
                    f"GET {self.url(path)}: the next page is on another host ({_origin(url)});"
                    " not followed"
                )
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
