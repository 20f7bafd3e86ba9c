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

The claims on the outbox table are in ``plugin.jobs.claims``, the sweeps in
``plugin.jobs.sweeps``; this module is the loop and the signals.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from types import FrameType

from flask import Flask

from plugin.core.db import state
from plugin.core.foreground import background_writes
from plugin.inbound.inbox import any_due, pending_grace, process_pending_deliveries
from plugin.inbound.models import DeliveryStatus
from plugin.inbound.reread import completer
from plugin.jobs.claims import OutboxClaims, backoff_delay
from plugin.jobs.eventlog import log_event
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.jobs.registry import job_registry
from plugin.jobs.settings import MAX_LEASE_SECONDS, WorkerSettings
from plugin.jobs.sweeps import Sweeps

# Imported from here by the CLI, the demo and the tests.
__all__ = [
    "MAX_LEASE_SECONDS",
    "Shutdown",
    "Worker",
    "WorkerSettings",
    "backoff_delay",
    "default_worker_id",
    "log_event",
]


class Shutdown(BaseException):
    """Raised in the main thread by a second SIGTERM: release the job and leave."""


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
        self.processed = 0
        with app.app_context():
            self.engine = state().engine
            self.sessions = state().sessions
        self.outbox = OutboxClaims(self.engine, self.sessions, self.worker_id, self.settings)
        self.sweeps = Sweeps(self.jobs, app.config, self.sessions)
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
                    done = self.process_inbox() + self.run_periodic() + self.work_outbox()
                    if once and (done == 0 or passes >= 1000):
                        break
                    if not once and done == 0:
                        self.idle()
            except Shutdown:
                pass
        log_event("worker.stop", worker=self.worker_id, processed=self.processed)
        return self.processed

    def work_outbox(self) -> int:
        """Process due jobs for at most ``outbox_slice_seconds``; how many."""
        # A backlog of jobs (imports waiting for the ATS's rate limit, say) must not keep
        # new deliveries waiting: back to the inbox after a slice.
        done = 0
        slice_ends = time.monotonic() + self.outbox_slice_seconds
        while not self.stopping.is_set():
            job_id = self.claim()
            if job_id is None:
                break
            self.process(job_id)
            done += 1
            if time.monotonic() >= slice_ends:
                break
        return done

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

    # -- one job -------------------------------------------------------------------------------

    def claim(self) -> int | None:
        """The next due job's id, claimed under a lease (see ``OutboxClaims.claim``)."""
        return self.outbox.claim()

    def process(self, job_id: int) -> str:
        """Run the claimed job's handler; the outcome: done, lost, retry, waiting or dead."""
        done = threading.Event()
        renewer = threading.Thread(target=self.outbox.renew_until, args=(job_id, done), daemon=True)
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
            outcome = self.outbox.finish(session, job_id, result)
            log_event(
                "outbox.done" if outcome == JobStatus.DONE else "outbox.lost_lease",
                job=job_id,
                kind=kind,
                attempt=job.attempts,
                duration_ms=round((time.monotonic() - started) * 1000),
                result=result,
            )
            return outcome
        except Shutdown:
            session.rollback()
            self.outbox.release(job_id)
            raise
        except Exception as exc:
            # A handler may reschedule its own job and raise (a message waiting for a
            # transport): that schedule stands and the attempt is not counted.
            own = None
            if job is not None and job.status == JobStatus.PENDING and job.locked_by is None:
                own = job.run_after
            session.rollback()
            return self.outbox.fail(job_id, kind, exc, time.monotonic() - started, own)
        finally:
            done.set()
            session.close()
            self.processed += 1

    # -- sweeps and the inbox ------------------------------------------------------------------

    def run_periodic(self) -> int:
        """Run the due sweeps. They only queue jobs: they count as work only when a job is
        due after them."""
        if self.sweeps.run_due() == 0:
            return 0
        return 1 if self.outbox.any_due() else 0

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
        count = outcomes.get(DeliveryStatus.DONE, 0)
        if count:
            log_event("inbox.processed", deliveries=count)
        return count
