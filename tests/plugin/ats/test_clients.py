from __future__ import annotations

import pytest

from plugin.ats.ashby import AshbyClient
from plugin.ats.clients import client_for, credential_id, is_configured
from plugin.ats.errors import AtsConfigError
from plugin.ats.greenhouse import GreenhouseClient, OAuthClientCredentials
from plugin.ats.lever import LeverClient

BASE = {
    "DATABASE_URL": None,
    "HTTP_TIMEOUT_SECONDS": 3,
    "GREENHOUSE_API_URL": "http://gh",
    "GREENHOUSE_AUTH_URL": "http://auth/token",
    "LEVER_API_URL": "http://lever",
    "ASHBY_API_URL": "http://ashby",
}


def test_greenhouse_v1_and_v3_from_config() -> None:
    v1_config = {
        **BASE,
        "GREENHOUSE_API_VERSION": "v1",
        "GREENHOUSE_API_KEY": "k",
        "GREENHOUSE_ON_BEHALF_OF": "7",
    }
    v1 = client_for(v1_config, "greenhouse")
    assert isinstance(v1, GreenhouseClient) and v1.version == "v1" and v1.on_behalf_of == "7"
    assert v1.http.timeout == 3.0
    v3 = client_for(
        {
            **BASE,
            "GREENHOUSE_CLIENT_ID": "c",
            "GREENHOUSE_CLIENT_SECRET": "s",
            "GREENHOUSE_USER_ID": "9",
        },
        "greenhouse",
    )
    assert isinstance(v3, GreenhouseClient) and v3.version == "v3"
    assert isinstance(v3.http.auth, OAuthClientCredentials)
    assert v3.http.auth.token_url == "http://auth/token"
    assert client_for(v1_config, "greenhouse") is client_for(
        dict(v1_config), "greenhouse"
    )  # cached: one token, one limiter


def test_a_v1_key_without_the_explicit_version_names_the_migration() -> None:
    with pytest.raises(AtsConfigError, match=r"Harvest v1 key.*HIRELOOP_GREENHOUSE_API_VERSION=v1"):
        client_for({**BASE, "GREENHOUSE_API_KEY": "k"}, "greenhouse")
    with pytest.raises(AtsConfigError, match="HIRELOOP_GREENHOUSE_API_KEY is not set"):
        client_for(
            {**BASE, "GREENHOUSE_API_VERSION": "v1", "GREENHOUSE_CLIENT_ID": "c"}, "greenhouse"
        )


def test_with_a_database_every_process_shares_one_token(tmp_path) -> None:
    from plugin.ats.greenhouse.token_store import SharedOAuthToken

    config = {
        **BASE,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "GREENHOUSE_CLIENT_ID": "c",
        "GREENHOUSE_CLIENT_SECRET": "s",
        "GREENHOUSE_USER_ID": "9",
    }
    client = client_for(config, "greenhouse")
    assert isinstance(client.http.auth, SharedOAuthToken)
    assert client.http.auth.credential == credential_id("greenhouse", "c")


def test_lever_and_ashby_from_config() -> None:
    lever = client_for({**BASE, "LEVER_API_KEY": "k", "LEVER_PERFORM_AS": "u"}, "lever")
    assert isinstance(lever, LeverClient) and lever.perform_as == "u"
    assert isinstance(client_for({**BASE, "ASHBY_API_KEY": "k"}, "ashby"), AshbyClient)


def test_missing_configuration_names_the_problem() -> None:
    assert not is_configured({"GREENHOUSE_WEBHOOK_SECRET": "x"}, "greenhouse")
    with pytest.raises(AtsConfigError, match="no API credentials"):
        client_for(BASE, "lever")
    with pytest.raises(AtsConfigError, match="HIRELOOP_GREENHOUSE_CLIENT_SECRET"):
        client_for({**BASE, "GREENHOUSE_CLIENT_ID": "c"}, "greenhouse")
    with pytest.raises(AtsConfigError, match="no API credentials"):
        client_for(BASE, "workday")


def test_credential_ids_hide_the_secret() -> None:
    name = credential_id("greenhouse", "secret-key")
    assert name.startswith("greenhouse:") and "secret" not in name


def test_an_empty_visibility_and_a_zero_rate_limit_read_as_their_defaults() -> None:
    # As these settings were read before the settings table: "" is public, 0 is 50 per 10 s.
    config = {
        "GREENHOUSE_API_URL": "http://harvest.test",
        "GREENHOUSE_API_KEY": "key",
        "GREENHOUSE_API_VERSION": "v1",
        "GREENHOUSE_NOTE_VISIBILITY": "",
        "GREENHOUSE_RATE_LIMIT": 0,
    }
    client = client_for(config, "greenhouse")
    assert client.note_visibility == "public"
    default = client_for({**config, "GREENHOUSE_RATE_LIMIT": 50}, "greenhouse")
    assert client.http.limiter is not None and default.http.limiter is not None
    assert client.http.limiter.limit == default.http.limiter.limit
