"""The durable webhook inbox: store a verified delivery, handle it, retry what failed.

The receiver's hot path is ``store``: one INSERT of the raw body with its provider, event
type and unique dedupe key, committed (one fsync) before the 200 goes out.

- A duplicate (same provider and dedupe key) fails the INSERT on the unique constraint and
  is answered 200 with no effect, also when copies arrive at the same moment on several
  processes (PostgreSQL makes the second INSERT wait for the first and then fail; SQLite
  serialises writers). There is no check-then-insert.
- The stored delivery is then handled from the inbox (``handle_delivery``): right after the
  commit, either in the request (``HIRELOOP_WEBHOOK_HANDLING=inline``) or by this process's
  inbox thread (``background``, the default: the 200 does not wait for the handling), and in
  any case by ``hireloop worker`` (``process_pending_deliveries``) for anything left over
  after a crash. Each handling is one transaction that claims the row (``FOR UPDATE SKIP
  LOCKED`` and a status check), applies the event inside a SAVEPOINT and marks the row done,
  so an event has its effect once however many handlers race for it.
- A handler error rolls back only the savepoint: the row is marked ``failed`` with the error
  and retried with backoff until it succeeds, or marked ``dead`` after ``MAX_ATTEMPTS``
  (kept, listed and replayable with ``hireloop inbox replay``). Nothing is ever deleted.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.models import WebhookDelivery, utcnow
from plugin.services.applications import apply_event
from webhooks.events import Envelope, InboundEvent
from webhooks.normalise import normalise, parse_body

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
#: A ``pending`` row younger than this is assumed to be in someone's hands.
PENDING_GRACE_SECONDS = 2
RETRYABLE = ("pending", "failed")
STATUSES = ("pending", "done", "failed", "dead")
MAX_ERROR = 2000


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]


# Built once and run on the connection (not the ORM): the compiled statement is cached, so
# the hot path only binds parameters.
_STORE = insert(WebhookDelivery)


def store(session: Session, env: Envelope, body: bytes, headers: Mapping[str, str]) -> int | None:
    """Commit one verified delivery as ``pending``; its id, or None for a duplicate."""
    connection = session.connection()
    try:
        result = connection.execute(
            _STORE,
            {
                "provider": env.provider,
                "event_type": env.event_type,
                "dedupe_key": env.dedupe_key,
                "body": body,
                "headers": dict(headers),
                "status": "pending",
                "attempts": 0,
                "received_at": utcnow(),
            },
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    key = result.inserted_primary_key
    return int(key[0]) if key else None


def handle_delivery(
    session: Session,
    delivery_id: int,
    *,
    force: bool = False,
    event: InboundEvent | None = None,
    commit: bool = True,
) -> str:
    """Handle one stored delivery in its own transaction; returns its new status, or
    ``skipped`` when it is done already or being handled elsewhere.

    ``force`` handles it whatever its status (an operator's replay); ``event`` is the
    already normalised body, when the caller has it; ``commit=False`` leaves the commit to
    the caller (the inbox thread handles a batch in one transaction, a savepoint each)."""
    statuses = (*RETRYABLE, "dead", "done") if force else RETRYABLE
    row = session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status.in_(statuses))
        .with_for_update(skip_locked=True)
    )
    if row is None:
        if commit:
            session.rollback()
        return "skipped"
    now = utcnow()
    error: BaseException | None = None
    try:
        with session.begin_nested():
            apply_event(session, event or normalise(row.provider, parse_body(row.body)))
    except Exception as exc:
        log.exception("inbound: delivery %s failed again", delivery_id)
        error = exc
    row.attempts += 1
    row.processed_at = now
    if error is None:
        row.status, row.last_error, row.next_attempt_at = "done", None, None
    else:
        row.last_error = _error_text(error)
        if row.attempts >= MAX_ATTEMPTS:
            row.status, row.next_attempt_at = "dead", None
        else:
            row.status, row.next_attempt_at = "failed", now + backoff(row.attempts)
    status = row.status
    if commit:
        session.commit()
    return status


def due_deliveries(session: Session, limit: int, now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(
                or_(
                    (WebhookDelivery.status == "pending")
                    & (
                        WebhookDelivery.received_at
                        <= now - timedelta(seconds=PENDING_GRACE_SECONDS)
                    ),
                    (WebhookDelivery.status == "failed")
                    & (
                        WebhookDelivery.next_attempt_at.is_(None)
                        | (WebhookDelivery.next_attempt_at <= now)
                    ),
                )
            )
            .order_by(WebhookDelivery.received_at, WebhookDelivery.id)
            .limit(limit)
        )
    )


def process_due(session: Session, limit: int = 100) -> Counter[str]:
    counts: Counter[str] = Counter()
    ids = due_deliveries(session, limit)
    session.rollback()
    for delivery_id in ids:
        counts[handle_delivery(session, delivery_id)] += 1
    return counts


def process_pending_deliveries(
    target: Flask | Callable[[], Session], limit: int = 100
) -> Counter[str]:
    """The worker's entry point: retry failed deliveries that are due (and take over any
    ``pending`` one left behind). Safe on several workers at once: each row is claimed with
    ``FOR UPDATE SKIP LOCKED`` and re-checked. ``target`` is the Flask app (preferred: hooks
    run inside its app context) or a session factory."""
    if isinstance(target, Flask):
        from plugin.db import get_session

        with target.app_context():
            return process_due(get_session(), limit)
    with target() as session:
        return process_due(session, limit)


def replay(session: Session, ids: Sequence[int] = (), *, failed: bool = False) -> dict[int, str]:
    """An operator's replay: the given deliveries (any status), or every failed/dead one."""
    targets = list(ids)
    if failed:
        targets += session.scalars(
            select(WebhookDelivery.id)
            .where(WebhookDelivery.status.in_(("failed", "dead")))
            .order_by(WebhookDelivery.id)
        ).all()
    session.rollback()
    return {
        delivery_id: handle_delivery(session, delivery_id, force=True) for delivery_id in targets
    }


