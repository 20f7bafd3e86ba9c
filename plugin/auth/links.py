"""One-time sign-in addresses for a token whose secret is at hand (``hireloop demo``)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from plugin.auth.models import ApiToken
from plugin.auth.sessions import LINK_PATH, create_login_link
from plugin.auth.tokens import hash_token
from plugin.core.db import get_session


def login_link_for(app: Flask, base_url: str, token: str, next_path: str = "/") -> str:
    """A one-time sign-in address for ``token``, opening ``next_path``."""
    with app.app_context():
        session = get_session()
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
        if row is None:
            raise LookupError("no such token")
        secret = create_login_link(session, row, next_path)
        session.commit()
    return f"{base_url.rstrip('/')}{LINK_PATH}{secret}"
