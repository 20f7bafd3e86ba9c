"""Build the ATS client an app's configuration describes.

``client_for(config, "greenhouse")`` gives a Greenhouse client (Harvest v3, or v1 with the
API key only when ``HIRELOOP_GREENHOUSE_API_VERSION=v1``), Lever or Ashby, each on the
shared ``requests.Session``, with the configured timeout and the credential's rate-limit
budget in the database. Clients are cached per configuration so an OAuth token and learned
limits are reused (v3 with a database: one token for every process, ``token_store``).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from typing import Any

import requests

from plugin.ats.ashby import AshbyClient
from plugin.ats.base import AtsClient
from plugin.ats.errors import AtsConfigError
from plugin.ats.greenhouse import (
    GreenhouseV1Client,
    GreenhouseV3Client,
    OAuthClientCredentials,
    basic_auth_header,
)
from plugin.ats.greenhouse.token_store import SharedOAuthToken
from plugin.ats.http import AuthProvider, HttpClient, StaticAuth
from plugin.ats.lever import LeverClient
from plugin.ats.ratelimit import (
    ASHBY_LIMIT,
    GREENHOUSE_V3_WINDOW_SECONDS,
    GREENHOUSE_WINDOW_SECONDS,
    LEVER_LIMIT,
    Budget,
    DatabaseBudget,
    MemoryBudget,
    RateLimit,
    RateLimiter,
)
from plugin.core.config import (
    GREENHOUSE_V1_RETIRED,
    default_of,
    env_name,
    greenhouse_api_version,
    setting,
    text_setting,
)

SUPPORTED = ("greenhouse", "lever", "ashby")
_CACHE: dict[tuple[Any, ...], AtsClient] = {}
_CACHE_LOCK = threading.Lock()


def credential_id(ats: str, secret: str) -> str:
    """A stable, non-secret name for a credential (the budget row's key)."""
    return f"{ats}:{hashlib.sha256(secret.encode()).hexdigest()[:16]}"


def is_configured(config: Mapping[str, Any], ats: str) -> bool:
    """True when the ATS has API credentials (webhook secrets alone do not count)."""
    if ats == "greenhouse":
        return bool(
            text_setting(config, "GREENHOUSE_API_KEY")
            or text_setting(config, "GREENHOUSE_CLIENT_ID")
        )
    if ats == "lever":
        return bool(text_setting(config, "LEVER_API_KEY"))
    if ats == "ashby":
        return bool(text_setting(config, "ASHBY_API_KEY"))
    return False


def _budget(config: Mapping[str, Any]) -> Budget:
    url = text_setting(config, "DATABASE_URL")
    return DatabaseBudget(url) if url else MemoryBudget()


def _float(config: Mapping[str, Any], key: str) -> float:
    """The number, its default when unset or 0 (as these settings were always read)."""
    try:
        return float(setting(config, key) or default_of(key))
    except (TypeError, ValueError):
        raise AtsConfigError(f"{env_name(key)} must be a number, got {config.get(key)!r}") from None


def _http(
    config: Mapping[str, Any],
    ats: str,
    base_url: str,
    auth: AuthProvider,
    credential: str,
    limit: RateLimit,
    session: requests.Session | None,
    window: float | None = None,
) -> HttpClient:
    limiter = RateLimiter(_budget(config), credential, limit, window_seconds=window)
    return HttpClient(
        base_url,
        ats=ats,
        auth=auth,
        limiter=limiter,
        session=session,
        timeout=_float(config, "HTTP_TIMEOUT_SECONDS"),
    )


def _basic_http(
    config: Mapping[str, Any],
    ats: str,
    base_url: str,
    key: str,
    limit: RateLimit,
    session: requests.Session | None,
    window: float | None = None,
) -> HttpClient:
    """An API key as the Basic user name (Greenhouse v1, Lever, Ashby); the key names the
    rate-limit budget."""
    auth = StaticAuth(basic_auth_header(key))
    return _http(config, ats, base_url, auth, credential_id(ats, key), limit, session, window)


def _require(config: Mapping[str, Any], key: str, why: str) -> str:
    value = text_setting(config, key)
    if not value:
        raise AtsConfigError(f"{env_name(key)} is not set: {why}")
    return value


def _greenhouse(config: Mapping[str, Any], session: requests.Session | None) -> AtsClient:
    """Harvest v3 with OAuth client credentials; v1 with the API key only when
    ``HIRELOOP_GREENHOUSE_API_VERSION=v1``."""
    base = _require(config, "GREENHOUSE_API_URL", "the Harvest API's address")
    gh_limit = int(_float(config, "GREENHOUSE_RATE_LIMIT"))
    visibility = setting(config, "GREENHOUSE_NOTE_VISIBILITY") or "public"
    if greenhouse_api_version(config) != "v1":
        client_id = text_setting(config, "GREENHOUSE_CLIENT_ID")
        if not client_id:
            if text_setting(config, "GREENHOUSE_API_KEY"):
                raise AtsConfigError(GREENHOUSE_V1_RETIRED)
            raise AtsConfigError(
                f"{env_name('GREENHOUSE_CLIENT_ID')} is not set: Harvest v3 client credentials"
            )
        limit = RateLimit.per_window(gh_limit, GREENHOUSE_V3_WINDOW_SECONDS)
        http = _greenhouse_v3_http(config, base, client_id, limit, session)
        return GreenhouseV3Client(http, note_visibility=visibility)
    limit = RateLimit.per_window(gh_limit, GREENHOUSE_WINDOW_SECONDS)
    key = _require(config, "GREENHOUSE_API_KEY", "Harvest v1 authenticates with the API key")
    http = _basic_http(config, "greenhouse", base, key, limit, session, GREENHOUSE_WINDOW_SECONDS)
    return GreenhouseV1Client(
        http,
        on_behalf_of=text_setting(config, "GREENHOUSE_ON_BEHALF_OF"),
        note_visibility=visibility,
    )


def _greenhouse_v3_http(
    config: Mapping[str, Any],
    base: str,
    client_id: str,
    limit: RateLimit,
    session: requests.Session | None,
) -> HttpClient:
    """Harvest v3 calls with an OAuth token; the client id names the rate-limit budget and
    the token shared through the database (one per deployment)."""
    secret = _require(config, "GREENHOUSE_CLIENT_SECRET", "Harvest v3 client credentials")
    user_id = _require(config, "GREENHOUSE_USER_ID", "Harvest v3 acts as a user")
    token_url = _require(config, "GREENHOUSE_AUTH_URL", "the OAuth token URL")
    timeout = _float(config, "HTTP_TIMEOUT_SECONDS")
    credential = credential_id("greenhouse", client_id)
    database = text_setting(config, "DATABASE_URL")
    auth: AuthProvider
    if database:
        auth = SharedOAuthToken(
            database, credential, token_url, client_id, secret, user_id,
            session=session, timeout=timeout,
        )  # fmt: skip
    else:
        auth = OAuthClientCredentials(
            token_url, client_id, secret, user_id, session=session, timeout=timeout
        )
    return _http(
        config, "greenhouse", base, auth, credential, limit, session, GREENHOUSE_V3_WINDOW_SECONDS
    )


def _build(config: Mapping[str, Any], ats: str, session: requests.Session | None) -> AtsClient:
    if ats == "greenhouse":
        return _greenhouse(config, session)
    if ats == "lever":
        base = _require(config, "LEVER_API_URL", "the Lever API's address")
        key = _require(config, "LEVER_API_KEY", "Lever authenticates with the API key")
        http = _basic_http(config, ats, base, key, LEVER_LIMIT, session)
        return LeverClient(http, perform_as=text_setting(config, "LEVER_PERFORM_AS"))
    if ats == "ashby":
        base = _require(config, "ASHBY_API_URL", "the Ashby API's address")
        key = _require(config, "ASHBY_API_KEY", "Ashby authenticates with the API key")
        return AshbyClient(_basic_http(config, ats, base, key, ASHBY_LIMIT, session))
    raise AtsConfigError(f"unknown ATS {ats!r}; hireloop speaks {', '.join(SUPPORTED)}")


_KEYS = (
    "DATABASE_URL",
    "HTTP_TIMEOUT_SECONDS",
    "GREENHOUSE_API_URL",
    "GREENHOUSE_AUTH_URL",
    "GREENHOUSE_API_VERSION",
    "GREENHOUSE_API_KEY",
    "GREENHOUSE_CLIENT_ID",
    "GREENHOUSE_CLIENT_SECRET",
    "GREENHOUSE_USER_ID",
    "GREENHOUSE_ON_BEHALF_OF",
    "GREENHOUSE_NOTE_VISIBILITY",
    "GREENHOUSE_RATE_LIMIT",
    "LEVER_API_URL",
    "LEVER_API_KEY",
    "LEVER_PERFORM_AS",
    "ASHBY_API_URL",
    "ASHBY_API_KEY",
)


def client_for(
    config: Mapping[str, Any], ats: str, session: requests.Session | None = None
) -> AtsClient:
    """The client for ``ats`` as configured; AtsConfigError naming the missing variable."""
    if not is_configured(config, ats):
        raise AtsConfigError(f"{ats} has no API credentials configured")
    key = (ats, id(session), *(str(config.get(k)) for k in _KEYS))
    with _CACHE_LOCK:
        client = _CACHE.get(key)
        if client is None:
            client = _build(config, ats, session)
            _CACHE[key] = client
        return client


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()