def list_deliveries(
    session: Session, status: str | None = None, limit: int = 50
) -> Sequence[WebhookDelivery]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
    if status:
        query = query.where(WebhookDelivery.status == status)
    return session.scalars(query).all()


def summary(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": row.id,
        "provider": row.provider,
        "event_type": row.event_type,
        "dedupe_key": row.dedupe_key,
        "status": row.status,
        "attempts": row.attempts,
        "received_at": row.received_at.isoformat(),
        "processed_at": row.processed_at.isoformat() if row.processed_at else None,
        "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
        "last_error": row.last_error,
    }


# ----------------------------------------------------------------------------- the inbox thread


class Dispatcher:
    """This process's inbox thread: handles deliveries right after the receiver committed
    them, off the request path. Started lazily (after a fork, anew), daemonic: whatever it
    has not handled when the process dies is still ``pending`` in the table, and the worker
    takes it over.

    Receiving comes first: the thread handles only while no delivery has arrived for
    ``idle_seconds``, a few at a time, so a burst is acknowledged at the speed of storing
    alone and handled in the pause after it (or by the worker once the rows are older than
    ``PENDING_GRACE_SECONDS``, if the burst does not stop)."""

    batch_size = 10
    idle_seconds = 0.02

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._busy = 0
        self._last_arrival = 0.0

    def arrived(self) -> None:
        """A delivery is being received: the thread waits for a pause."""
        self._last_arrival = time.monotonic()

    def submit(self, delivery_id: int) -> None:
        with self._lock:
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                if self._pid != os.getpid():
                    self._queue = queue.SimpleQueue()
                    self._busy = 0
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="hireloop-inbox", daemon=True
                )
                self._thread.start()
            self._busy += 1
        self._queue.put(delivery_id)

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far is handled (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._busy == 0:
                    return True
            time.sleep(0.01)
        return False

    def _run(self) -> None:
        from plugin.db import get_session

        while True:
            batch = [self._queue.get()]
            while (quiet := time.monotonic() - self._last_arrival) < self.idle_seconds:
                time.sleep(self.idle_seconds - quiet)
            done = 0
            while len(batch) < self.batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                # One transaction (one commit) per batch, a savepoint per delivery. If the
                # batch fails as a whole, its rows stay pending and the worker retries them.
                with self.app.app_context():
                    session = get_session()
                    while batch:
                        handle_delivery(session, batch[0], commit=False)
                        batch.pop(0)
                        done += 1
                        if time.monotonic() - self._last_arrival < self.idle_seconds:
                            break  # a delivery is arriving: commit now and let it through
                    session.commit()
            except Exception:
                log.exception("inbound: the inbox thread could not handle %s", batch)
                done += len(batch)
                batch = []
            finally:
                with self._lock:
                    self._busy -= done
                for delivery_id in batch:  # not reached this time: later
                    self._queue.put(delivery_id)


def dispatcher(app: Flask) -> Dispatcher:
    found = app.extensions.get("hireloop.inbox")
    if not isinstance(found, Dispatcher):
        found = app.extensions.setdefault("hireloop.inbox", Dispatcher(app))
    return found
