"""Browser sessions kept on the server, and one-time sign-in links.

The signed cookie carries only a random session secret; the ``web_sessions`` row (its
hash) says whose it is. Sign-out ends the row, so a copy of the cookie replayed later opens
nothing; a session idle for ``IDLE_EXPIRY`` ends too, as does every session of a token that
is revoked or expires.

A sign-in link (``hireloop tokens login-link``) is a random secret in a path, valid for
``LINK_VALID_FOR`` and used once: opening it shows a button, and the POST behind the button
spends it (a chat's link preview fetching the address spends nothing).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plugin.auth.models import ApiToken, LoginLink, WebSession
from plugin.auth.tokens import Principal, hash_token, principal_of, usable
from plugin.core.models import utcnow

IDLE_EXPIRY = timedelta(hours=12)
LINK_VALID_FOR = timedelta(minutes=10)
#: ``last_seen_at`` is written at most this often (a write per page view is not needed).
SEEN_EVERY = timedelta(minutes=1)
LINK_PATH = "/login/link/"


def start_session(session: Session, token: ApiToken) -> str:
    """A new session for ``token``; the secret to put in the cookie."""
    secret = secrets.token_urlsafe(32)
    session.add(WebSession(token_id=token.id, secret_hash=hash_token(secret)))
    return secret


def end_session(session: Session, secret: str | None) -> None:
    if secret:
        session.execute(
            update(WebSession)
            .where(WebSession.secret_hash == hash_token(secret), WebSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def session_principal(session: Session, secret: str | None) -> Principal | None:
    """Whose the session is, while it is open, not idle too long, and its token usable."""
    if not secret:
        return None
    row = session.scalar(select(WebSession).where(WebSession.secret_hash == hash_token(secret)))
    now = utcnow()
    if row is None or row.ended_at is not None or now - row.last_seen_at > IDLE_EXPIRY:
        return None
    token = session.get(ApiToken, row.token_id)
    if token is None or not usable(token, now):
        return None
    if now - row.last_seen_at > SEEN_EVERY and not (session.new or session.dirty):
        row.last_seen_at = now
        session.commit()
    return principal_of(token)


def create_login_link(session: Session, token: ApiToken, next_path: str = "/") -> str:
    """A one-time link's secret for ``token`` (the path is ``LINK_PATH + secret``)."""
    secret = secrets.token_urlsafe(32)
    session.add(
        LoginLink(
            token_id=token.id,
            secret_hash=hash_token(secret),
            next_path=next_path,
            expires_at=utcnow() + LINK_VALID_FOR,
        )
    )
    return secret


@dataclass(frozen=True)
class SpentLink:
    token: ApiToken
    next_path: str


def find_link(session: Session, secret: str) -> LoginLink | None:
    """The link while it can still be used."""
    row = session.scalar(select(LoginLink).where(LoginLink.secret_hash == hash_token(secret)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def spend_link(session: Session, secret: str) -> SpentLink | None:
    """Use the link once: the conditional update lets only one of two racing requests win."""
    row = find_link(session, secret)
    if row is None:
        return None
    spent = session.execute(
        update(LoginLink)
        .where(LoginLink.id == row.id, LoginLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = session.get(ApiToken, row.token_id)
    if getattr(spent, "rowcount", 0) != 1 or token is None or not usable(token):
        return None
    return SpentLink(token, row.next_path)
