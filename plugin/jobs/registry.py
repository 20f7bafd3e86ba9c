"""What the worker can do: the handler of each outbox job kind and the periodic sweeps.

Capabilities register theirs explicitly in their ``init_app``, so the worker's job list is
the list of ``add_handler`` and ``add_sweep`` calls reachable from ``create_app``; nothing
is discovered by importing modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from plugin.jobs.models import OutboxJob

#: ``(session, job) -> result``: performs one job; the result is stored on the job.
Handler = Callable[[Session, OutboxJob], Any]
#: ``(session) -> result``: only queues outbox jobs; safe to run on several workers at once.
Sweep = Callable[[Session], Any]

EXTENSION = "hireloop.jobs"


@dataclass(frozen=True)
class PeriodicSweep:
    every_seconds: float
    function: Sweep


@dataclass
class JobRegistry:
    handlers: dict[str, Handler] = field(default_factory=dict)
    sweeps: dict[str, PeriodicSweep] = field(default_factory=dict)

    def add_handler(self, kind: str, function: Handler) -> None:
        if self.handlers.get(kind, function) is not function:
            raise RuntimeError(f"two handlers for outbox kind {kind!r}")
        self.handlers[kind] = function

    def add_sweep(self, name: str, every_seconds: float, function: Sweep) -> None:
        """The worker runs it about every ``every_seconds``, or ``HIRELOOP_<NAME>_SECONDS``."""
        self.sweeps[name] = PeriodicSweep(every_seconds, function)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = JobRegistry()


def job_registry(app: Flask | None = None) -> JobRegistry:
    registry: JobRegistry = (app or current_app).extensions[EXTENSION]
    return registry
