"""The web's transactions go first on whichever database: the worker waits for a gap.

(SQLite's write lock has its own tests in test_sqlite_writers.py; these run on the suite's
database, so on PostgreSQL when HIRELOOP_TEST_DATABASE_URL is set.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from plugin.core import foreground
from plugin.core.db import foreground_lock_file, make_engine
from tests.plugin.core.locks import lock_held


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite's one writer at a time: see test_sqlite_writers.py")
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def announced(engine: Engine) -> bool:
    return lock_held(foreground_lock_file(engine))


def test_a_web_transaction_is_announced_until_it_ends_and_the_worker_waits_for_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(foreground, "MAX_YIELD_SECONDS", 0.3)
    assert not announced(engine)
    with engine.connect() as web:
        web.begin()
        web.execute(text("SELECT 1"))
        assert announced(engine)
        started = time.monotonic()
        with foreground.background_writes(), engine.begin() as worker:
            assert worker.execute(text("SELECT 2")).scalar() == 2
        assert time.monotonic() - started >= 0.3  # it waited, then went anyway
        web.commit()
    assert not announced(engine)
    started = time.monotonic()
    monkeypatch.setattr(foreground, "_last_busy", float("-inf"))  # long quiet
    with foreground.background_writes(), engine.begin() as worker:
        worker.execute(text("SELECT 3"))
    assert time.monotonic() - started < 0.3  # idle: at once


def test_one_lock_file_per_server_and_database() -> None:
    first = make_engine("postgresql+psycopg://u:secret@db.example:5432/hireloop")
    same = make_engine("postgresql+psycopg://other@db.example:5432/hireloop")
    other = make_engine("postgresql+psycopg://u@db.example:5432/staging")
    assert foreground_lock_file(first) == foreground_lock_file(same)
    assert foreground_lock_file(first) != foreground_lock_file(other)
    assert "secret" not in foreground_lock_file(first)
