"""Settings from ``HIRELOOP_*`` environment variables, checked once at start.

Everything the contract names is read with Flask's ``from_prefixed_env``; a test passes a
mapping to ``create_app`` instead. A setting that an enabled part needs and lacks stops the
app at start with the variable's name, rather than failing on the first request.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

PREFIX = "HIRELOOP"

SettingValue = str | int | float | bool | None


@dataclass(frozen=True)
class Setting:
    """One ``HIRELOOP_<key>`` setting: its type and its default (used when it is not set)."""

    key: str
    type: type[str] | type[int] | type[float] | type[bool]
    default: SettingValue = None
    #: Why it has no default, for a setting whose default is worked out at start.
    note: str = ""


#: Every setting hireloop reads, typed and defaulted here and nowhere else. A text setting
#: without a default is ``None`` when unset. (``HIRELOOP_TEST_DATABASE_URL``,
#: ``HIRELOOP_CHROMIUM``, ``HIRELOOP_REQUIRE_BROWSER`` and ``HIRELOOP_SCREENSHOTS`` are
#: read by the tests only.)
SETTINGS: tuple[Setting, ...] = (
    # core
    Setting("DATABASE_URL", str, note="a SQLite file in the instance folder"),
    Setting("SECRET_KEY", str, note="generated once into the instance folder"),
    Setting("PUBLIC_URL", str),
    Setting("FRAMEWORKS_DIR", str),
    Setting("LINK_MAX_AGE_DAYS", float, 30.0),
    Setting("HTTP_TIMEOUT_SECONDS", float, 10.0),
    # Greenhouse
    Setting("GREENHOUSE_WEBHOOK_SECRET", str),
    Setting("GREENHOUSE_API_URL", str, "https://harvest.greenhouse.io"),
    Setting("GREENHOUSE_AUTH_URL", str, "https://auth.greenhouse.io/token"),
    Setting("GREENHOUSE_API_VERSION", str, "v3"),
    Setting("GREENHOUSE_API_KEY", str),
    Setting("GREENHOUSE_CLIENT_ID", str),
    Setting("GREENHOUSE_CLIENT_SECRET", str),
    Setting("GREENHOUSE_USER_ID", str),
    Setting("GREENHOUSE_ON_BEHALF_OF", str),
    Setting("GREENHOUSE_RATE_LIMIT", int, 50),
    Setting("GREENHOUSE_NOTE_VISIBILITY", str, "public"),
    Setting("GREENHOUSE_VERDICT_FIELD", str),
    Setting("GREENHOUSE_VERDICT_TAG", str),
    Setting("GREENHOUSE_DEVELOPMENT_PLAN_NOTE", bool, False),
    # Lever
    Setting("LEVER_SIGNATURE_TOKEN", str),
    Setting("LEVER_API_URL", str, "https://api.lever.co/v1"),
    Setting("LEVER_API_KEY", str),
    Setting("LEVER_PERFORM_AS", str),
    Setting("WEBHOOK_REPLAY_WINDOW_HOURS", float, 24.0),
    Setting("INBOX_RETENTION_DAYS", float, 30.0),
    # Ashby
    Setting("ASHBY_WEBHOOK_SECRET", str),
    Setting("ASHBY_API_URL", str, "https://api.ashbyhq.com"),
    Setting("ASHBY_API_KEY", str),
    # worker
    Setting("OUTBOX_LEASE_SECONDS", float, 30.0),
    Setting("OUTBOX_POLL_SECONDS", float, 1.0),
    Setting("OUTBOX_BACKOFF_SECONDS", float, 5.0),
    Setting("OUTBOX_BACKOFF_MAX_SECONDS", float, 3600.0),
    Setting("IMPORT_SWEEP_SECONDS", float, 900.0),
    Setting("REMINDERS_SECONDS", float, 60.0),
    Setting("INTERVIEW_SWEEP_SECONDS", float, 300.0),
    Setting("WEBHOOK_HANDLING", str, "worker"),
    Setting("INBOX_POLL_SECONDS", float, 0.05),
    Setting("WORKER_NICE", int, 10),
    # messages
    Setting("SMTP_HOST", str),
    Setting("SMTP_PORT", int, 587),
    Setting("SMTP_USERNAME", str),
    Setting("SMTP_PASSWORD", str),
    Setting("SMTP_FROM", str),
    Setting("SMTP_STARTTLS", bool, True),
    Setting("SMTP_CA_FILE", str),
    Setting("SLACK_WEBHOOK_URL", str),
)
SETTING = {setting.key: setting for setting in SETTINGS}
#: What an unset setting is before ``load_config`` works out the computed ones.
DEFAULTS: dict[str, SettingValue] = {setting.key: setting.default for setting in SETTINGS}
WEBHOOK_HANDLING_MODES = ("worker", "inline")
GREENHOUSE_API_VERSIONS = ("v3", "v1")
#: Why a v1 key alone no longer starts hireloop (one line: the operator reads it at start).
GREENHOUSE_V1_RETIRED = (
    "HIRELOOP_GREENHOUSE_API_KEY is a Harvest v1 key and Greenhouse ended v1 on 31 August"
    " 2026: migrate to Harvest v3 (HIRELOOP_GREENHOUSE_CLIENT_ID, _CLIENT_SECRET, _USER_ID;"
    " docs/greenhouse.md), or set HIRELOOP_GREENHOUSE_API_VERSION=v1 to keep using v1"
)
#: Checked at start to be positive numbers (the others are checked by the part using them).
POSITIVE_NUMBERS = (
    "LINK_MAX_AGE_DAYS",
    "SMTP_PORT",
    "WEBHOOK_REPLAY_WINDOW_HOURS",
    "HTTP_TIMEOUT_SECONDS",
    "INBOX_POLL_SECONDS",
    "INBOX_RETENTION_DAYS",
)


class ConfigError(RuntimeError):
    """A required setting is missing or malformed; the message names the variable, and
    ``problems`` holds one line per setting (the CLI prints those)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


