"""Shared fixtures: a database migrated once per run, one app per distinct configuration,
and only the tables a test wrote to emptied after it.

SQLite by default (on /dev/shm when there is one: the app asks SQLite to sync every commit
to disk, and the suite makes thousands); with HIRELOOP_TEST_DATABASE_URL set (CI does), a
fresh PostgreSQL database is created on that server for this run (and for each xdist
worker) and dropped at the end. The schema always comes from the Alembic migrations.

Apps are built once per session for each set of config overrides and shared by the tests
asking for the same overrides. A test may change its app (``monkeypatch.setitem(app.config,
...)``, ``app.config.update``, extra job handlers): both are put back after the test, so the
next test gets the app as ``create_app`` built it. Many tests run the worker, threads or
subprocesses against the database, so each test commits for real; afterwards one statement
empties the tables that are not empty (a rolled-back transaction cannot cover that).
"""

from __future__ import annotations

import copy
import os
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from plugin import create_app
from plugin.auth.tokens import create_token
from plugin.core.db import get_engine
from plugin.core.migrate import upgrade
from plugin.jobs.registry import job_registry
from plugin.schema import metadata

ROOT = Path(__file__).resolve().parents[1]
# The vendors' documented payloads, copied verbatim (tests/fixtures/payloads/README.md).
PAYLOADS = Path(__file__).resolve().parent / "fixtures" / "payloads"
# Apps kept per session; a test that builds one with a fresh port in its config pushes the
# least recently used out (its engine is disposed), so the pools stay few.
CACHED_APPS = 12
TABLES = [table.name for table in reversed(metadata.sorted_tables)]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("HIRELOOP_TEST_DATABASE_URL")
    if not server_url:
        yield from _sqlite_database(tmp_path_factory)
        return
    base = make_url(server_url)
    name = f"hireloop_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        directory = shm / f"hireloop-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        directory.mkdir()
    else:
        directory = tmp_path_factory.mktemp("db")
    url = f"sqlite:///{directory / 'hireloop-test.db'}"
    upgrade(url)
    try:
        yield url
    finally:
        if directory.parent == shm:
            for path in directory.iterdir():
                path.unlink()
            directory.rmdir()


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_URL": "http://hireloop.test",
    }
    config.update(overrides)
    return config


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests configure the app explicitly; a developer's HIRELOOP_* variables must not leak in."""
    for name in list(os.environ):
        if name.startswith("HIRELOOP_") and name != "HIRELOOP_TEST_DATABASE_URL":
            monkeypatch.delenv(name)


class AppCache:
    """The session's apps, by their config overrides, and the tables tests leave behind."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.apps: OrderedDict[str, Flask] = OrderedDict()

    def get(self, overrides: dict[str, Any]) -> Flask:
        key = _key(overrides)
        app = self.apps.get(key)
        if app is None:
            app = self.apps[key] = create_app(app_config(self.database_url, **overrides))
            while len(self.apps) > CACHED_APPS:
                _, evicted = self.apps.popitem(last=False)
                dispose(evicted)
        self.apps.move_to_end(key)
        # Flask refuses new routes once an app served a request (other processes serving it
        # would not have them); a test adding one gets an app of its own afterwards instead.
        app._got_first_request = False
        return app

    def forget(self, app: Flask) -> None:
        """Drop ``app`` (a test added routes or hooks to it) and dispose its engine."""
        for key, cached in list(self.apps.items()):
            if cached is app:
                del self.apps[key]
                dispose(app)

    @property
    def engine(self) -> Engine:
        """The engine of the plain app, which every session builds anyway."""
        with self.get({}).app_context():
            return get_engine()

    def empty_tables(self) -> None:
        """Empty the tables a test wrote to, in one statement (PostgreSQL restarts their ids;
        SQLite's integer keys start again from the largest left, which is none)."""
        engine = self.engine
        with engine.begin() as connection:
            dirty = [name for (name,) in connection.execute(text(_dirty_tables_query(engine)))]
            if not dirty:
                return
            if engine.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(dirty)} RESTART IDENTITY CASCADE"))
            else:
                for table in TABLES:  # children first, for the foreign keys
                    if table in dirty:
                        connection.execute(text(f"DELETE FROM {table}"))

    def close(self) -> None:
        for app in self.apps.values():
            dispose(app)
        self.apps.clear()


