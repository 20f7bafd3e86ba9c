"""``hireloop worker``: runs the outbox, the periodic sweeps and the webhook inbox.

Each pass handles the webhook deliveries that wait, runs the sweeps that are due, then works
through the due outbox jobs for at most a second before the next pass. Idle, it waits
``OUTBOX_POLL_SECONDS`` for the next pass but looks at the inbox every
``INBOX_POLL_SECONDS`` (default 0.05), so a delivery is handled within moments of the
receiver's commit.

Jobs are claimed one at a time under a lease (``OUTBOX_LEASE_SECONDS``, default 30, at most
60) that a background thread renews while the job runs; a worker that dies stops renewing,
and its job is taken over once the lease lapses. On PostgreSQL the claim uses
``FOR UPDATE SKIP LOCKED``, so any number of workers on any number of machines share the
table; on SQLite every transaction takes the write lock, so claims are serialised (run one
worker there). Times are read from the database's clock.

A failed job is retried with exponential backoff and jitter (``OUTBOX_BACKOFF_SECONDS``
doubling up to ``OUTBOX_BACKOFF_MAX_SECONDS``), after the ATS's ``Retry-After`` when it gave
one, and is dead after ``max_attempts`` (or at once for an error retrying cannot fix, such as
a 401), with the error kept. ``attempts`` counts claims, so a handler seeing
``job.attempts > 1`` knows an earlier attempt may have reached the ATS.

Handlers: the functions ``(session, job) -> dict | None`` that capabilities register with
``plugin.jobs.registry`` in their ``init_app``, called in an app context with the worker's
session; the return value is stored in ``job.result`` and committed with the handler's
changes. A handler ends its transaction (commit) before a
slow external call, so it holds no database lock while it waits.

SIGTERM (or SIGINT): the current job finishes, then the worker exits; a second signal
releases the claimed job at once (back to pending) and exits.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from flask import Flask
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from plugin.ats.errors import AtsError
from plugin.ats.ratelimit import db_now
from plugin.core.db import state
from plugin.core.foreground import background_writes
from plugin.inbound.inbox import any_due, pending_grace, process_pending_deliveries
from plugin.inbound.reread import completer
from plugin.jobs.models import OutboxJob
from plugin.jobs.registry import job_registry

log = logging.getLogger("hireloop.worker")

MAX_LEASE_SECONDS = 60.0


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """One JSON object per line: easy to grep, easy to ship."""
    log.log(level, json.dumps({"event": event, **fields}, default=str, sort_keys=True))


class Shutdown(BaseException):
    """Raised in the main thread by a second SIGTERM: release the job and leave."""


@dataclass(frozen=True)
class WorkerSettings:
    lease_seconds: float = 30.0
    poll_seconds: float = 1.0
    inbox_poll_seconds: float = 0.05
    backoff_seconds: float = 5.0
    backoff_max_seconds: float = 3600.0

    @classmethod
    def from_config(cls, config: Any) -> WorkerSettings:
        def number(key: str, default: float) -> float:
            value = config.get(key)
            try:
                result = float(value) if value not in (None, "") else default
            except (TypeError, ValueError):
                raise RuntimeError(f"HIRELOOP_{key} must be a number, got {value!r}") from None
            if result <= 0:
                raise RuntimeError(f"HIRELOOP_{key} must be positive, got {value!r}")
            return result

        return cls(
            lease_seconds=min(number("OUTBOX_LEASE_SECONDS", 30.0), MAX_LEASE_SECONDS),
            poll_seconds=number("OUTBOX_POLL_SECONDS", 1.0),
            inbox_poll_seconds=number("INBOX_POLL_SECONDS", 0.05),
            backoff_seconds=number("OUTBOX_BACKOFF_SECONDS", 5.0),
            backoff_max_seconds=number("OUTBOX_BACKOFF_MAX_SECONDS", 3600.0),
        )


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


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    #: The longest a pass works through outbox jobs before it looks at the inbox again.
    outbox_slice_seconds = 1.0

    def __init__(
        self,
        app: Flask,
        *,
        worker_id: str | None = None,
        settings: WorkerSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.app = app
        self.jobs = job_registry(app)
        self.worker_id = worker_id or default_worker_id()
        self.settings = settings or WorkerSettings.from_config(app.config)
        self.sleep = sleep
        self.stopping = threading.Event()
        self._signals = 0
        self._last_periodic: dict[str, float] = {}
        self.processed = 0
        with app.app_context():
            self.engine = state().engine
            self.sessions = state().sessions
        self.postgres = self.engine.dialect.name == "postgresql"
        self.complete = completer(app.config)  # thin webhook payloads, from the ATS's API
        self.grace = pending_grace(app.config)

    # -- signals -------------------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._signals += 1
        self.stopping.set()
        log_event("worker.signal", signal=signal.Signals(signum).name, count=self._signals)
        if self._signals > 1:
            raise Shutdown()

    def stop(self) -> None:
        self.stopping.set()

    # -- the loop ------------------------------------------------------------------------------

    def run(self, once: bool = False) -> int:
        """Work until stopped (or, with ``once``, until nothing is due); jobs processed."""
        log_event(
            "worker.start",
            worker=self.worker_id,
            once=once,
            lease_seconds=self.settings.lease_seconds,
            kinds=sorted(self.jobs.handlers),
        )
        passes = 0
        # The web processes' transactions go first (see plugin.core.foreground).
        with self.app.app_context(), background_writes():
            try:
                while not self.stopping.is_set():
                    passes += 1
                    done = self.process_inbox() + self.run_periodic()
                    # A backlog of jobs (imports waiting for the ATS's rate limit, say) must
                    # not keep new deliveries waiting: back to the inbox after a slice.
                    slice_ends = time.monotonic() + self.outbox_slice_seconds
                    while not self.stopping.is_set():
                        job_id = self.claim()
                        if job_id is None:
                            break
                        self.process(job_id)
                        done += 1
                        if time.monotonic() >= slice_ends:
                            break
                    if once and (done == 0 or passes >= 1000):
                        break
                    if not once and done == 0:
                        self.idle()
            except Shutdown:
                pass
        log_event("worker.stop", worker=self.worker_id, processed=self.processed)
        return self.processed

    def idle(self) -> None:
        """Wait for the next pass (``poll_seconds``), looking at the inbox every
        ``inbox_poll_seconds`` meanwhile: a new webhook delivery is handled moments after it
        was stored, not a whole poll later."""
        deadline = time.monotonic() + self.settings.poll_seconds
        while (remaining := deadline - time.monotonic()) > 0:
            if self.stopping.wait(min(self.settings.inbox_poll_seconds, remaining)):
                return
            if self.inbox_waiting():
                return

    def inbox_waiting(self) -> bool:
        try:
            with self.sessions() as session:
                return any_due(session, self.grace)
        except Exception:  # the next full pass logs what is wrong with the database
            return False

    # -- claiming ------------------------------------------------------------------------------

    def claim(self) -> int | None:
        """Take the next due job (or one whose lease lapsed) under a fresh lease. A lapsed
        job with no attempt left is marked dead on the way, and the search goes on."""
        with self.sessions() as session, session.begin():
            now = db_now(session.connection())
            query = (
                select(OutboxJob)
                .where(
                    or_(
                        and_(OutboxJob.status == "pending", OutboxJob.run_after <= now),
                        and_(OutboxJob.status == "running", OutboxJob.lease_expires_at < now),
                    )
                )
                .order_by(OutboxJob.run_after, OutboxJob.id)
                .limit(1)
            )
            if self.postgres:
                query = query.with_for_update(skip_locked=True)
            while (job := session.scalar(query)) is not None:
                taken_over = job.status == "running"
                if taken_over and job.attempts >= job.max_attempts:
                    job.last_error = (
                        f"worker {job.locked_by} stopped during the last attempt; "
                        f"earlier error: {job.last_error or 'none'}"
                    )
                    job.status = "dead"
                    job.locked_by = None
                    job.lease_expires_at = None
                    log_event(
                        "outbox.dead",
                        logging.ERROR,
                        job=job.id,
                        kind=job.kind,
                        key=job.key,
                        error=job.last_error,
                    )
                    continue
                previous_owner = job.locked_by
                job.status = "running"
                job.locked_by = self.worker_id
                job.lease_expires_at = now + timedelta(seconds=self.settings.lease_seconds)
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

    def _renew(self, job_id: int, done: threading.Event) -> None:
        interval = self.settings.lease_seconds / 3
        while not done.wait(interval):
            try:
                with self.engine.begin() as connection:
                    now = db_now(connection)
                    renewed = connection.execute(
                        update(OutboxJob)
                        .where(OutboxJob.id == job_id, OutboxJob.locked_by == self.worker_id)
                        .values(
                            lease_expires_at=now + timedelta(seconds=self.settings.lease_seconds)
                        )
                    ).rowcount
                if not renewed:
                    log_event("outbox.lease_lost", logging.WARNING, job=job_id)
                    return
            except Exception as exc:  # keep trying: the lease has slack
                log_event("outbox.lease_renew_failed", logging.WARNING, job=job_id, error=str(exc))

    # -- running one job -----------------------------------------------------------------------

    def process(self, job_id: int) -> str:
        done = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(job_id, done), daemon=True)
        renewer.start()
        started = time.monotonic()
        session = self.sessions()
        kind = "?"
        job: OutboxJob | None = None
        try:
            job = session.get(OutboxJob, job_id)
            if job is None:  # pragma: no cover - deleted by an operator meanwhile
                return "missing"
            kind = job.kind
            function = self.jobs.handlers.get(job.kind)
            if function is None:
                raise LookupError(f"no handler for outbox kind {job.kind!r}")
            session.commit()  # end the read: on SQLite a transaction holds the write lock
            result = function(session, job)
            outcome = self._finish(session, job_id, result)
            log_event(
                "outbox.done" if outcome == "done" else "outbox.lost_lease",
                job=job_id,
                kind=kind,
                attempt=job.attempts,
                duration_ms=round((time.monotonic() - started) * 1000),
                result=result,
            )
            return outcome
        except Shutdown:
            session.rollback()
            self._release(job_id)
            raise
        except Exception as exc:
            # A handler may reschedule its own job and raise (a message waiting for a
            # transport): that schedule stands and the attempt is not counted.
            own = None
            if job is not None and job.status == "pending" and job.locked_by is None:
                own = job.run_after
            session.rollback()
            return self._fail(job_id, kind, exc, time.monotonic() - started, own)
        finally:
            done.set()
            session.close()
            self.processed += 1

    def _finish(self, session: Session, job_id: int, result: Any) -> str:
        stored = result if isinstance(result, dict) or result is None else {"value": result}
        owned: int = session.execute(  # type: ignore[attr-defined]
            update(OutboxJob)
            .where(OutboxJob.id == job_id, OutboxJob.locked_by == self.worker_id)
            .values(
                status="done",
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
        return "done"

    def _fail(
        self,
        job_id: int,
        kind: str,
        exc: Exception,
        elapsed: float,
        rescheduled: datetime | None = None,
    ) -> str:
        # The stored error is the exception's own words: it is shown on pages and by
        # ``hireloop outbox list``. The traceback of an unexpected error goes to the log.
        error = f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, AtsError):
            log_event(
                "outbox.handler_error",
                logging.ERROR,
                job=job_id,
                kind=kind,
                error="".join(traceback.format_exception(exc, limit=-6)),
            )
        # Any exception may say whether retrying helps and when (AtsError always does).
        retryable = bool(getattr(exc, "retryable", True))
        retry_after = getattr(exc, "retry_after", None)
        if not isinstance(retry_after, int | float):
            retry_after = None
        with self.sessions() as session, session.begin():
            job = session.get(OutboxJob, job_id)
            if job is None or job.locked_by != self.worker_id:
                log_event("outbox.lost_lease", logging.WARNING, job=job_id, error=error)
                return "lost"
            now = db_now(session.connection())
            job.last_error = error[:4000]
            job.locked_by = None
            job.lease_expires_at = None
            if rescheduled is not None:
                job.status = "pending"
                job.run_after = rescheduled
                job.attempts = max(job.attempts - 1, 0)
                log_event(
                    "outbox.waiting",
                    job=job_id,
                    kind=kind,
                    key=job.key,
                    until=rescheduled,
                    reason=error[:300],
                )
                return "waiting"
            if not retryable or job.attempts >= job.max_attempts:
                job.status = "dead"
                log_event(
                    "outbox.dead",
                    logging.ERROR,
                    job=job_id,
                    kind=kind,
                    key=job.key,
                    attempt=job.attempts,
                    retryable=retryable,
                    error=error[:500],
                )
                return "dead"
            delay = backoff_delay(
                job.attempts,
                self.settings.backoff_seconds,
                self.settings.backoff_max_seconds,
                retry_after,
            )
            job.status = "pending"
            job.run_after = now + timedelta(seconds=delay)
            log_event(
                "outbox.retry",
                logging.WARNING,
                job=job_id,
                kind=kind,
                key=job.key,
                attempt=job.attempts,
                delay_s=round(delay, 2),
                duration_ms=round(elapsed * 1000),
                error=error[:500],
            )
            return "retry"

    def _release(self, job_id: int) -> None:
        with self.sessions() as session, session.begin():
            now = db_now(session.connection())
            session.execute(
                update(OutboxJob)
                .where(OutboxJob.id == job_id, OutboxJob.locked_by == self.worker_id)
                .values(status="pending", locked_by=None, lease_expires_at=None, run_after=now)
                .execution_options(synchronize_session=False)
            )
        log_event("outbox.released", job=job_id, worker=self.worker_id)

    # -- sweeps and the inbox ------------------------------------------------------------------

    def interval_for(self, name: str, default: float) -> float:
        """``HIRELOOP_<NAME>_SECONDS`` overrides a sweep's interval (import-sweep:
        HIRELOOP_IMPORT_SWEEP_SECONDS)."""
        key = name.upper().replace("-", "_") + "_SECONDS"
        value = self.app.config.get(key)
        try:
            return float(value) if value not in (None, "") else default
        except (TypeError, ValueError):
            return default

    def run_periodic(self) -> int:
        ran = 0
        for name, sweep in sorted(self.jobs.sweeps.items()):
            function = sweep.function
            interval = self.interval_for(name, sweep.every_seconds)
            last = self._last_periodic.get(name)
            if last is not None and time.monotonic() - last < interval:
                continue
            self._last_periodic[name] = time.monotonic()
            started = time.monotonic()
            with self.sessions() as session:
                try:
                    result = function(session)
                    session.commit()
                    log_event(
                        "periodic.done",
                        name=name,
                        result=result,
                        duration_ms=round((time.monotonic() - started) * 1000),
                    )
                except Exception:
                    session.rollback()
                    log_event(
                        "periodic.failed",
                        logging.ERROR,
                        name=name,
                        error=traceback.format_exc(limit=5),
                    )
            ran += 1
        # Sweeps only queue jobs: they count as work only when they queued some.
        return 0 if ran == 0 else self._due_count()

    def _due_count(self) -> int:
        with self.sessions() as session:
            now = db_now(session.connection())
            found = session.scalar(
                select(OutboxJob.id)
                .where(OutboxJob.status == "pending", OutboxJob.run_after <= now)
                .limit(1)
            )
            return 1 if found is not None else 0

    def process_inbox(self) -> int:
        """Handle the webhook deliveries that are due (new ones, and failed ones whose retry
        is due); the count handled successfully."""
        try:
            outcomes = process_pending_deliveries(
                self.app, complete=self.complete, grace=self.grace
            )
        except Exception:
            log_event("inbox.failed", logging.ERROR, error=traceback.format_exc(limit=5))
            return 0
        count = outcomes.get("done", 0)
        if count:
            log_event("inbox.processed", deliveries=count)
        return count
