"""Who is told and when, from the loop document: ``settings.reminder_hours``,
``settings.escalate_after_hours`` and the optional
``notify: {hiring_managers: [...], recruiters: [...]}``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plugin.loops import reader
from plugin.loops.models import Loop

DEFAULT_REMINDER_HOURS: tuple[float, ...] = (1, 24)
DEFAULT_ESCALATE_AFTER_HOURS = 48.0


@dataclass(frozen=True)
class NotifySettings:
    reminder_hours: tuple[float, ...] = DEFAULT_REMINDER_HOURS
    escalate_after_hours: float = DEFAULT_ESCALATE_AFTER_HOURS
    hiring_managers: tuple[str, ...] = ()
    recruiters: tuple[str, ...] = ()


def _emails(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(str(v).strip() for v in value if isinstance(v, str) and "@" in v)


def _hours(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _section(definition: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = definition.get(name) or {}
    return section if isinstance(section, Mapping) else {}


def notify_settings(definition: Mapping[str, Any] | None) -> NotifySettings:
    """The notify-specific view of a loop document (defaults for what it does not say)."""
    definition = definition or {}
    settings = _section(definition, "settings")
    notify = _section(definition, "notify")
    raw_hours = settings.get("reminder_hours", list(DEFAULT_REMINDER_HOURS))
    hours = (
        tuple(sorted(_hours(h, 1) for h in raw_hours))
        if isinstance(raw_hours, list)
        else DEFAULT_REMINDER_HOURS
    )
    return NotifySettings(
        reminder_hours=hours,
        escalate_after_hours=_hours(
            settings.get("escalate_after_hours"), DEFAULT_ESCALATE_AFTER_HOURS
        ),
        hiring_managers=_emails(notify.get("hiring_managers")),
        recruiters=_emails(notify.get("recruiters")),
    )


def settings_of(loop: Loop | None) -> NotifySettings:
    """The loop's notify settings; the defaults (and nobody to tell) without a loop."""
    return notify_settings(reader.document(loop))
