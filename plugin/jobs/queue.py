"""The transactional outbox: work for the ATS or a transport, queued in the caller's transaction.

``enqueue`` adds a job to the caller's session; the caller commits it together with the
change that caused it, so the job exists exactly when the change does. The unique ``key``
makes asking twice harmless. ``hireloop worker`` runs the job with the handler registered
for its ``kind`` (``plugin.jobs.registry``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.core.models import utcnow
from plugin.jobs.models import OutboxJob


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
