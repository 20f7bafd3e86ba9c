"""Background work: the outbox table (``models``), ``enqueue`` in the caller's transaction
(``queue``), the explicit list of handlers and sweeps (``registry``), ``hireloop worker``
(``worker``, ``cli``)."""

from __future__ import annotations

from flask import Flask

from plugin.jobs import registry


def init_app(app: Flask) -> None:
    registry.init_app(app)
