"""The web processes' transactions go first; the worker's wait for a quiet moment.

On one machine the worker shares the CPU (and, on SQLite, the database's single write lock)
with the web processes, and a request is someone waiting (a webhook sender, a person on a
page) while the worker's work can wait a moment. So:

- Foreground transactions announce themselves with a shared ``flock`` on a lock file of the
  database (SQLite: ``<database>-writers`` beside it; PostgreSQL: one in the temporary
  folder, named after the server and database) from their BEGIN until they end: released as
  COMMIT or ROLLBACK is issued, by ``release`` when a BEGIN fails, and whenever a connection
  goes back to the pool.
- Background work runs inside ``background_writes()``: before it begins a transaction it
  waits (up to ``MAX_YIELD_SECONDS``) until no foreground transaction has been running for
  ``QUIET_SECONDS``, checked with a non-blocking exclusive ``flock``. A burst of webhooks is
  therefore answered at the speed of storing alone and handled after it (the worker still
  takes one transaction a second in a burst that does not end).

Only processes of one machine see each other's locks, which is where they share the CPU; a
worker on another machine competes for nothing here but the database.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event

#: Background work waits at most this long for the foreground before it competes anyway.
MAX_YIELD_SECONDS = 1.0
#: Background work begins only once no foreground transaction was seen for this long.
QUIET_SECONDS = 0.01
_last_busy = float("-inf")  # when this process last saw a foreground transaction

_background: ContextVar[bool] = ContextVar("hireloop_background_writes", default=False)

#: The lock file of a new DBAPI connection's database (None: nothing to coordinate).
LockPath = Callable[[Any], str | None]


@contextmanager
def background_writes() -> Iterator[None]:
    """Transactions begun in this block let the web processes' transactions go first."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def configure(engine: Engine, lock_path: LockPath) -> None:
    """Announce the engine's foreground transactions; make its background ones wait."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        path = lock_path(dbapi_connection)
        if path:
            record.info["foreground_fd"] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @event.listens_for(engine, "close")
    def on_close(_dbapi_connection: Any, record: Any) -> None:
        fd = record.info.pop("foreground_fd", None)
        if fd is not None:
            os.close(fd)  # which also drops any flock it held

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        fd = _fd(connection)
        if fd is None:
            return
        if _background.get():
            wait_for_foreground(fd)
        else:
            fcntl.flock(fd, fcntl.LOCK_SH)

    event.listen(engine, "commit", release)
    event.listen(engine, "rollback", release)

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # However the transaction ended (a reset, an error in between), a connection back
        # in the pool announces nothing.
        fd = record.info.get("foreground_fd")
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)


def release(connection: Any) -> None:
    """The connection's transaction is over (or its BEGIN failed): it announces nothing."""
    fd = _fd(connection)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _fd(connection: Any) -> int | None:
    if connection.invalidated:  # closed by now, or about to be: nothing to announce
        return None
    fd: int | None = connection.connection.info.get("foreground_fd")
    return fd


def wait_for_foreground(fd: int) -> None:
    """Until no foreground transaction has held or waited for its lock for
    ``QUIET_SECONDS`` (bounded by ``MAX_YIELD_SECONDS``). In a burst of webhooks the gaps
    between the receivers' transactions are shorter than a worker's transaction, and one
    begun in such a gap would hold up the next receiver (on SQLite, the write lock; anywhere,
    the CPU): so a burst is received first and handled after it, as the worker catches up.
    Idle, nothing has been seen for long, and the worker goes at once."""
    global _last_busy
    started = time.monotonic()
    while True:
        now = time.monotonic()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _last_busy = now
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            if now - _last_busy >= QUIET_SECONDS:
                return
        if now - started >= MAX_YIELD_SECONDS:
            return
        time.sleep(0.0005)
