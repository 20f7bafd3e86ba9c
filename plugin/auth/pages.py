"""Sign-in for the pages: an API token posted once, or a one-time link, for a session.

The pages for recruiters, hiring managers and admins use the same tokens and roles as the
API. ``/login`` takes the token from its form only (a token in an address ends up in
browser history and access logs, and a link carrying an attacker's token would sign a
victim into the attacker's account); ``/login/link/<secret>`` takes a one-time link from
``hireloop tokens login-link``. Either starts a server-side session
(``plugin.auth.sessions``) whose secret is all the signed, HttpOnly, SameSite cookie holds.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from plugin.auth.csrf import check_csrf
from plugin.auth.models import ApiToken
from plugin.auth.sessions import (
    end_session,
    find_link,
    session_principal,
    spend_link,
    start_session,
)
from plugin.auth.tokens import Principal, hash_token, set_principal, usable
from plugin.core.db import get_session

P = ParamSpec("P")
R = TypeVar("R")

bp = Blueprint("auth", __name__)
SESSION_KEY = "sid"


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parts = urlsplit(target)
    # Only same-site paths: never bounce a signed-in user to another host.
    safe = not parts.scheme and not parts.netloc and target.startswith("/")
    return target if safe and not target.startswith("//") else "/"


def _start(token: ApiToken) -> None:
    db = get_session()
    secret = start_session(db, token)
    db.commit()
    session.clear()  # a fresh cookie: nothing of a session before sign-in is carried over
    session[SESSION_KEY] = secret
    session.permanent = True


def _sign_in(token: str) -> bool:
    row = get_session().scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or not usable(row):
        return False
    _start(row)
    return True


def _login_form(next_url: str, error: str | None, status: int = 200) -> tuple[str, int]:
    return render_template("login.html", next=next_url, error=error), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    next_url = _safe_next(request.values.get("next"))
    if request.method == "POST":
        check_csrf()
        if _sign_in(request.form.get("token", "").strip()):
            return redirect(next_url)
        return _login_form(next_url, "That token is not valid.", 401)
    if request.args.get("token"):
        # Not a way in any more: the token would sit in the address and the access logs.
        return _login_form(
            next_url,
            "Sign-in links with a token no longer work: paste the "
            "token below, or ask for a one-time link.",
            400,
        )
    return _login_form(next_url, None)


@bp.route("/login/link/<secret>", methods=["GET", "POST"])
def login_link(secret: str) -> Response | tuple[str, int]:
    db = get_session()
    if request.method == "GET":
        valid = find_link(db, secret) is not None
        error = None if valid else "This sign-in link was used already or has expired."
        return render_template("login_link.html", error=error), 200 if valid else 410
    check_csrf()
    spent = spend_link(db, secret)
    if spent is None:
        db.rollback()
        error = "This sign-in link was used already or has expired."
        return render_template("login_link.html", error=error), 410
    _start(spent.token)
    return redirect(_safe_next(spent.next_path))


@bp.post("/logout")
def logout() -> Response:
    check_csrf()
    db = get_session()
    end_session(db, session.get(SESSION_KEY))
    db.commit()
    session.clear()
    return redirect(url_for("auth.login"))


def page_principal() -> Principal | None:
    secret = session.get(SESSION_KEY)
    return session_principal(get_session(), secret if isinstance(secret, str) else None)


def page_role(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Pages for signed-in users of the given roles (admin always); others go to /login."""

    def decorate(view: Callable[P, R]) -> Callable[P, R | Response]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            principal = page_principal()
            if principal is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if principal.role != "admin" and principal.role not in roles:
                return Response(
                    render_template(
                        "error.html", status=403, message="Your token's role cannot open this page."
                    ),
                    status=403,
                )
            set_principal(principal)
            return view(*args, **kwargs)

        return wrapper

    return decorate
