"""Engine and the per-request session.

The session lives for one application context (a request, a CLI command, a worker step)
and is closed when the context ends; code that changes data commits at the edge.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from plugin.core import columns, foreground, sqlite

EXTENSION = "hireloop.db"


@dataclass(frozen=True)
class DatabaseState:
    engine: Engine
    sessions: sessionmaker[Session]


def make_engine(url: str, **options: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args=sqlite.connect_args(), **options)
        sqlite.configure(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **options)
    lock = foreground_lock_file(engine)
    foreground.configure(engine, lambda _dbapi_connection: lock)
    return engine


def foreground_lock_file(engine: Engine) -> str:
    """The lock file through which this machine's processes using one database server and
    database see each other's transactions (``plugin.core.foreground``)."""
    where = f"{engine.url.host}:{engine.url.port}/{engine.url.database}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"hireloop-{digest}.foreground")


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    sessions = sessionmaker(engine, expire_on_commit=False)
    columns.install(sessions)
    app.extensions[EXTENSION] = DatabaseState(engine, sessions)
    app.teardown_appcontext(_close_session)


def state() -> DatabaseState:
    database: DatabaseState = current_app.extensions[EXTENSION]
    return database


def get_engine() -> Engine:
    return state().engine


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = state().sessions()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
