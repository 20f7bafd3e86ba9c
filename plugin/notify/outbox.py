"""Notification jobs in the outbox: their kinds and keys, the clock, and parking.

Every message is one outbox job with a unique key, queued in the transaction of the change
that caused it (see ``queueing``). With no transport configured a job waits: pending, but
parked far in the future (never claimed, never dead) until a transport appears.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from plugin.applications.models import AssignmentStatus
from plugin.core.models import utcnow
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.jobs.queue import enqueue
from plugin.notify.transports import configured_channels, message_id_domain

EMAIL_KIND = "notify"
SLACK_KIND = "notify.slack"
KINDS = ("link", "reminder-1", "reminder-2", "escalation")
OPEN = AssignmentStatus.open()
# A job that waits for a transport: pending, but not before this moment (never claimed).
PARKED = datetime(9000, 1, 1, tzinfo=UTC)

#: Tests replace it to move time forward; everything in ``plugin.notify`` reads ``now()``.
clock: Callable[[], datetime] = utcnow


def now() -> datetime:
    return clock()


def current_config() -> Mapping[str, Any]:
    return current_app.config if has_app_context() else {}


def assignment_key(assignment_id: int, kind: str) -> str:
    return f"notify:{assignment_id}:{kind}"


def verdict_key(application_id: int, fingerprint: str) -> str:
    return f"notify-hm:{application_id}:{fingerprint}"


def message_id(key: str, config: Mapping[str, Any]) -> str:
    """The same Message-ID for every attempt of one message (one outbox key)."""
    local = re.sub(r"[^A-Za-z0-9.-]+", ".", key).strip(".")
    return f"<hireloop.{local}@{message_id_domain(config.get('SMTP_FROM'))}>"


def is_ready(channel: str) -> bool:
    """Whether the channel's transport (``email``, ``slack``) is configured."""
    return channel in configured_channels(current_config())


def queue_message(
    session: Session,
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    channel: str,
    at: datetime | None = None,
) -> OutboxJob:
    """Queue one message; with its transport not configured it is parked (waits, listed)."""
    return enqueue(
        session, kind, key, payload, run_after=(at or now()) if is_ready(channel) else PARKED
    )


def park(job: OutboxJob) -> None:
    job.status = JobStatus.PENDING
    job.run_after = PARKED
    job.locked_by = None
    job.lease_expires_at = None
    job.last_error = "waiting: no transport configured"
