"""Shared fixtures: a database migrated once per run, emptied after every test.

SQLite by default; with HIRELOOP_TEST_DATABASE_URL set (CI does), a fresh PostgreSQL
database is created on that server for this run (and for each xdist worker) and dropped
at the end. The schema always comes from the Alembic migrations.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from plugin import create_app
from plugin.auth.tokens import create_token
from plugin.core.db import get_engine, make_engine
from plugin.core.migrate import upgrade
from plugin.schema import metadata

ROOT = Path(__file__).resolve().parents[1]
# The vendors' documented payloads, copied verbatim (tests/fixtures/payloads/README.md).
PAYLOADS = Path(__file__).resolve().parent / "fixtures" / "payloads"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("HIRELOOP_TEST_DATABASE_URL")
    if not server_url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hireloop-test.db'}"
        upgrade(url)
        yield url
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


def test_config(database_url: str, **overrides: Any) -> dict[str, Any]:
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


def _empty_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build apps with config overrides; every table is emptied after the test."""
    apps: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = create_app(test_config(database_url, **overrides))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            get_engine().dispose()
    _empty_tables(database_url)


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
