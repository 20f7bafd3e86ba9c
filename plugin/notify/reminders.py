"""The reminder sweep: reminders to interviewers whose scorecard is late, the escalation to
the loop's recruiters, and the release of messages parked for want of a transport.

- ``notify:{assignment_id}:reminder-{n}``: reminders ``reminder_hours`` after the interview's
  end (default 1 h and 24 h) while the scorecard is open;
- ``notify:{assignment_id}:escalation``: to the loop's recruiters after
  ``escalate_after_hours`` (default 48 h).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plugin.applications.models import Application, ApplicationStatus, Assignment
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.loops import reader
from plugin.notify.outbox import (
    EMAIL_KIND,
    OPEN,
    PARKED,
    SLACK_KIND,
    assignment_key,
    current_config,
    now,
    queue_message,
)
from plugin.notify.queueing import queue_assignment_message
from plugin.notify.settings import NotifySettings, settings_of
from plugin.notify.transports import configured_channels

log = logging.getLogger(__name__)

# Reminders are not started for interviews that ended longer ago than this (an old import).
REMINDER_HORIZON = timedelta(days=14)
# Keys looked up per query (SQLite limits the parameters of one statement).
KEYS_PER_QUERY = 500


def release_parked(session: Session, config: Mapping[str, Any]) -> int:
    """Jobs parked for want of a transport run now that it is configured."""
    kinds = [
        kind
        for kind, channel in ((EMAIL_KIND, "email"), (SLACK_KIND, "slack"))
        if channel in configured_channels(config)
    ]
    if not kinds:
        return 0
    result = session.execute(
        update(OutboxJob)
        .where(
            OutboxJob.kind.in_(kinds),
            OutboxJob.status == JobStatus.PENDING,
            OutboxJob.run_after >= PARKED,
        )
        .values(run_after=now())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def due_kinds(ends_at: datetime, settings: NotifySettings, at: datetime) -> tuple[str | None, bool]:
    """The reminder due now (only the latest one: a sweep that was down for a day does not
    send two at once) and whether the recruiter's escalation is due."""
    elapsed = at - ends_at
    reminder = None
    for index, hours in enumerate(settings.reminder_hours):
        if elapsed >= timedelta(hours=hours):
            reminder = f"reminder-{index + 1}"
    return reminder, elapsed >= timedelta(hours=settings.escalate_after_hours)


def ended_open_assignments(
    session: Session, at: datetime, since: datetime | None = None
) -> Sequence[Any]:
    """Open assignments of active applications whose interview ended before ``at`` (and
    after ``since``), each with its application: the scorecards that may be late."""
    query = (
        select(Assignment, Application)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Assignment.status.in_(OPEN),
            Assignment.interviewer_key != "",
            Assignment.ends_at.is_not(None),
            Assignment.ends_at <= at,
            Application.status == ApplicationStatus.ACTIVE,
            Application.purged_at.is_(None),
        )
        .order_by(Assignment.id)
    )
    if since is not None:
        query = query.where(Assignment.ends_at >= since)
    return session.execute(query).all()


def loop_settings(
    session: Session, application: Application, cache: dict[int, NotifySettings]
) -> NotifySettings:
    """The application's loop's notification settings, read once per loop: applications of
    one loop share them; one without a loop id has its own."""
    key = application.loop_id if application.loop_id is not None else -application.id
    if key not in cache:
        cache[key] = settings_of(reader.loop_of(session, application))
    return cache[key]


def _due_messages(
    session: Session, rows: Sequence[Any], at: datetime
) -> list[tuple[Assignment, str]]:
    """The (assignment, kind) of each reminder and escalation due at ``at``."""
    settings: dict[int, NotifySettings] = {}
    wanted: list[tuple[Assignment, str]] = []
    for assignment, application in rows:
        assert assignment.ends_at is not None
        reminder, escalate = due_kinds(
            assignment.ends_at, loop_settings(session, application, settings), at
        )
        if reminder:
            wanted.append((assignment, reminder))
        if escalate:
            wanted.append((assignment, "escalation"))
    return wanted


def _existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    existing: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        existing.update(session.scalars(select(OutboxJob.key).where(OutboxJob.key.in_(chunk))))
    return existing


def sweep_reminders(session: Session, at: datetime | None = None) -> list[str]:
    """Queue the reminders and escalations that are due; returns the keys queued now."""
    at = at or now()
    rows = ended_open_assignments(session, at, since=at - REMINDER_HORIZON)
    if not rows:
        return []
    wanted = _due_messages(session, rows, at)
    keys = [assignment_key(a.id, kind) for a, kind in wanted]
    existing = _existing_keys(session, keys)
    queued = []
    for (assignment, kind), key in zip(wanted, keys, strict=True):
        if key not in existing:
            queue_assignment_message(session, assignment, kind)
            queued.append(key)
    return queued


def remind_now(session: Session, assignment: Assignment, at: datetime | None = None) -> bool:
    """A recruiter's one-click reminder, sent as the first reminder is. At most one an hour
    per assignment (the key names the hour: a double click queues one); False when one was
    already queued this hour or the scorecard is no longer open."""
    if assignment.status not in OPEN or not assignment.interviewer_key:
        return False
    key = assignment_key(assignment.id, f"reminder-manual-{(at or now()):%Y%m%d%H}")
    if session.scalar(select(OutboxJob.id).where(OutboxJob.key == key)) is not None:
        return False
    payload = {"assignment_id": assignment.id, "kind": "reminder-1", "manual": True}
    queue_message(session, EMAIL_KIND, key, payload, channel="email")
    return True


def reminders_task(session: Session) -> list[str]:
    """The worker's sweep: release parked messages, queue due reminders; commits."""
    release_parked(session, current_config())
    queued = sweep_reminders(session)
    session.commit()
    if queued:
        log.info("reminders queued", extra={"count": len(queued)})
    return queued
