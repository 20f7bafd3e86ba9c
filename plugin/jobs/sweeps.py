"""The periodic sweeps capabilities register (``JobRegistry.add_sweep``), run by the worker
when due: each about every ``every_seconds``, or ``HIRELOOP_<NAME>_SECONDS`` when set (the
import sweep: ``HIRELOOP_IMPORT_SWEEP_SECONDS``). A sweep's error is logged and rolled back;
the others still run."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from plugin.jobs.eventlog import log_event
from plugin.jobs.registry import JobRegistry, PeriodicSweep


def setting_for(name: str) -> str:
    """The setting that overrides a sweep's interval: import-sweep -> IMPORT_SWEEP_SECONDS."""
    return name.upper().replace("-", "_") + "_SECONDS"


def interval_for(config: Mapping[str, Any], name: str, default: float) -> float:
    """The sweep's interval: its setting when that is a number, else ``default``."""
    value = config.get(setting_for(name))
    try:
        return float(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


class Sweeps:
    """Runs the registry's sweeps that are due; remembers when each last ran."""

    def __init__(
        self, registry: JobRegistry, config: Mapping[str, Any], sessions: sessionmaker[Session]
    ) -> None:
        self.registry = registry
        # Read at each pass, not copied: an interval set after start applies (tests do).
        self.config = config
        self.sessions = sessions
        self._last_run: dict[str, float] = {}

    def run_due(self) -> int:
        """Run the sweeps whose interval has passed (each at the first pass); how many ran."""
        ran = 0
        for name, sweep in sorted(self.registry.sweeps.items()):
            interval = interval_for(self.config, name, sweep.every_seconds)
            last = self._last_run.get(name)
            if last is not None and time.monotonic() - last < interval:
                continue
            self._last_run[name] = time.monotonic()
            self._run(name, sweep)
            ran += 1
        return ran

    def _run(self, name: str, sweep: PeriodicSweep) -> None:
        started = time.monotonic()
        with self.sessions() as session:
            try:
                result = sweep.function(session)
                session.commit()
                log_event(
                    "periodic.done",
                    name=name,
                    result=result,
                    duration_ms=round((time.monotonic() - started) * 1000),
                )
            except Exception:
                session.rollback()
                log_event(
                    "periodic.failed",
                    logging.ERROR,
                    name=name,
                    error=traceback.format_exc(limit=5),
                )
