"""The worker's side of the outbox table: claim a due job under a lease, renew the lease
while the job runs, then mark it done, retry it with backoff, bury it (``dead``) or release
it. Every change is made only while this worker still holds the job (``locked_by``), so a
worker whose lease lapsed and was taken over changes nothing. Times are the database's.
"""

from __future__ import annotations

import logging
import random
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from plugin.ats.errors import AtsError
from plugin.ats.ratelimit import db_now
from plugin.jobs.eventlog import log_event
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.jobs.settings import WorkerSettings

#: How much of a failure's text goes to the log lines (the row keeps up to ``MAX_ERROR``).
LOGGED_ERROR = 500
MAX_ERROR = 4000


def backoff_delay(
    attempts: int, base: float, cap: float, retry_after: float | None = None
) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random; never before the
    ATS's own Retry-After."""
    ceiling = min(cap, base * (2 ** max(attempts - 1, 0)))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


@dataclass(frozen=True)
class Failure:
    """A handler's exception as the outbox keeps it."""

    error: str
    retryable: bool
    retry_after: float | None

    @classmethod
    def of(cls, exc: Exception) -> Failure:
        # Any exception may say whether retrying helps and when (AtsError always does).
        retry_after = getattr(exc, "retry_after", None)
        return cls(
            error=f"{type(exc).__name__}: {exc}",
            retryable=bool(getattr(exc, "retryable", True)),
            retry_after=retry_after if isinstance(retry_after, int | float) else None,
        )


def _due_or_lapsed(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxJob.status == JobStatus.PENDING, OutboxJob.run_after <= now),
        and_(OutboxJob.status == JobStatus.RUNNING, OutboxJob.lease_expires_at < now),
    )


