"""SQLite's write lock: waiting writers get in at the first gap, and the worker goes second."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from plugin.core import foreground, sqlite
from plugin.core.db import make_engine
from tests.plugin.core.locks import lock_held


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "writers.db"


@pytest.fixture
def engine(database: Path) -> Engine:
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (who TEXT)"))
    yield engine
    engine.dispose()


def hold_write_lock(database: Path) -> sqlite3.Connection:
    """Another process's writer, as SQLite sees it (no hireloop code involved)."""
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def record(engine: Engine, who: str, background: bool, begun: list[str]) -> None:
    def write() -> None:
        with engine.begin() as connection:
            begun.append(who)
            connection.execute(text("INSERT INTO events VALUES (:who)"), {"who": who})

    if background:
        with foreground.background_writes():
            write()
    else:
        write()


def test_a_waiting_writer_gets_the_lock_once_the_holder_commits(
    engine: Engine, database: Path
) -> None:
    other = hold_write_lock(database)
    begun: list[str] = []
    waiter = threading.Thread(target=record, args=(engine, "web", False, begun))
    waiter.start()
    time.sleep(0.3)
    assert begun == []  # still waiting: the lock is held
    other.execute("INSERT INTO events VALUES ('other')")
    other.execute("COMMIT")
    waiter.join(timeout=10)
    assert begun == ["web"]
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT who FROM events ORDER BY rowid")).scalars().all()
    assert rows == ["other", "web"]
    # The connection's own busy timeout is back for the statements after the BEGIN.
    with engine.connect() as connection:
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert timeout == int(sqlite.LOCK_TIMEOUT_SECONDS * 1000)


def test_the_web_goes_before_the_worker_when_both_wait(engine: Engine, database: Path) -> None:
    # Without the priority either may win each round; five rounds make a pass by luck rare.
    for _ in range(5):
        other = hold_write_lock(database)
        begun: list[str] = []
        web = threading.Thread(target=record, args=(engine, "web", False, begun))
        web.start()
        time.sleep(0.05)  # the web transaction is waiting for the lock
        worker = threading.Thread(target=record, args=(engine, "worker", True, begun))
        worker.start()
        time.sleep(0.05)  # and so is the worker's
        other.execute("ROLLBACK")
        web.join(timeout=10)
        worker.join(timeout=10)
        assert begun == ["web", "worker"]


def announced(database: Path) -> bool:
    return lock_held(f"{database}-writers")


def test_the_worker_waits_for_the_web_a_bounded_time_only(
    engine: Engine, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(foreground, "MAX_YIELD_SECONDS", 0.2)
    held = os.open(f"{database}-writers", os.O_RDWR)
    fcntl.flock(held, fcntl.LOCK_SH)  # a web transaction that never ends
    try:
        begun: list[str] = []
        started = time.monotonic()
        record(engine, "worker", True, begun)
        assert begun == ["worker"]
        assert time.monotonic() - started >= 0.2  # it did wait, then went anyway
    finally:
        os.close(held)


def test_a_writer_gives_up_after_the_timeout_and_announces_nothing_afterwards(
    engine: Engine, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "LOCK_TIMEOUT_SECONDS", 0.2)
    other = hold_write_lock(database)
    try:
        with pytest.raises(Exception, match="database is locked"), engine.begin():
            pass
        assert not announced(database)  # no commit or rollback follows a failed BEGIN
    finally:
        other.execute("ROLLBACK")


def test_an_invalidated_connection_ends_its_transaction_quietly(
    engine: Engine, database: Path
) -> None:
    with engine.connect() as connection:
        connection.begin()
        assert announced(database)
        connection.invalidate()  # as after an interrupt in the middle of a statement
        connection.rollback()
    assert not announced(database)


def test_a_uri_database_name_gets_its_writers_file_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "uri.db"
    engine = make_engine(f"sqlite:///file:{path}?uri=true")
    with engine.begin() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
    assert (tmp_path / "uri.db-writers").exists()


def test_an_in_memory_database_needs_no_writers_file(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    with engine.begin() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    with foreground.background_writes(), engine.begin() as connection:
        assert connection.execute(text("SELECT 2")).scalar() == 2
    engine.dispose()
    assert list(tmp_path.iterdir()) == []


def test_while_the_web_is_busy_the_worker_waits_for_a_quiet_gap(
    engine: Engine, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(foreground, "QUIET_SECONDS", 0.2)
    monkeypatch.setattr(foreground, "_last_busy", time.monotonic())  # a web transaction just now
    begun: list[str] = []
    started = time.monotonic()
    record(engine, "worker", True, begun)
    assert begun == ["worker"]
    assert time.monotonic() - started >= 0.2  # no web transaction then, but not long idle