def _key(overrides: dict[str, Any]) -> str:
    """The overrides and the HIRELOOP_* environment ``create_app`` reads settings from."""
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("HIRELOOP_"))
    return repr((sorted(overrides.items()), environment))


def setup_of(app: Flask) -> tuple[int, ...]:
    """How much was registered on ``app``: changes when a test adds a route or a hook."""
    return (
        len(app.view_functions),
        sum(len(funcs) for funcs in app.before_request_funcs.values()),
        sum(len(funcs) for funcs in app.after_request_funcs.values()),
        sum(len(funcs) for funcs in app.teardown_request_funcs.values()),
        len(app.teardown_appcontext_funcs),
        # Flask's lookups fill these defaultdicts with empty entries: count handlers only.
        sum(
            len(handlers)
            for codes in app.error_handler_spec.values()
            for handlers in codes.values()
        ),
    )


def _dirty_tables_query(engine: Engine) -> str:
    """One query naming the tables with rows, and on PostgreSQL also those whose id sequence
    moved (an insert rolled back leaves no row but a used id)."""
    checks = []
    for table in TABLES:
        used = f"EXISTS (SELECT 1 FROM {table})"
        if engine.dialect.name == "postgresql" and "id" in metadata.tables[table].c:
            used += (
                " OR EXISTS (SELECT 1 FROM pg_sequences WHERE last_value IS NOT NULL"
                f" AND schemaname || '.' || sequencename = pg_get_serial_sequence('{table}', 'id'))"
            )
        checks.append(f"SELECT '{table}' WHERE {used}")
    return " UNION ALL ".join(checks)


def dispose(app: Flask) -> None:
    with app.app_context():
        get_engine().dispose()


class Borrowed:
    """A cached app lent to a test, and what to put back when the test is done."""

    def __init__(self, app: Flask) -> None:
        registry = job_registry(app)
        self.app = app
        self.config = copy.copy(dict(app.config))
        self.handlers = dict(registry.handlers)
        self.sweeps = dict(registry.sweeps)
        self.setup = setup_of(app)

    def give_back(self, cache: AppCache) -> None:
        if setup_of(self.app) != self.setup:
            cache.forget(self.app)
            return
        self.app.config.clear()
        self.app.config.update(self.config)
        registry = job_registry(self.app)
        registry.handlers.clear()
        registry.handlers.update(self.handlers)
        registry.sweeps.clear()
        registry.sweeps.update(self.sweeps)


@pytest.fixture(scope="session")
def app_cache(database_url: str) -> Iterator[AppCache]:
    cache = AppCache(database_url)
    yield cache
    cache.close()


@pytest.fixture
def make_app(app_cache: AppCache, database_url: str) -> Iterator[Callable[..., Flask]]:
    """Apps with config overrides, shared with other tests asking for the same overrides:
    whatever a test changes in an app's config or job registry is put back after it, and
    the tables it wrote to are emptied."""
    borrowed: list[Borrowed] = []
    separate: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        if overrides.get("DATABASE_URL", database_url) != database_url:
            app = create_app(app_config(database_url, **overrides))  # not the test database
            separate.append(app)
            return app
        app = app_cache.get(overrides)
        borrowed.append(Borrowed(app))
        return app

    yield factory
    for lent in reversed(borrowed):
        lent.give_back(app_cache)
    for app in separate:
        dispose(app)
    app_cache.empty_tables()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The app, with no context pushed: each request gets its own context and session,
    as in production. Use the ``db`` fixture to look at or arrange data."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session of its own, outside any request, for arranging data and checking results."""
    with app.app_context():
        engine = get_engine()
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def make_token(db: Session) -> Callable[..., str]:
    def factory(role: str = "admin", job_id: str | None = None) -> str:
        token = create_token(db, role, job_id)
        db.commit()
        return token

    return factory


@pytest.fixture
def auth(make_token: Callable[..., str]) -> Callable[..., dict[str, str]]:
    """Headers for a request as a role: ``client.get(url, headers=auth("recruiter"))``."""

    def headers(role: str = "admin", job_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(role, job_id)}"}

    return headers


from tests.browser import browser, live_server, page  # noqa: E402,F401  (shared fixtures)
