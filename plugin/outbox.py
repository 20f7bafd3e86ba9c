"""The transactional outbox: work for the ATS or a transport, queued in the caller's transaction.

``enqueue`` adds a job to the caller's session; the caller commits it together with the
change that caused it, so the job exists exactly when the change does. The unique ``key``
makes asking twice harmless. Handlers are registered per ``kind`` and run by
``hireloop worker``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models import OutboxJob, utcnow

Handler = Callable[..., Any]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that performs jobs of one kind."""

    def register(function: Handler) -> Handler:
        if kind in HANDLERS and HANDLERS[kind] is not function:
            raise RuntimeError(f"two handlers for outbox kind {kind!r}")
        HANDLERS[kind] = function
        return function

    return register


def enqueue(
    session: Session,
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    run_after: datetime | None = None,
    max_attempts: int | None = None,
) -> OutboxJob:
    """Queue a job unless one with the same key exists; returns the job either way.

    Not committed here: the caller's transaction decides whether the job exists.
    """
    with session.no_autoflush:
        existing = session.scalar(select(OutboxJob).where(OutboxJob.key == key))
    if existing is not None:
        return existing
    for pending in session.new:
        if isinstance(pending, OutboxJob) and pending.key == key:
            return pending
    job = OutboxJob(kind=kind, key=key, payload=payload, run_after=run_after or utcnow())
    if max_attempts is not None:
        job.max_attempts = max_attempts
    session.add(job)
    return job


PeriodicTask = Callable[..., Any]
PERIODIC: dict[str, tuple[float, PeriodicTask]] = {}


def periodic(name: str, every_seconds: float) -> Callable[[PeriodicTask], PeriodicTask]:
    """Register a sweep the worker runs about every ``every_seconds`` (reminders, imports).

    A sweep only queues outbox jobs; it must be safe to run on several workers at once.
    """

    def register(function: PeriodicTask) -> PeriodicTask:
        PERIODIC[name] = (every_seconds, function)
        return function

    return register
