"""Sign-in for the pages: an API token exchanged once for a session cookie.

The pages for recruiters, hiring managers and admins use the same tokens and roles as the
API. ``/login`` takes the token from a form (or, for links printed by ``hireloop demo``, from
``?token=``, which is then dropped from the address by a redirect) and keeps only the token's
id in the signed, HttpOnly, SameSite session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from plugin.auth.csrf import check_csrf
from plugin.auth.models import ApiToken
from plugin.auth.tokens import Principal, hash_token
from plugin.core.db import get_session

P = ParamSpec("P")
R = TypeVar("R")

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parts = urlsplit(target)
    # Only same-site paths: never bounce a signed-in user to another host.
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else "/"


def _sign_in(token: str) -> bool:
    row = get_session().scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return False
    session.clear()
    session["token_id"] = row.id
    session.permanent = True
    return True


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET" and request.args.get("token"):
        if _sign_in(request.args["token"]):
            return redirect(next_url)
        return render_template("login.html", next=next_url, error="That token is not valid."), 401  # type: ignore[return-value]
    if request.method == "POST":
        check_csrf()
        if _sign_in(request.form.get("token", "").strip()):
            return redirect(next_url)
        return render_template("login.html", next=next_url, error="That token is not valid."), 401  # type: ignore[return-value]
    return render_template("login.html", next=next_url, error=None)


@bp.post("/logout")
def logout() -> Response:
    check_csrf()
    session.clear()
    return redirect(url_for("auth.login"))


def page_principal() -> Principal | None:
    token_id = session.get("token_id")
    if not isinstance(token_id, int):
        return None
    row = get_session().get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return None
    return Principal(role=row.role, job_id=row.job_id, token_id=row.id)


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
            g.principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorate
