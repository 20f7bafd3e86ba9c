from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from plugin import create_app
from plugin.core.config import (
    PREFIX,
    SETTING,
    SETTINGS,
    ConfigError,
    enabled_ats,
    load_config,
    secrets_setting,
    setting,
)
from tests.conftest import ROOT, app_config


def test_defaults_to_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    app = Flask("x", instance_path=str(tmp_path / "instance"))
    load_config(app, {})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'hireloop.db'}"
    key = app.config["SECRET_KEY"]
    assert len(key) > 40
    load_config(app, {"SECRET_KEY": None})
    assert app.config["SECRET_KEY"] == key  # kept, so links survive restarts


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        (
            {"GREENHOUSE_API_KEY": "k", "GREENHOUSE_ON_BEHALF_OF": "1"},
            "HIRELOOP_GREENHOUSE_WEBHOOK_SECRET",
        ),
        (
            {
                "GREENHOUSE_API_VERSION": "v1",
                "GREENHOUSE_API_KEY": "k",
                "GREENHOUSE_WEBHOOK_SECRET": "s",
            },
            "HIRELOOP_GREENHOUSE_ON_BEHALF_OF",
        ),
        (
            {"GREENHOUSE_API_VERSION": "v2", "GREENHOUSE_WEBHOOK_SECRET": "s"},
            "HIRELOOP_GREENHOUSE_API_VERSION must be v3",
        ),
        (
            {
                "GREENHOUSE_CLIENT_ID": "c",
                "GREENHOUSE_CLIENT_SECRET": "x",
                "GREENHOUSE_WEBHOOK_SECRET": "s",
            },
            "HIRELOOP_GREENHOUSE_USER_ID",
        ),
        (
            {"GREENHOUSE_CLIENT_ID": "c", "GREENHOUSE_WEBHOOK_SECRET": "s"},
            "HIRELOOP_GREENHOUSE_CLIENT_SECRET",
        ),
        ({"LEVER_API_KEY": "k"}, "HIRELOOP_LEVER_SIGNATURE_TOKEN"),
        ({"ASHBY_API_KEY": "k"}, "HIRELOOP_ASHBY_WEBHOOK_SECRET"),
        ({"SMTP_HOST": "mail.example.com", "PUBLIC_URL": None}, "HIRELOOP_PUBLIC_URL"),
        ({"SMTP_HOST": "mail.example.com"}, "HIRELOOP_SMTP_FROM"),
        ({"LINK_MAX_AGE_DAYS": "soon"}, "HIRELOOP_LINK_MAX_AGE_DAYS"),
        ({"INBOX_POLL_SECONDS": "0"}, "HIRELOOP_INBOX_POLL_SECONDS"),
        ({"WORKER_NICE": "-5"}, "HIRELOOP_WORKER_NICE must be a whole number from 0 to 19"),
        ({"WEBHOOK_HANDLING": "background"}, "HIRELOOP_WEBHOOK_HANDLING must be one of worker"),
    ],
)
def test_missing_settings_fail_at_start_naming_the_variable(
    database_url: str, settings: dict[str, str | None], variable: str
) -> None:

    with pytest.raises(ConfigError, match=variable):
        create_app(app_config(database_url, **settings))


def test_a_v1_key_without_the_explicit_version_stops_the_start_in_one_line(
    database_url: str,
) -> None:
    settings = {
        "GREENHOUSE_API_KEY": "k",
        "GREENHOUSE_ON_BEHALF_OF": "1",
        "GREENHOUSE_WEBHOOK_SECRET": "s",
    }
    with pytest.raises(ConfigError) as raised:
        create_app(app_config(database_url, **settings))
    message = str(raised.value)
    assert "\n" not in message
    assert "migrate to Harvest v3" in message
    assert "HIRELOOP_GREENHOUSE_API_VERSION=v1" in message
    app = create_app(app_config(database_url, GREENHOUSE_API_VERSION="v1", **settings))
    assert app.config["GREENHOUSE_API_VERSION"] == "v1"


def test_environment_variables_are_read(
    monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., Flask]
) -> None:
    monkeypatch.setenv("HIRELOOP_LEVER_SIGNATURE_TOKEN", "123456")
    monkeypatch.setenv("HIRELOOP_LINK_MAX_AGE_DAYS", "7")
    app = make_app()
    # from_prefixed_env parses JSON: a numeric secret must still be used as text
    assert secrets_setting(app.config, "LEVER_SIGNATURE_TOKEN") == ["123456"]
    assert app.config["LINK_MAX_AGE_DAYS"] == 7
    assert enabled_ats(app.config) == ["lever"]


def test_several_secrets_for_rotation() -> None:
    config = {"GREENHOUSE_WEBHOOK_SECRET": "new-secret, old-secret"}
    assert secrets_setting(config, "GREENHOUSE_WEBHOOK_SECRET") == ["new-secret", "old-secret"]


def test_broken_frameworks_dir_fails_at_start(database_url: str, tmp_path: Path) -> None:

    (tmp_path / "eng.yaml").write_text("id: eng\nname: Engineering\n")
    with pytest.raises(RuntimeError, match=r"eng\.yaml.*missing field 'version'"):
        create_app(app_config(database_url, FRAMEWORKS_DIR=str(tmp_path)))


def test_every_setting_is_set_with_its_type_after_load(tmp_path: Path) -> None:
    app = Flask("x", instance_path=str(tmp_path / "instance"))
    # As from_prefixed_env reads them: numbers parsed from JSON, or text.
    load_config(app, {"GREENHOUSE_ON_BEHALF_OF": 4001, "SMTP_PORT": "2525", "SMTP_STARTTLS": "off"})
    for each in SETTINGS:
        value = app.config[each.key]
        assert value is None or isinstance(value, each.type), each.key
    assert app.config["GREENHOUSE_ON_BEHALF_OF"] == "4001"
    assert app.config["SMTP_PORT"] == 2525
    assert app.config["SMTP_STARTTLS"] is False
    assert app.config["OUTBOX_LEASE_SECONDS"] == 30.0
    assert app.config["GREENHOUSE_NOTE_VISIBILITY"] == "public"


def test_the_documented_settings_are_the_typed_ones() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(rf"^\| `{PREFIX}_([A-Z0-9_]+)`", docs, re.MULTILINE))
    only_for_tests = {"TEST_DATABASE_URL", "REQUIRE_BROWSER", "CHROMIUM", "SCREENSHOTS"}
    assert documented - only_for_tests == set(SETTING)


def test_a_setting_from_a_plain_mapping_is_typed_with_its_default() -> None:
    assert setting({}, "HTTP_TIMEOUT_SECONDS") == 10.0
    assert setting({}, "SMTP_STARTTLS") is True
    assert setting({"SMTP_STARTTLS": "no"}, "SMTP_STARTTLS") is False
    assert setting({"SMTP_PORT": "2525"}, "SMTP_PORT") == 2525
    assert setting({"GREENHOUSE_USER_ID": 7}, "GREENHOUSE_USER_ID") == "7"


def test_an_empty_or_false_text_setting_is_unset() -> None:
    # "HIRELOOP_GREENHOUSE_VERDICT_TAG=false" arrives as False (from_prefixed_env): off.
    assert setting({"GREENHOUSE_VERDICT_TAG": False}, "GREENHOUSE_VERDICT_TAG") is None
    assert setting({"SMTP_HOST": ""}, "SMTP_HOST") is None
