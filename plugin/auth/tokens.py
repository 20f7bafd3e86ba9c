"""Bearer tokens for the API: creation (the secret shown once, its hash stored) and checks.

Roles: admin sees everything; recruiter and hiring_manager tokens may be scoped to one ATS
job, and then see only that job's loops, applications and verdicts.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.auth.models import ApiToken
from plugin.core.db import get_session
from plugin.core.errors import ApiError
from plugin.core.models import utcnow

ROLES = ("admin", "recruiter", "hiring_manager")
TOKEN_PREFIX = "hl_"

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


def create_token(session: Session, role: str, job_id: str | None = None, name: str = "") -> str:
    """Store a new token and return its secret; the secret is not kept anywhere."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(role=role, job_id=job_id, name=name, token_hash=hash_token(token)))
    return token


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
    if row is None or row.revoked_at is not None:
        raise _unauthorized("The API token is not valid.")
    return Principal(role=row.role, job_id=row.job_id, token_id=row.id)


def require_role(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Authenticate the request and allow it only for the given roles (admin always)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = authenticate(get_session())
            if principal.role != "admin" and principal.role not in roles:
                raise ApiError(403, f"This needs one of the roles: {', '.join(('admin', *roles))}.")
            g.principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorate


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal


def touch(session: Session, principal: Principal) -> None:
    token = session.get(ApiToken, principal.token_id)
    if token is not None:
        token.last_used_at = utcnow()
