"""Client-side rate limiting per ATS credential: a token bucket kept in the database.

The budget belongs to the credential, not to a process: every worker (and web process) of a
deployment draws on the same ``rate_limit_budgets`` row, and time is read from the
database's clock, so machines with skewed clocks still share one budget. A 429's
``Retry-After`` sets ``paused_until`` on that row, which pauses every request on the
credential, not only the one refused.

On SQLite (one machine) the row is taken with a short lock timeout; if the caller already
holds SQLite's write lock in the same process (a request that reads, then calls the ATS),
the limiter falls back to an in-process bucket for that call rather than deadlocking.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Table, create_engine, event, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from plugin.ats.errors import AtsRateLimited
from plugin.ats.models import RateLimitBudget

log = logging.getLogger("hireloop.ratelimit")

TABLE: Table = RateLimitBudget.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``rate`` tokens per second, at most ``burst`` saved up."""

    rate: float
    burst: float

    @classmethod
    def per_window(cls, limit: int, window_seconds: float) -> RateLimit:
        """At most ``limit`` requests in ANY window of ``window_seconds`` (a sliding window,
        the strictest reading of Greenhouse's "per 10 seconds"): burst + rate x window stays
        one below the limit, which still uses about 94% of a limit of 50."""
        limit = max(int(limit), 1)
        burst = max(1.0, math.floor(limit * 0.04))
        rate = max(limit - burst - 1, 0.5) / window_seconds
        return cls(rate=rate, burst=burst)


GREENHOUSE_WINDOW_SECONDS = 10.0  # Harvest v1's documented window
# Harvest v3: a fixed 30-second window (third-party readings of its rate-limit guide).
GREENHOUSE_V3_WINDOW_SECONDS = 30.0
# Lever: 10 requests per second steady, bursts to 20, per API key; stay a little under.
LEVER_LIMIT = RateLimit(rate=9.5, burst=18)
# Ashby publishes no number; be conservative and rely on 429 + Retry-After beyond it.
ASHBY_LIMIT = RateLimit(rate=5.0, burst=10)


class Budget(Protocol):
    def take(self, credential: str, limit: RateLimit) -> float:
        """Take one token: 0.0 when taken, else the seconds to wait (nothing taken)."""
        ...

    def pause(self, credential: str, seconds: float) -> None:
        """Refuse every request on the credential for ``seconds``."""
        ...

    def drain(self, credential: str) -> None:
        """The ATS says nothing is left (``X-RateLimit-Remaining: 0``): empty the bucket."""
        ...


def _refill(tokens: float, elapsed: float, limit: RateLimit) -> float:
    return min(limit.burst, tokens + max(elapsed, 0.0) * limit.rate)


