"""One Harvest v3 token for the whole deployment, kept in the database (``ats_tokens``).

Greenhouse's token endpoint is limited separately, and a new token may revoke the previous
one (a third-party reading; nothing official says either way). So every web and worker
process shares one token per client id: a process needing one reads the row; when it is
missing, about to expire or refused with a 401, ONE process mints (it holds
``minting_until``, taken in a short transaction, while it asks; nothing is locked during the
HTTP call) and the others wait for its token. A refusal of the credentials is recorded on
the row (``/healthz`` shows it) and not asked again before ``retry_after``, so a wrong secret
is a clear error in every process's log, not a request per call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from plugin.ats.errors import AtsAuthError, AtsError, AtsTimeout
from plugin.ats.greenhouse.auth import mint_token
from plugin.ats.http import shared_session
from plugin.ats.models import AtsToken
from plugin.ats.ratelimit import _budget_engine, db_now

log = logging.getLogger("hireloop.ats.greenhouse")

TABLE: Table = AtsToken.__table__  # type: ignore[assignment]
#: After a refusal of the credentials, the next try waits this long (every process).
REFUSED_PAUSE = timedelta(seconds=60)
WAIT_STEP = 0.1


class SharedOAuthToken:
    """The ``AuthProvider`` of Harvest v3 for a deployment with a database."""

    def __init__(
        self,
        database: str | Engine,
        credential: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        user_id: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        margin: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.engine = _budget_engine(database) if isinstance(database, str) else database
        self._postgres = self.engine.dialect.name == "postgresql"
        self.credential = credential
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.user_id = user_id
        self.session = session or shared_session()
        self.timeout = timeout
        self.margin = margin
        self.sleep = sleep
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0  # this process's clock
        self.tokens_fetched = 0  # minted by this process

    # -- AuthProvider --------------------------------------------------------------------------

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or time.time() >= self._expires - self.margin:
                self._token, lifetime = self._shared_token()
                self._expires = time.time() + lifetime
            return {"Authorization": f"Bearer {self._token}"}

    def invalidate(self) -> bool:
        """A 401 on this token: drop it for every process (unless one has replaced it
        already), so the next call mints once."""
        with self._lock:
            bad, self._token = self._token, None
        if bad is not None:
            self._transaction(
                lambda c: c.execute(
                    update(TABLE)
                    .where(TABLE.c.credential == self.credential, TABLE.c.access_token == bad)
                    .values(access_token=None, expires_at=None)
                )
            )
        return True

    # -- the shared row ------------------------------------------------------------------------

    def _shared_token(self) -> tuple[str, float]:
        """A token valid for more than ``margin`` seconds: the shared one, or one this
        process mints while the others wait."""
        deadline = time.monotonic() + self.timeout + 15
        while True:
            try:
                state, value, lifetime = self._transaction(self._claim)
            except OperationalError as exc:  # SQLite: another process holds the write lock
                if self._postgres or "locked" not in str(exc).lower():
                    raise
                state, value, lifetime = "wait", "", 0.0
            if state == "ready":
                return value, lifetime
            if state == "refused":
                raise AtsAuthError(value, 401)
            if state == "mint":
                return self._mint()
            if time.monotonic() > deadline:
                raise AtsTimeout("another process is minting the Greenhouse token for too long")
            self.sleep(WAIT_STEP)

    def _claim(self, connection: Connection) -> tuple[str, str, float]:
        """("ready", token, seconds left), ("refused", error, 0), ("wait", "", 0), or
        ("mint", "", 0) with ``minting_until`` now held by this process."""
        now = db_now(connection)
        row = self._row(connection)
        token, expires = row["access_token"], row["expires_at"]
        if token and expires is not None and expires - timedelta(seconds=self.margin) > now:
            return "ready", str(token), (expires - now).total_seconds()
        if row["last_error"] and row["retry_after"] is not None and row["retry_after"] > now:
            return "refused", str(row["last_error"]), 0.0
        if row["minting_until"] is not None and row["minting_until"] > now:
            return "wait", "", 0.0
        self._set(connection, minting_until=now + timedelta(seconds=self.timeout + 5))
        return "mint", "", 0.0

    def _mint(self) -> tuple[str, float]:
        try:
            token, lifetime = mint_token(
                self.session,
                self.token_url,
                self.client_id,
                self.client_secret,
                self.user_id,
                timeout=self.timeout,
                now=time.time(),
            )
        except AtsError as exc:
            log.error("greenhouse: no v3 access token: %s", exc)
            if exc.retryable:
                # It may pass (timeout, 5xx): the next caller asks again; recorded as a
                # refusal, it would turn every other process's call into a 401 for a while.
                self._transaction(self._release)
            else:
                error = str(exc)
                self._transaction(lambda c: self._failed(c, error))
            raise
        self._transaction(lambda c: self._minted(c, token, lifetime))
        self.tokens_fetched += 1
        log.info("greenhouse: new v3 access token, valid %.0f s", lifetime)
        return token, lifetime

    def _minted(self, connection: Connection, token: str, lifetime: float) -> None:
        now = db_now(connection)
        row = self._row(connection)
        self._set(
            connection,
            access_token=token,
            expires_at=now + timedelta(seconds=lifetime),
            minted_at=now,
            mint_count=int(row["mint_count"] or 0) + 1,
            minting_until=None,
            last_error=None,
            retry_after=None,
        )

    def _failed(self, connection: Connection, error: str) -> None:
        """The token endpoint refused the credentials: every process waits ``REFUSED_PAUSE``."""
        now = db_now(connection)
        self._row(connection)
        self._set(
            connection,
            minting_until=None,
            last_error=error[:1000],
            retry_after=now + REFUSED_PAUSE,
        )

    def _release(self, connection: Connection) -> None:
        """This process no longer mints; another may try at once."""
        self._row(connection)
        self._set(connection, minting_until=None)

    def _row(self, connection: Connection) -> Any:
        query = select(TABLE).where(TABLE.c.credential == self.credential)
        if self._postgres:
            query = query.with_for_update()
        row = connection.execute(query).mappings().first()
        if row is None:
            insert = pg_insert(TABLE) if self._postgres else sqlite_insert(TABLE)
            connection.execute(
                insert.values(credential=self.credential, mint_count=0).on_conflict_do_nothing()
            )
            row = connection.execute(query).mappings().one()
        return row

    def _set(self, connection: Connection, **values: Any) -> None:
        connection.execute(
            update(TABLE).where(TABLE.c.credential == self.credential).values(**values)
        )

    def _transaction(self, operation: Callable[[Connection], Any]) -> Any:
        with self.engine.begin() as connection:
            return operation(connection)


def token_problems(session: Session | Connection) -> dict[str, str]:
    """The credentials whose token endpoint refused or failed last time (for ``/healthz``)."""
    rows = session.execute(
        select(TABLE.c.credential, TABLE.c.last_error).where(TABLE.c.last_error.is_not(None))
    ).all()
    return {str(row.credential): str(row.last_error) for row in rows}