class OutboxClaims:
    """One worker's claims on the outbox table."""

    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker[Session],
        worker_id: str,
        settings: WorkerSettings,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.worker_id = worker_id
        self.settings = settings
        # On PostgreSQL workers skip each other's locked rows; SQLite serialises claims.
        self.skip_locked = engine.dialect.name == "postgresql"

    def _lease_until(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.settings.lease_seconds)

    def claim(self) -> int | None:
        """Take the next due job (or one whose lease lapsed) under a fresh lease. A lapsed
        job with no attempt left is marked dead on the way, and the search goes on."""
        with self.sessions() as session, session.begin():
            now = db_now(session.connection())
            query = (
                select(OutboxJob)
                .where(_due_or_lapsed(now))
                .order_by(OutboxJob.run_after, OutboxJob.id)
                .limit(1)
            )
            if self.skip_locked:
                query = query.with_for_update(skip_locked=True)
            while (job := session.scalar(query)) is not None:
                taken_over = job.status == JobStatus.RUNNING
                if taken_over and job.attempts >= job.max_attempts:
                    _bury_abandoned(job)
                    continue
                previous_owner = job.locked_by
                job.status = JobStatus.RUNNING
                job.locked_by = self.worker_id
                job.lease_expires_at = self._lease_until(now)
                job.attempts += 1
                log_event(
                    "outbox.claimed",
                    job=job.id,
                    kind=job.kind,
                    key=job.key,
                    attempt=job.attempts,
                    worker=self.worker_id,
                    taken_over_from=previous_owner if taken_over else None,
                )
                return job.id
            return None

    def renew_until(self, job_id: int, done: threading.Event) -> None:
        """Renew the lease every third of its length until ``done`` (a thread's target)."""
        while not done.wait(self.settings.lease_seconds / 3):
            try:
                with self.engine.begin() as connection:
                    renewed = connection.execute(
                        update(OutboxJob)
                        .where(OutboxJob.id == job_id, OutboxJob.locked_by == self.worker_id)
                        .values(lease_expires_at=self._lease_until(db_now(connection)))
                    ).rowcount
                if not renewed:
                    log_event("outbox.lease_lost", logging.WARNING, job=job_id)
                    return
            except Exception as exc:  # keep trying: the lease has slack
                log_event("outbox.lease_renew_failed", logging.WARNING, job=job_id, error=str(exc))

    def finish(self, session: Session, job_id: int, result: Any) -> str:
        """Mark the job done with its result, committing the handler's changes with it;
        ``lost`` (and nothing committed) when another worker has taken it over."""
        stored = result if isinstance(result, dict) or result is None else {"value": result}
        owned: int = session.execute(  # type: ignore[attr-defined]
            update(OutboxJob)
            .where(OutboxJob.id == job_id, OutboxJob.locked_by == self.worker_id)
            .values(
                status=JobStatus.DONE,
                result=stored,
                last_error=None,
                locked_by=None,
                lease_expires_at=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if not owned:
            session.rollback()
            return "lost"
        session.commit()
        return JobStatus.DONE

    def fail(
        self,
        job_id: int,
        kind: str,
        exc: Exception,
        elapsed: float,
        rescheduled: datetime | None = None,
    ) -> str:
        """Record a failed attempt: ``waiting`` (the handler rescheduled its own job),
        ``dead``, ``retry`` (after a backoff), or ``lost`` (no longer this worker's)."""
        # The stored error is the exception's own words: it is shown on pages and by
        # ``hireloop outbox list``. The traceback of an unexpected error goes to the log.
        failure = Failure.of(exc)
        if not isinstance(exc, AtsError):
            log_event(
                "outbox.handler_error",
                logging.ERROR,
                job=job_id,
                kind=kind,
                error="".join(traceback.format_exception(exc, limit=-6)),
            )
        with self.sessions() as session, session.begin():
            job = session.get(OutboxJob, job_id)
            if job is None or job.locked_by != self.worker_id:
                log_event("outbox.lost_lease", logging.WARNING, job=job_id, error=failure.error)
                return "lost"
            job.last_error = failure.error[:MAX_ERROR]
            job.locked_by = None
            job.lease_expires_at = None
            if rescheduled is not None:
                return _wait_until(job, rescheduled, failure)
            if not failure.retryable or job.attempts >= job.max_attempts:
                return _bury(job, failure)
            return self._retry_later(job, db_now(session.connection()), failure, elapsed)

    def _retry_later(self, job: OutboxJob, now: datetime, failure: Failure, elapsed: float) -> str:
        delay = backoff_delay(
            job.attempts,
            self.settings.backoff_seconds,
            self.settings.backoff_max_seconds,
            failure.retry_after,
        )
        job.status = JobStatus.PENDING
        job.run_after = now + timedelta(seconds=delay)
        log_event(
            "outbox.retry",
            logging.WARNING,
            job=job.id,
            kind=job.kind,
            key=job.key,
            attempt=job.attempts,
            delay_s=round(delay, 2),
            duration_ms=round(elapsed * 1000),
            error=failure.error[:LOGGED_ERROR],
        )
        return "retry"

    def release(self, job_id: int) -> None:
        """Give the job back at once (pending, due now): the worker is leaving mid-job."""
        with self.sessions() as session, session.begin():
            now = db_now(session.connection())
            session.execute(
                update(OutboxJob)
                .where(OutboxJob.id == job_id, OutboxJob.locked_by == self.worker_id)
                .values(
                    status=JobStatus.PENDING, locked_by=None, lease_expires_at=None, run_after=now
                )
                .execution_options(synchronize_session=False)
            )
        log_event("outbox.released", job=job_id, worker=self.worker_id)

    def any_due(self) -> bool:
        with self.sessions() as session:
            now = db_now(session.connection())
            found = session.scalar(
                select(OutboxJob.id)
                .where(OutboxJob.status == JobStatus.PENDING, OutboxJob.run_after <= now)
                .limit(1)
            )
            return found is not None


def _bury_abandoned(job: OutboxJob) -> None:
    """A job whose worker died during its last attempt: dead, with what is known."""
    job.last_error = (
        f"worker {job.locked_by} stopped during the last attempt; "
        f"earlier error: {job.last_error or 'none'}"
    )
    job.status = JobStatus.DEAD
    job.locked_by = None
    job.lease_expires_at = None
    log_event(
        "outbox.dead", logging.ERROR, job=job.id, kind=job.kind, key=job.key, error=job.last_error
    )


def _wait_until(job: OutboxJob, rescheduled: datetime, failure: Failure) -> str:
    """The handler rescheduled its own job (a message waiting for a transport): that
    schedule stands and the attempt is not counted."""
    job.status = JobStatus.PENDING
    job.run_after = rescheduled
    job.attempts = max(job.attempts - 1, 0)
    log_event(
        "outbox.waiting",
        job=job.id,
        kind=job.kind,
        key=job.key,
        until=rescheduled,
        reason=failure.error[:300],
    )
    return "waiting"


def _bury(job: OutboxJob, failure: Failure) -> str:
    job.status = JobStatus.DEAD
    log_event(
        "outbox.dead",
        logging.ERROR,
        job=job.id,
        kind=job.kind,
        key=job.key,
        attempt=job.attempts,
        retryable=failure.retryable,
        error=failure.error[:LOGGED_ERROR],
    )
    return JobStatus.DEAD