def env_name(key: str) -> str:
    return f"{PREFIX}_{key}"


def text_setting(config: Mapping[str, Any], key: str) -> str | None:
    """A setting as text. ``from_prefixed_env`` turns "123" into 123; secrets stay strings."""
    value = config.get(key)
    if value is None or value == "":
        return None
    return str(value)


def secrets_setting(config: Mapping[str, Any], key: str) -> list[str]:
    """Comma-separated secrets, the first current, the rest still accepted during rotation."""
    value = text_setting(config, key)
    return [part.strip() for part in value.split(",") if part.strip()] if value else []


def enabled_ats(config: Mapping[str, Any]) -> list[str]:
    """An ATS is enabled once it has API credentials or a webhook secret."""
    enabled = []
    if any(
        text_setting(config, k)
        for k in ("GREENHOUSE_API_KEY", "GREENHOUSE_CLIENT_ID", "GREENHOUSE_WEBHOOK_SECRET")
    ):
        enabled.append("greenhouse")
    if any(text_setting(config, k) for k in ("LEVER_API_KEY", "LEVER_SIGNATURE_TOKEN")):
        enabled.append("lever")
    if any(text_setting(config, k) for k in ("ASHBY_API_KEY", "ASHBY_WEBHOOK_SECRET")):
        enabled.append("ashby")
    return enabled


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(PREFIX)
    if overrides:
        app.config.from_mapping(overrides)
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'hireloop.db'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    # Checked as given, so an error quotes the value as it was set; then typed.
    validate(app.config)
    for setting in SETTINGS:
        app.config[setting.key] = typed(setting, app.config[setting.key])


def typed(setting: Setting, value: Any) -> Any:
    """``value`` as the setting's type, read as the parts reading it always have: text is
    ``None`` when empty (``from_prefixed_env`` makes "123" a number: back to text); an
    empty or ``None`` number is the default; a flag is off for 0/false/no/off or empty. A
    number that does not parse is left as it is, for the part using it to report."""
    if setting.type is str:
        # "false" arrives as False from from_prefixed_env: a text setting switched off.
        return None if value is None or value == "" or value is False else str(value)
    if setting.type is bool:
        if isinstance(value, str):
            return value.strip().lower() not in ("0", "false", "no", "off", "")
        return bool(value)
    if value is None or value == "":
        return setting.default
    try:
        return setting.type(value)
    except (TypeError, ValueError):
        return value


def default_of(key: str) -> Any:
    """The setting's default, where a part needs it without a config at hand."""
    return SETTING[key].default


