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
- Background work goes second (``plugin.core.foreground``), announced through
  ``<database>-writers`` beside the ``-wal`` and ``-shm`` files.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, event

from plugin.core import foreground

#: How long a writer waits for the write lock before "database is locked".
LOCK_TIMEOUT_SECONDS = 30.0
#: Between tries for the write lock: short, so a waiting writer gets the first gap.
RETRY_SECONDS = (0.0001, 0.0002, 0.0005, 0.001)


def connect_args() -> dict[str, Any]:
    return {"check_same_thread": False, "timeout": LOCK_TIMEOUT_SECONDS, "isolation_level": None}


def configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Durability is not traded for speed: a committed delivery survives a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    # Registered after the PRAGMAs, so its listeners run after them; its "begin" listener
    # announces the transaction before the BEGIN below waits for the write lock.
    foreground.configure(engine, writers_file)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        try:
            begin_immediate(connection.connection.dbapi_connection)
        except BaseException:
            foreground.release(connection)  # no commit or rollback follows a failed BEGIN
            raise


def writers_file(dbapi_connection: sqlite3.Connection) -> str | None:
    """``<database>-writers`` beside the file SQLite opened, however the URL named it; None
    for an in-memory database."""
    files = {name: path for _, name, path in dbapi_connection.execute("PRAGMA database_list")}
    return f"{files['main']}-writers" if files.get("main") else None


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
