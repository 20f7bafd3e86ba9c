"""Background work: the outbox table (``models``), ``enqueue`` in the caller's transaction
(``queue``), the explicit list of handlers and sweeps (``registry``), ``hireloop worker``
(``worker``: the loop and signals; ``claims``: leases, retries and backoff on the outbox
table; ``sweeps``; ``settings``; ``eventlog``) and ``hireloop outbox`` (``cli``)."""

from __future__ import annotations

from flask import Flask

from plugin.jobs import registry


def init_app(app: Flask) -> None:
    registry.init_app(app)
