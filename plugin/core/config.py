"""Settings from ``HIRELOOP_*`` environment variables, checked once at start.

Everything the contract names is read with Flask's ``from_prefixed_env``; a test passes a
mapping to ``create_app`` instead. A setting that an enabled part needs and lacks stops the
app at start with the variable's name, rather than failing on the first request.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

PREFIX = "HIRELOOP"

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # SQLite file in the instance folder
    "PUBLIC_URL": None,
    "FRAMEWORKS_DIR": None,
    "LINK_MAX_AGE_DAYS": 30,
    "GREENHOUSE_WEBHOOK_SECRET": None,
    "GREENHOUSE_API_URL": "https://harvest.greenhouse.io",
    "GREENHOUSE_AUTH_URL": "https://auth.greenhouse.io/token",
    "GREENHOUSE_API_KEY": None,
    "GREENHOUSE_CLIENT_ID": None,
    "GREENHOUSE_CLIENT_SECRET": None,
    "GREENHOUSE_USER_ID": None,
    "GREENHOUSE_ON_BEHALF_OF": None,
    "LEVER_SIGNATURE_TOKEN": None,
    "LEVER_API_URL": "https://api.lever.co/v1",
    "LEVER_API_KEY": None,
    "LEVER_PERFORM_AS": None,
    "ASHBY_WEBHOOK_SECRET": None,
    "ASHBY_API_URL": "https://api.ashbyhq.com",
    "ASHBY_API_KEY": None,
    "WEBHOOK_REPLAY_WINDOW_HOURS": 24,
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_FROM": None,
    "SMTP_STARTTLS": True,
    "SLACK_WEBHOOK_URL": None,
    "HTTP_TIMEOUT_SECONDS": 10.0,
    "WEBHOOK_HANDLING": "worker",
    "INBOX_POLL_SECONDS": 0.05,
    "WORKER_NICE": 10,
}
WEBHOOK_HANDLING_MODES = ("worker", "inline")


class ConfigError(RuntimeError):
    """A required setting is missing or malformed; the message names the variable."""


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
    validate(app.config)


def _instance_secret(instance: Path) -> str:
    """With no HIRELOOP_SECRET_KEY, keep one in the instance folder so links survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def validate(config: Mapping[str, Any]) -> None:
    problems: list[str] = []

    def require(key: str, why: str) -> None:
        if not text_setting(config, key):
            problems.append(f"{env_name(key)} is required: {why}")

    enabled = enabled_ats(config)
    if "greenhouse" in enabled:
        require("GREENHOUSE_WEBHOOK_SECRET", "Greenhouse is enabled and its webhooks are signed")
        if text_setting(config, "GREENHOUSE_CLIENT_ID"):
            require("GREENHOUSE_CLIENT_SECRET", "Harvest v3 authenticates with client credentials")
            require("GREENHOUSE_USER_ID", "Harvest v3 writes on behalf of a Greenhouse user")
        elif text_setting(config, "GREENHOUSE_API_KEY"):
            require("GREENHOUSE_ON_BEHALF_OF", "Harvest v1 writes need a Greenhouse user id")
    if "lever" in enabled:
        require("LEVER_SIGNATURE_TOKEN", "Lever is enabled and its webhooks are signed")
    if "ashby" in enabled:
        require("ASHBY_WEBHOOK_SECRET", "Ashby is enabled and its webhooks are signed")
    if enabled or text_setting(config, "SMTP_HOST") or text_setting(config, "SLACK_WEBHOOK_URL"):
        require("PUBLIC_URL", "links in notes and messages are built from it")
    if text_setting(config, "SMTP_HOST"):
        require("SMTP_FROM", "messages need a From address")
    for key in (
        "LINK_MAX_AGE_DAYS",
        "SMTP_PORT",
        "WEBHOOK_REPLAY_WINDOW_HOURS",
        "HTTP_TIMEOUT_SECONDS",
        "INBOX_POLL_SECONDS",
    ):
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
    if problems:
        raise ConfigError("hireloop cannot start:\n  " + "\n  ".join(problems))
