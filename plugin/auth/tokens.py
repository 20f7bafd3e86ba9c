"""Bearer tokens for the API: creation (the secret shown once, its hash stored) and checks.

Roles: admin sees everything; recruiter and hiring_manager tokens may be scoped to one ATS
job, and then see only that job's loops, applications and verdicts. A token expires
(``expires_at``; 90 days unless said otherwise) and can be revoked; either answers 401.

Authentication comes before anything reads the request's arguments: ``require_role`` marks
the view, and ``authenticate_first`` (before every request) checks a marked view's token
before flask-smorest parses its query or body, so an anonymous caller learns no field names.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.auth.models import ApiToken
from plugin.core.db import get_session
from plugin.core.errors import ApiError
from plugin.core.models import utcnow

ROLES = ("admin", "recruiter", "hiring_manager")
TOKEN_PREFIX = "hl_"
DEFAULT_EXPIRES_DAYS = 90
#: ``last_used_at`` is written at most this often per token (a write per request would
#: contend with the worker on SQLite for a figure people read in days).
TOUCH_EVERY = timedelta(minutes=1)
#: The attribute ``require_role`` leaves on a view (``functools.wraps`` carries it outward).
ROLES_ATTRIBUTE = "hireloop_roles"

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Principal:
    role: str
    job_id: str | None
    token_id: int

    @property
    def actor(self) -> str:
        return f"{self.role}:token-{self.token_id}"

    def can_see_job(self, job_id: str | None) -> bool:
        return self.role == "admin" or self.job_id is None or self.job_id == job_id


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    role: str,
    job_id: str | None = None,
    name: str = "",
    *,
    expires_days: float | None = DEFAULT_EXPIRES_DAYS,
) -> str:
    """Store a new token and return its secret; the secret is not kept anywhere."""
    return issue_token(session, role, job_id, name, expires_days=expires_days)[0]


def issue_token(
    session: Session,
    role: str,
    job_id: str | None = None,
    name: str = "",
    *,
    expires_days: float | None = DEFAULT_EXPIRES_DAYS,
) -> tuple[str, ApiToken]:
    """The new token's secret and its (flushed) row."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if expires_days is not None and expires_days <= 0:
        raise ValueError("a token must last a positive number of days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=expires_days) if expires_days is not None else None
    row = ApiToken(
        role=role, job_id=job_id, name=name, token_hash=hash_token(token), expires_at=expires
    )
    session.add(row)
    session.flush()
    return token, row


def usable(row: ApiToken | None, now: datetime | None = None) -> bool:
    """Neither revoked nor expired."""
    if row is None or row.revoked_at is not None:
        return False
    return row.expires_at is None or row.expires_at > (now or utcnow())


def principal_of(row: ApiToken) -> Principal:
    return Principal(role=row.role, job_id=row.job_id, token_id=row.id)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="hireloop"'})


def authenticate(session: Session) -> Principal:
    token = bearer_token()
    if token is None:
        raise _unauthorized("Send an API token as 'Authorization: Bearer <token>'.")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or not usable(row):
        raise _unauthorized("The API token is not valid (unknown, revoked or expired).")
    _touch(session, row)
    return principal_of(row)


def _touch(session: Session, row: ApiToken) -> None:
    """Record the use in a transaction of its own (a GET commits nothing else)."""
    now = utcnow()
    if row.last_used_at is not None and now - row.last_used_at < TOUCH_EVERY:
        return
    if session.new or session.dirty or session.deleted:
        return  # never commit a caller's half-done work; the next request records it
    row.last_used_at = now
    session.commit()


#: Where this request's authenticated principal is kept (on the request, not ``g``, which a
#: caller's outer application context may share between requests).
PRINCIPAL_KEY = "hireloop.principal"


def _check_roles(roles: tuple[str, ...]) -> Principal:
    principal = request.environ.get(PRINCIPAL_KEY) or authenticate(get_session())
    if principal.role != "admin" and principal.role not in roles:
        raise ApiError(403, f"This needs one of the roles: {', '.join(('admin', *roles))}.")
    set_principal(principal)
    return principal


def authenticate_first() -> None:
    """Before every request: a view marked by ``require_role`` checks its token now, before
    its arguments are parsed."""
    view = current_app.view_functions.get(request.endpoint or "")
    roles = getattr(view, ROLES_ATTRIBUTE, None)
    if roles is not None:
        _check_roles(roles)


def require_role(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Authenticate the request and allow it only for the given roles (admin always)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            _check_roles(roles)
            return view(*args, **kwargs)

        setattr(wrapper, ROLES_ATTRIBUTE, roles)
        return wrapper

    return decorate


def set_principal(principal: Principal) -> None:
    request.environ[PRINCIPAL_KEY] = principal


def signed_in_principal() -> Principal | None:
    """This request's principal, or None where nobody was authenticated (sign-in, errors)."""
    if not has_request_context():
        return None
    principal: Principal | None = request.environ.get(PRINCIPAL_KEY)
    return principal


def current_principal() -> Principal:
    """This request's principal, in a view behind ``require_role`` or ``page_role``."""
    principal = signed_in_principal()
    if principal is None:
        raise RuntimeError("current_principal() outside an authenticated view")
    return principal
