"""Greenhouse Harvest credentials: v1's API key as a Basic user name, v3's OAuth token."""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from plugin.ats.answers import error_message, request_id_of
from plugin.ats.errors import AtsConnectionError, AtsResponseError, AtsTimeout, error_for_status
from plugin.ats.http import shared_session

log = logging.getLogger("hireloop.ats.greenhouse")

DEFAULT_TOKEN_LIFETIME = 3600.0  # seconds, when the token answer gives no usable expires_in


def basic_auth_header(key: str) -> dict[str, str]:
    """An API key as the Basic user name with an empty password (Harvest v1, Lever, Ashby)."""
    token = base64.b64encode(f"{key}:".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _lifetime(body: Any) -> float:
    try:
        return float(body.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
    except (TypeError, ValueError):
        return DEFAULT_TOKEN_LIFETIME


class OAuthClientCredentials:
    """Harvest v3 token: client credentials at the token URL, ``sub`` = the acting user.

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
        response = self._ask_for_token()
        try:
            body = response.json()
            token = str(body["access_token"])
        except (ValueError, KeyError, TypeError):
            raise AtsResponseError(
                f"POST {self.token_url}: no access_token in the answer", response.status_code
            ) from None
        lifetime = _lifetime(body)
        self._token = token
        self._expires_at = self.clock() + lifetime
        self.tokens_fetched += 1
        log.info("greenhouse: new v3 access token, valid %.0f s", lifetime)

    def _ask_for_token(self) -> requests.Response:
        """The token endpoint's 2xx answer, or the AtsError its failure maps to."""
        try:
            response = self.session.post(
                self.token_url,
                auth=(self.client_id, self.client_secret),
                data={"grant_type": "client_credentials", "sub": self.user_id},
                headers={"Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.exceptions.Timeout as exc:
            raise AtsTimeout(
                f"POST {self.token_url}: no token within {self.timeout:g} s: {exc}"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise AtsConnectionError(f"POST {self.token_url}: {exc}") from None
        if response.status_code >= 400:
            raise error_for_status(
                response.status_code, error_message(response), request_id_of(response)
            )
        return response
