"""The worker's tuning: the ``HIRELOOP_OUTBOX_*`` settings and ``HIRELOOP_INBOX_POLL_SECONDS``
(typed and defaulted in ``plugin.core.config``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plugin.core.config import SETTING, env_name, setting

#: The longest lease: a dead worker's job is taken over within a minute.
MAX_LEASE_SECONDS = 60.0


def _default(key: str) -> float:
    return float(SETTING[key].default or 0)


def positive_number(config: Mapping[str, Any], key: str) -> float:
    """The setting as a positive number (its default when unset); a ``RuntimeError`` naming
    the variable when it is not one."""
    value = config.get(key)
    try:
        result = float(setting(config, key))
    except (TypeError, ValueError):
        raise RuntimeError(f"{env_name(key)} must be a number, got {value!r}") from None
    if result <= 0:
        raise RuntimeError(f"{env_name(key)} must be positive, got {value!r}")
    return result


@dataclass(frozen=True)
class WorkerSettings:
    lease_seconds: float = _default("OUTBOX_LEASE_SECONDS")
    poll_seconds: float = _default("OUTBOX_POLL_SECONDS")
    inbox_poll_seconds: float = _default("INBOX_POLL_SECONDS")
    backoff_seconds: float = _default("OUTBOX_BACKOFF_SECONDS")
    backoff_max_seconds: float = _default("OUTBOX_BACKOFF_MAX_SECONDS")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WorkerSettings:
        return cls(
            lease_seconds=min(positive_number(config, "OUTBOX_LEASE_SECONDS"), MAX_LEASE_SECONDS),
            poll_seconds=positive_number(config, "OUTBOX_POLL_SECONDS"),
            inbox_poll_seconds=positive_number(config, "INBOX_POLL_SECONDS"),
            backoff_seconds=positive_number(config, "OUTBOX_BACKOFF_SECONDS"),
            backoff_max_seconds=positive_number(config, "OUTBOX_BACKOFF_MAX_SECONDS"),
        )