class MemoryBudget:
    """An in-process bucket (tests, and SQLite's fallback). Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float, float]] = {}  # tokens, refreshed, paused

    def take(self, credential: str, limit: RateLimit) -> float:
        with self._lock:
            now = self.clock()
            tokens, refreshed, paused = self._state.get(credential, (limit.burst, now, 0.0))
            if paused > now:
                return paused - now
            tokens = _refill(tokens, now - refreshed, limit)
            if tokens >= 1.0:
                self._state[credential] = (tokens - 1.0, now, paused)
                return 0.0
            self._state[credential] = (tokens, now, paused)
            return (1.0 - tokens) / limit.rate

    def pause(self, credential: str, seconds: float) -> None:
        with self._lock:
            now = self.clock()
            _, _, paused = self._state.get(credential, (0.0, now, 0.0))
            self._state[credential] = (0.0, now, max(paused, now + seconds))

    def drain(self, credential: str) -> None:
        with self._lock:
            now = self.clock()
            _, _, paused = self._state.get(credential, (0.0, now, 0.0))
            self._state[credential] = (0.0, now, paused)


def db_now(connection: Connection) -> datetime:
    """The database's clock, as an aware UTC datetime."""
    if connection.dialect.name == "postgresql":
        value = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
    else:
        raw = connection.execute(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar_one()
        value = datetime.fromisoformat(str(raw))
    if not isinstance(value, datetime):  # pragma: no cover - a driver we do not know
        raise TypeError(f"database clock gave {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()
_FALLBACK = MemoryBudget()


def _budget_engine(url: str) -> Engine:
    """One small engine per database URL for budget rows, separate from request sessions."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is not None:
            return engine
        if url.startswith("sqlite"):
            engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 0.5, "isolation_level": None},
            )

            @event.listens_for(engine, "connect")
            def on_connect(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA busy_timeout=500")
                cursor.close()

            @event.listens_for(engine, "begin")
            def on_begin(connection: Any) -> None:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)
        _ENGINES[url] = engine
        return engine


def dispose_engines() -> None:
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


class DatabaseBudget:
    """The bucket in ``rate_limit_budgets``, one row per credential, on the database's clock."""

    def __init__(self, database: str | Engine, fallback: MemoryBudget | None = None) -> None:
        self.engine = _budget_engine(database) if isinstance(database, str) else database
        self.fallback = fallback or _FALLBACK
        self._postgres = self.engine.dialect.name == "postgresql"

    def _insert(self) -> Any:
        return pg_insert(TABLE) if self._postgres else sqlite_insert(TABLE)

    def _row(
        self, connection: Connection, credential: str, burst: float, now: datetime
    ) -> Mapping[str, Any]:
        query = select(TABLE).where(TABLE.c.credential == credential)
        if self._postgres:
            query = query.with_for_update()
        row = connection.execute(query).mappings().first()
        if row is None:
            connection.execute(
                self._insert()
                .values(credential=credential, tokens=burst, refreshed_at=now, paused_until=None)
                .on_conflict_do_nothing()
            )
            row = connection.execute(query).mappings().one()
        return dict(row)

    def _locked(self, operation: Callable[[Connection], float]) -> float:
        with self.engine.begin() as connection:
            return operation(connection)

    def take(self, credential: str, limit: RateLimit) -> float:
        def operation(connection: Connection) -> float:
            now = db_now(connection)
            row = self._row(connection, credential, limit.burst, now)
            paused = row["paused_until"]
            if paused is not None and paused > now:
                return (paused - now).total_seconds()
            elapsed = (now - row["refreshed_at"]).total_seconds()
            tokens = _refill(float(row["tokens"]), elapsed, limit)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / limit.rate
            connection.execute(
                update(TABLE)
                .where(TABLE.c.credential == credential)
                .values(tokens=tokens, refreshed_at=now, paused_until=None)
            )
            return wait

        try:
            return self._locked(operation)
        except OperationalError as exc:
            if self._postgres or "locked" not in str(exc).lower():
                raise
            log.warning("rate-limit budget row busy; using the in-process bucket for this call")
            return self.fallback.take(credential, limit)

    def pause(self, credential: str, seconds: float) -> None:
        def operation(connection: Connection) -> float:
            now = db_now(connection)
            row = self._row(connection, credential, 0.0, now)
            until = now + timedelta(seconds=max(seconds, 0.0))
            current = row["paused_until"]
            if current is not None and current > until:
                until = current
            connection.execute(
                update(TABLE)
                .where(TABLE.c.credential == credential)
                .values(tokens=0.0, refreshed_at=now, paused_until=until)
            )
            return 0.0

        self.fallback.pause(credential, seconds)
        try:
            self._locked(operation)
        except OperationalError as exc:
            if self._postgres or "locked" not in str(exc).lower():
                raise

    def drain(self, credential: str) -> None:
        def operation(connection: Connection) -> float:
            now = db_now(connection)
            self._row(connection, credential, 0.0, now)
            connection.execute(
                update(TABLE)
                .where(TABLE.c.credential == credential)
                .values(tokens=0.0, refreshed_at=now)
            )
            return 0.0

        self.fallback.drain(credential)
        try:
            self._locked(operation)
        except OperationalError as exc:
            if self._postgres or "locked" not in str(exc).lower():
                raise


class RateLimiter:
    """One credential's limiter: waits for a token before each request, learns the limit
    from ``X-RateLimit-Limit`` where the ATS sends it, and pauses on 429."""

    def __init__(
        self,
        budget: Budget,
        credential: str,
        limit: RateLimit,
        *,
        window_seconds: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 300.0,
    ) -> None:
        self.budget = budget
        self.credential = credential
        self.limit = limit
        self.window_seconds = window_seconds  # set: the limit header counts per this window
        self.sleep = sleep
        self.max_wait = max_wait

    def acquire(self) -> float:
        """Block until a token is taken; returns the seconds waited."""
        waited = 0.0
        while True:
            wait = self.budget.take(self.credential, self.limit)
            if wait <= 0:
                return waited
            if waited + wait > self.max_wait:
                raise AtsRateLimited(
                    f"rate limit budget of {self.credential} exhausted for {wait:.0f} s",
                    retry_after=wait,
                )
            self.sleep(wait)
            waited += wait

    def pause(self, seconds: float) -> None:
        log.info(
            "rate limit: pausing %s for %.1f s",
            self.credential,
            seconds,
            extra={"credential": self.credential, "seconds": seconds},
        )
        self.budget.pause(self.credential, seconds)

    def observe(self, limit_header: int | None, remaining: int | None) -> None:
        """Follow the ATS's published limit (Greenhouse: per 10 s) and its remaining count."""
        if limit_header and self.window_seconds:
            learned = RateLimit.per_window(limit_header, self.window_seconds)
            if learned != self.limit:
                log.info(
                    "rate limit of %s is now %d per %.0f s",
                    self.credential,
                    limit_header,
                    self.window_seconds,
                )
                self.limit = learned
        if remaining is not None and remaining <= 0:
            self.budget.drain(self.credential)
