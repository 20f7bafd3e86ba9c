"""Greenhouse Harvest credentials: v1's API key as a Basic user name, v3's OAuth token."""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from plugin.ats.answers import error_message, request_id_of
from plugin.ats.errors import (
    AtsAuthError,
    AtsConnectionError,
    AtsError,
    AtsResponseError,
    AtsTimeout,
    error_for_status,
)
from plugin.ats.http import shared_session
from plugin.ats.values import parse_timestamp

log = logging.getLogger("hireloop.ats.greenhouse")

DEFAULT_TOKEN_LIFETIME = 3600.0  # seconds, when the token answer gives no usable expires_in


def basic_auth_header(key: str) -> dict[str, str]:
    """An API key as the Basic user name with an empty password (Harvest v1, Lever, Ashby)."""
    token = base64.b64encode(f"{key}:".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def token_lifetime(body: Any, now: float) -> float:
    """Seconds the token answer says the token lives: ``expires_in`` (seconds, the OpenAPI
    example) or ``expires_at`` (a timestamp, what working clients read); 3600 otherwise."""
    if not isinstance(body, Mapping):
        return DEFAULT_TOKEN_LIFETIME
    try:
        if body.get("expires_in") not in (None, ""):
            return max(float(body["expires_in"]), 0.0)
    except (TypeError, ValueError):
        pass
    expires_at = parse_timestamp(body.get("expires_at"))
    if expires_at is not None:
        return max(expires_at.timestamp() - now, 0.0)
    return DEFAULT_TOKEN_LIFETIME


def _refusal(response: requests.Response) -> AtsError:
    """The token endpoint's refusal in words an operator can act on. Its own message is
    not quoted: for a malformed client id it echoes the id."""
    code = ""
    try:
        body = response.json()
        if isinstance(body, Mapping) and isinstance(body.get("error"), str):
            code = f" ({body['error'][:60]})"
    except ValueError:
        pass
    status = response.status_code
    if status in (400, 401, 403):
        message = (
            f"the Greenhouse token endpoint refused the client credentials{code}: check "
            "HIRELOOP_GREENHOUSE_CLIENT_ID, _CLIENT_SECRET and _USER_ID"
        )
        return AtsAuthError(message, status, request_id_of(response))
    return error_for_status(status, error_message(response), request_id_of(response))


def mint_token(
    session: requests.Session,
    token_url: str,
    client_id: str,
    client_secret: str,
    user_id: str,
    *,
    timeout: float,
    now: float,
) -> tuple[str, float]:
    """Ask the token endpoint for a token: the token and its lifetime in seconds."""
    try:
        response = session.post(
            token_url,
            auth=(client_id, client_secret),
            data={"grant_type": "client_credentials", "sub": user_id},
            headers={"Accept": "application/json"},
            timeout=timeout,
        )
    except requests.exceptions.Timeout as exc:
        raise AtsTimeout(f"POST {token_url}: no token within {timeout:g} s: {exc}") from None
    except requests.exceptions.RequestException as exc:
        raise AtsConnectionError(f"POST {token_url}: {exc}") from None
    if response.status_code >= 400:
        raise _refusal(response)
    try:
        body = response.json()
        token = str(body["access_token"])
    except (ValueError, KeyError, TypeError):
        raise AtsResponseError(
            f"POST {token_url}: no access_token in the answer", response.status_code
        ) from None
    return token, token_lifetime(body, now)


class OAuthClientCredentials:
    """Harvest v3 token kept in this process (no database: tests, one-off scripts); a
    deployment shares one token through the database (``token_store.SharedOAuthToken``).

    The token is renewed ``margin`` seconds before it expires, and once more after a 401.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        user_id: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
        margin: float = 60.0,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.user_id = user_id
        self.session = session or shared_session()
        self.timeout = timeout
        self.clock = clock
        self.margin = margin
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.tokens_fetched = 0

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or self.clock() >= self._expires_at - self.margin:
                self._fetch()
            return {"Authorization": f"Bearer {self._token}"}

    def invalidate(self) -> bool:
        with self._lock:
            self._token = None
        return True

    def _fetch(self) -> None:
        token, lifetime = mint_token(
            self.session,
            self.token_url,
            self.client_id,
            self.client_secret,
            self.user_id,
            timeout=self.timeout,
            now=self.clock(),
        )
        self._token = token
        self._expires_at = self.clock() + lifetime
        self.tokens_fetched += 1
        log.info("greenhouse: new v3 access token, valid %.0f s", lifetime)
