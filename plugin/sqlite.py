"""SQLite's single write lock, shared between the web processes and the worker.

SQLite lets one transaction write at a time, across every process using the file. hireloop
begins every transaction with ``BEGIN IMMEDIATE`` (a deferred transaction that reads and
then writes fails at once with "database is locked" when another writer got there first),
so the BEGIN is where a writer waits. Two things make that wait short for the requests that
someone is waiting on (a webhook sender, a person on a page):

- SQLite's own busy handler sleeps 1, 2, 5, 10, ... up to 100 ms between tries, so a writer
  waiting on a process that commits back to back (the worker working through a backlog)
  misses gap after gap and waits for seconds. ``begin_immediate`` tries again every fraction
  of a millisecond instead.
- Background work goes second. The worker runs inside ``background_writes()``; before it
  begins a transaction it waits (up to ``MAX_YIELD_SECONDS``) until no foreground
  transaction has been waiting or running for ``QUIET_SECONDS``. Foreground transactions
  announce themselves with a shared ``flock`` on ``<database>-writers`` from their BEGIN
  until they end (released as COMMIT or ROLLBACK is issued, when a BEGIN fails, and whenever
  a connection goes back to the pool); the worker checks for them with a non-blocking
  exclusive one. A burst of webhooks is therefore answered at the speed of storing alone
  and handled after it (the worker still takes one transaction a second in a burst that
  does not end).

PostgreSQL needs none of this: it locks rows, not the database.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event

#: How long a writer waits for the write lock before "database is locked".
LOCK_TIMEOUT_SECONDS = 30.0
#: Between tries for the write lock: short, so a waiting writer gets the first gap.
RETRY_SECONDS = (0.0001, 0.0002, 0.0005, 0.001)
#: Background work waits at most this long for the foreground before it competes anyway.
MAX_YIELD_SECONDS = 1.0
#: Background work begins only once no foreground transaction was seen for this long.
QUIET_SECONDS = 0.01
_last_busy = float("-inf")  # when this process last saw a foreground transaction

_background: ContextVar[bool] = ContextVar("hireloop_background_writes", default=False)


@contextmanager
def background_writes() -> Iterator[None]:
    """Transactions begun in this block let the web processes' transactions go first."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def connect_args() -> dict[str, Any]:
    return {"check_same_thread": False, "timeout": LOCK_TIMEOUT_SECONDS, "isolation_level": None}


def configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Durability is not traded for speed: a committed delivery survives a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        # The file SQLite opened, however the URL named it; "" for an in-memory database.
        files = {name: path for _, name, path in cursor.execute("PRAGMA database_list")}
        cursor.close()
        if files.get("main"):
            record.info["writers_fd"] = os.open(
                f"{files['main']}-writers", os.O_RDWR | os.O_CREAT, 0o600
            )

    @event.listens_for(engine, "close")
    def on_close(_dbapi_connection: Any, record: Any) -> None:
        fd = record.info.pop("writers_fd", None)
        if fd is not None:
            os.close(fd)  # which also drops any flock it held

    def writers_fd(connection: Any) -> int | None:
        if connection.invalidated:  # closed by now, or about to be: nothing to announce
            return None
        fd: int | None = connection.connection.info.get("writers_fd")
        return fd

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        fd = writers_fd(connection)
        announced = False
        if fd is not None:
            if _background.get():
                wait_for_foreground(fd)
            else:
                fcntl.flock(fd, fcntl.LOCK_SH)
                announced = True
        try:
            begin_immediate(connection.connection.dbapi_connection)
        except BaseException:
            if announced and fd is not None:  # no commit or rollback follows a failed BEGIN
                fcntl.flock(fd, fcntl.LOCK_UN)
            raise

    def release(connection: Any) -> None:
        fd = writers_fd(connection)
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)

    event.listen(engine, "commit", release)
    event.listen(engine, "rollback", release)

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # However the transaction ended (a reset, an error in between), a connection back
        # in the pool announces nothing.
        fd = record.info.get("writers_fd")
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)


def wait_for_foreground(fd: int) -> None:
    """Until no foreground transaction has held or waited for the write lock for
    ``QUIET_SECONDS`` (bounded by ``MAX_YIELD_SECONDS``). In a burst of webhooks the gaps
    between the receivers' transactions are shorter than a worker's transaction, and one
    begun in such a gap would hold up the next receiver: so a burst is received first and
    handled after it, as the worker catches up. Idle, nothing has been seen for long, and
    the worker goes at once."""
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


def begin_immediate(dbapi_connection: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, trying again every fraction of a millisecond while another writer
    holds the lock. SQLite's busy handler is off (busy_timeout 0) for the BEGIN alone;
    every other statement keeps the connection's timeout."""
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    tries = 0
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                # Extended codes too: SQLITE_BUSY_RECOVERY, _SNAPSHOT, _TIMEOUT.
                code = getattr(exc, "sqlite_errorcode", None)
                busy = code is not None and code & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
            time.sleep(RETRY_SECONDS[min(tries, len(RETRY_SECONDS) - 1)])
            tries += 1
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(LOCK_TIMEOUT_SECONDS * 1000)}")
