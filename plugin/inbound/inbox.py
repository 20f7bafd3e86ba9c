"""The durable webhook inbox: store a verified delivery, handle it, retry what failed.

The receiver's hot path is ``store``: one INSERT of the raw body with its provider, event
type and unique dedupe key, committed (one fsync) before the 200 goes out.

- A duplicate (same provider and dedupe key; for Greenhouse also the same body under
  another event id) fails the INSERT on the unique constraint and
  is answered 200 with no effect, also when copies arrive at the same moment on several
  processes (PostgreSQL makes the second INSERT wait for the first and then fail; SQLite
  serialises writers). There is no check-then-insert.
- The stored delivery is then handled from the inbox (``handle_delivery``) by
  ``hireloop worker`` (``process_pending_deliveries``), which looks for new rows every
  ``HIRELOOP_INBOX_POLL_SECONDS`` while idle; with ``HIRELOOP_WEBHOOK_HANDLING=inline`` the
  request handles it itself after the commit, before the 200. Handling is not done by a
  thread of the web process: it would compete with receiving for the GIL and, on SQLite,
  for the write lock, and a crash there would leave the row to the worker anyway. A worker
  first claims a set of due rows for ``CLAIM_SECONDS`` (so no other worker prepares them:
  preparing may ask the ATS's API, ``prepare``), then handles each in a short transaction
  that locks the row (``FOR UPDATE SKIP LOCKED``) and re-checks that it is still due,
  applies the event inside a SAVEPOINT and marks the row done, so an event has its effect
  once however many handlers race for it.
- A handler error rolls back only the savepoint: the row is marked ``failed`` with the error
  and retried with backoff until it succeeds, or marked ``dead`` after ``MAX_ATTEMPTS``
  (kept, listed and replayable with ``hireloop inbox replay``). Nothing is ever deleted.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import ColumnElement, Row, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.applications.service import apply_event
from plugin.core import signals
from plugin.core.db import get_session
from plugin.core.models import utcnow
from plugin.inbound.models import REDACTED_BODIES, REDACTED_BODY, DeliveryStatus, WebhookDelivery
from plugin.inbound.redaction import about_purged
from plugin.inbound.reread import Complete
from webhooks.events import Envelope, EventKind, InboundEvent
from webhooks.normalise import normalise, parse_body

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
#: The choices of ``hireloop inbox list --status``: plain strings, as click compares them.
STATUSES = tuple(status.value for status in DeliveryStatus)
#: What ``handle_delivery`` answers for a delivery it leaves alone (not a status).
SKIPPED = "skipped"
MAX_ERROR = 2000


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]


#: Providers whose signature covers the whole body, so that the body alone names the
#: delivery: a copy under a new event id is a duplicate (Greenhouse).
BODY_HASHED = frozenset({"greenhouse"})


def body_hash(provider: str, body: bytes) -> str | None:
    return hashlib.sha256(body).hexdigest() if provider in BODY_HASHED else None


# Built once and run on the connection (not the ORM): the compiled statement is cached, so
# the hot path only binds parameters.
_STORE = insert(WebhookDelivery)


def store(
    session: Session,
    env: Envelope,
    body: bytes,
    headers: Mapping[str, str],
    *,
    handled: bool = False,
    about: tuple[str | None, str | None] = (None, None),
) -> int | None:
    """Commit one verified delivery as ``pending`` (or, ``handled``, as ``done``: there is
    nothing to do with it but remember its dedupe key); its id, or None for a duplicate.
    ``about``: the application and candidate it concerns (``InboundEvent.subject``)."""
    connection = session.connection()
    now = utcnow()
    application_key, candidate_key = (key[:200] if key else None for key in about)
    try:
        result = connection.execute(
            _STORE,
            {
                "provider": env.provider,
                "event_type": env.event_type,
                "dedupe_key": env.dedupe_key,
                "body_hash": body_hash(env.provider, body),
                "body": body,
                "headers": dict(headers),
                "status": DeliveryStatus.DONE if handled else DeliveryStatus.PENDING,
                "attempts": 0,
                "received_at": now,
                "processed_at": now if handled else None,
                "application_key": application_key,
                "candidate_key": candidate_key,
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
    event: InboundEvent | Exception | None = None,
    commit: bool = True,
) -> str:
    """Handle one stored delivery in its own transaction; returns its new status, or
    ``skipped`` when it is done already, being handled elsewhere or not due again yet.

    ``force`` handles it whatever its status (an operator's replay); ``event`` is the
    body already normalised (and completed, see ``prepare``) when the caller has it, or the
    error that doing so raised; ``commit=False`` leaves the commit to the caller."""
    now = utcnow()
    # Re-checked under the row lock: another handler may have done it, or failed it (then
    # its backoff stands), since the caller looked.
    due = WebhookDelivery.status.in_(STATUSES) if force else _due(now)
    row = session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, due)
        .with_for_update(skip_locked=True)
    )
    if row is None:
        if commit:
            session.rollback()
        return SKIPPED
    error: BaseException | None = None
    try:
        if row.body not in REDACTED_BODIES:  # else nothing is left to do (purged or expired)
            if isinstance(event, Exception):
                raise event
            with session.begin_nested():
                done = event or normalise(row.provider, parse_body(row.body))
                if done.kind is EventKind.SCORECARD_DELETED:
                    signals.ats_scorecard_deleted.send(session, event=done)
                else:
                    apply_event(session, done)
                if about_purged(session, row, done):
                    row.body, row.headers = REDACTED_BODY, {}
    except Exception as exc:
        log.exception("inbound: delivery %s failed again", delivery_id)
        error = exc
    _record_attempt(row, error, now)
    status = row.status
    if commit:
        session.commit()
    return status


def _record_attempt(row: WebhookDelivery, error: BaseException | None, now: datetime) -> None:
    row.attempts += 1
    row.processed_at = now
    row.claimed_until = None
    if error is None:
        row.status, row.last_error, row.next_attempt_at = DeliveryStatus.DONE, None, None
        return
    row.last_error = _error_text(error)
    # An ATS that is down (5xx, timeouts, 429) is waited out, hourly, however long it
    # takes; anything else is dead after MAX_ATTEMPTS, kept for an operator's replay.
    if row.attempts >= MAX_ATTEMPTS and not getattr(error, "retryable", False):
        row.status, row.next_attempt_at = DeliveryStatus.DEAD, None
    else:
        row.status, row.next_attempt_at = DeliveryStatus.FAILED, now + backoff(row.attempts)


def _handle_alone(session: Session, delivery_id: int, event: InboundEvent | Exception) -> str:
    """``handle_delivery`` in a transaction of its own. An error it could not record itself
    (its transaction broke: a database error, a lost connection) is recorded on the row in
    a new transaction, so the row backs off and, in the end, is dead: it never stays first
    in line for ever, holding up the deliveries behind it."""
    try:
        return handle_delivery(session, delivery_id, event=event)
    except Exception as exc:
        session.rollback()
        log.exception("inbound: delivery %s could not be handled", delivery_id)
        row = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if row is None or row.status not in RETRYABLE:
            session.rollback()
            return SKIPPED
        _record_attempt(row, exc, utcnow())
        session.commit()
        return row.status


def _due(now: datetime) -> ColumnElement[bool]:
    # ``IN`` first, so the (status, received_at) index narrows the search to the few open rows.
    return WebhookDelivery.status.in_(RETRYABLE) & or_(
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at.is_(None),
        WebhookDelivery.next_attempt_at <= now,
    )


#: How long a worker's claim on the deliveries it prepares lasts (a dead worker's claim
#: lapses, and another worker takes them).
CLAIM_SECONDS = 60
#: With inline handling the request handles its own delivery; the worker takes a pending one
#: only once the request has surely given up on it.
INLINE_GRACE_SECONDS = 60


def pending_grace(config: Mapping[str, Any]) -> float:
    """How old a pending delivery must be before the worker takes it."""
    return INLINE_GRACE_SECONDS if config.get("WEBHOOK_HANDLING") == "inline" else 0.0


def _claimable(now: datetime, grace: float) -> ColumnElement[bool]:
    condition = _due(now) & (
        WebhookDelivery.claimed_until.is_(None) | (WebhookDelivery.claimed_until < now)
    )
    if grace:
        condition &= (WebhookDelivery.status != DeliveryStatus.PENDING) | (
            WebhookDelivery.received_at <= now - timedelta(seconds=grace)
        )
    return condition


def any_due(session: Session, grace: float = 0.0) -> bool:
    """Whether a delivery waits for this worker: the idle worker's cheap look."""
    found = session.scalar(select(WebhookDelivery.id).where(_claimable(utcnow(), grace)).limit(1))
    session.rollback()
    return found is not None


def claim_due(session: Session, limit: int, grace: float = 0.0) -> Sequence[Row[int, str, bytes]]:
    """Claim up to ``limit`` due deliveries, oldest first, that no other worker has claimed:
    id, provider and body (bodies never change, so they can be prepared ahead)."""
    now = utcnow()
    query = (
        select(WebhookDelivery.id, WebhookDelivery.provider, WebhookDelivery.body)
        .where(_claimable(now, grace))
        .order_by(WebhookDelivery.received_at, WebhookDelivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    if rows:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_([row.id for row in rows]))
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return rows


def prepare(
    provider: str, body: bytes | InboundEvent, complete: Complete | None
) -> InboundEvent | Exception:
    """A stored body (or its event, already normalised) completed from the ATS where the
    payload is thin (see ``plugin.inbound.reread``); called outside any transaction, since
    the ATS may take seconds. An error is returned, for ``handle_delivery`` to record."""
    try:
        event = body if isinstance(body, InboundEvent) else normalise(provider, parse_body(body))
        return complete(event) if complete is not None else event
    except Exception as exc:
        return exc


#: Deliveries handled per transaction on PostgreSQL: one commit (one fsync) for several.
#: SQLite has one write lock for the whole database, which a transaction holds from its
#: start, so there each delivery is a transaction of its own: a receiver waits for one at most.
POSTGRES_BATCH = 10


def process_due(
    session: Session,
    limit: int = 100,
    complete: Complete | None = None,
    grace: float = 0.0,
    batch: int | None = None,
) -> Counter[str]:
    counts: Counter[str] = Counter()
    rows = claim_due(session, limit, grace)
    if batch is None:
        batch = 1 if session.get_bind().dialect.name == "sqlite" else POSTGRES_BATCH
    for start in range(0, len(rows), batch):
        chunk = [
            (row.id, prepare(row.provider, row.body, complete))
            for row in rows[start : start + batch]
        ]
        if len(chunk) == 1:
            counts[_handle_alone(session, *chunk[0])] += 1
            continue
        try:
            outcomes = [
                handle_delivery(session, delivery_id, event=event, commit=False)
                for delivery_id, event in chunk
            ]
            session.commit()
            counts.update(outcomes)
        except Exception:
            # The batch failed as a whole (its rows are still pending): one at a time, so
            # one bad row does not hold back the others.
            session.rollback()
            for delivery_id, event in chunk:
                counts[_handle_alone(session, delivery_id, event)] += 1
    return counts


def process_pending_deliveries(
    target: Flask | Callable[[], Session],
    limit: int = 100,
    complete: Complete | None = None,
    grace: float = 0.0,
) -> Counter[str]:
    """The worker's entry point: handle pending deliveries and retry failed ones that are
    due, oldest first, in short transactions (``POSTGRES_BATCH``). Safe on several workers
    at once: each claims what it prepares (``claim_due``), and each row is locked and
    re-checked when handled. ``grace``: see ``pending_grace``. ``target`` is the Flask app
    (preferred: hooks run inside its app context) or a session factory."""
    if isinstance(target, Flask):
        with target.app_context():
            return process_due(get_session(), limit, complete, grace)
    with target() as session:
        return process_due(session, limit, complete, grace)


def replay(
    session: Session,
    ids: Sequence[int] = (),
    *,
    failed: bool = False,
    complete: Complete | None = None,
) -> dict[int, str]:
    """An operator's replay: the given deliveries (any status), or every failed/dead one."""
    targets = list(ids)
    if failed:
        targets += session.scalars(
            select(WebhookDelivery.id)
            .where(WebhookDelivery.status.in_((DeliveryStatus.FAILED, DeliveryStatus.DEAD)))
            .order_by(WebhookDelivery.id)
        ).all()
    rows = session.execute(
        select(WebhookDelivery.id, WebhookDelivery.provider, WebhookDelivery.body).where(
            WebhookDelivery.id.in_(targets)
        )
    ).all()
    session.rollback()  # the ATS may be asked below: hold no transaction meanwhile
    events = {row.id: prepare(row.provider, row.body, complete) for row in rows}
    return {
        delivery_id: handle_delivery(
            session, delivery_id, force=True, event=events.get(delivery_id)
        )
        for delivery_id in targets
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