def setting(config: Mapping[str, Any], key: str) -> Any:
    """One setting, typed, from a loaded config or from a plain mapping (a test's, or ``{}``
    outside an app): its default when the mapping lacks it."""
    spec = SETTING[key]
    return typed(spec, config.get(key, spec.default))


def _instance_secret(instance: Path) -> str:
    """With no HIRELOOP_SECRET_KEY, keep one in the instance folder so links survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def greenhouse_api_version(config: Mapping[str, Any]) -> str:
    """``v3`` unless ``HIRELOOP_GREENHOUSE_API_VERSION`` says ``v1``."""
    return (text_setting(config, "GREENHOUSE_API_VERSION") or "v3").strip().lower()


def _greenhouse_api_problems(config: Mapping[str, Any]) -> list[str]:
    version = greenhouse_api_version(config)
    if version not in GREENHOUSE_API_VERSIONS:
        return [
            f"{env_name('GREENHOUSE_API_VERSION')} must be v3 (the default) or v1,"
            f" got {config.get('GREENHOUSE_API_VERSION')!r}"
        ]
    problems: list[str] = []
    if version == "v1":
        if text_setting(config, "GREENHOUSE_API_KEY"):
            if not text_setting(config, "GREENHOUSE_ON_BEHALF_OF"):
                problems.append(
                    f"{env_name('GREENHOUSE_ON_BEHALF_OF')} is required:"
                    " Harvest v1 writes need a Greenhouse user id"
                )
        elif text_setting(config, "GREENHOUSE_CLIENT_ID"):
            problems.append(
                f"{env_name('GREENHOUSE_API_KEY')} is required: HIRELOOP_GREENHOUSE_API_VERSION"
                " is v1, which authenticates with an API key (unset it to use v3)"
            )
        return problems
    if text_setting(config, "GREENHOUSE_API_KEY"):
        return [GREENHOUSE_V1_RETIRED]
    if text_setting(config, "GREENHOUSE_CLIENT_ID"):
        for key, why in (
            ("GREENHOUSE_CLIENT_SECRET", "Harvest v3 authenticates with client credentials"),
            ("GREENHOUSE_USER_ID", "Harvest v3 writes on behalf of a Greenhouse user"),
        ):
            if not text_setting(config, key):
                problems.append(f"{env_name(key)} is required: {why}")
    return problems


def validate(config: Mapping[str, Any]) -> None:
    problems: list[str] = []

    def require(key: str, why: str) -> None:
        if not text_setting(config, key):
            problems.append(f"{env_name(key)} is required: {why}")

    enabled = enabled_ats(config)
    if "greenhouse" in enabled:
        require("GREENHOUSE_WEBHOOK_SECRET", "Greenhouse is enabled and its webhooks are signed")
        problems.extend(_greenhouse_api_problems(config))
    if "lever" in enabled:
        require("LEVER_SIGNATURE_TOKEN", "Lever is enabled and its webhooks are signed")
    if "ashby" in enabled:
        require("ASHBY_WEBHOOK_SECRET", "Ashby is enabled and its webhooks are signed")
    if enabled or text_setting(config, "SMTP_HOST") or text_setting(config, "SLACK_WEBHOOK_URL"):
        require("PUBLIC_URL", "links in notes and messages are built from it")
    if text_setting(config, "SMTP_HOST"):
        require("SMTP_FROM", "messages need a From address")
    for key in POSITIVE_NUMBERS:
        try:
            if float(config[key]) <= 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{env_name(key)} must be a positive number, got {config[key]!r}")
    try:
        if not 0 <= int(config["WORKER_NICE"]) <= 19:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(
            f"{env_name('WORKER_NICE')} must be a whole number from 0 to 19,"
            f" got {config['WORKER_NICE']!r}"
        )
    if config["WEBHOOK_HANDLING"] not in WEBHOOK_HANDLING_MODES:
        problems.append(
            f"{env_name('WEBHOOK_HANDLING')} must be one of {', '.join(WEBHOOK_HANDLING_MODES)},"
            f" got {config['WEBHOOK_HANDLING']!r}"
        )
    if problems == [GREENHOUSE_V1_RETIRED]:
        raise ConfigError(f"hireloop cannot start: {GREENHOUSE_V1_RETIRED}")
    if problems:
        raise ConfigError("hireloop cannot start:\n  " + "\n  ".join(problems), problems)
