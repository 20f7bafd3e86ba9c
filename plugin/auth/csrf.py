"""CSRF protection for the server-rendered forms (the JSON API uses bearer tokens instead).

A random token lives in the signed session cookie; every form carries it in a hidden field
(``{{ csrf_field() }}``) and every state-changing page request must send it back, as the
field or as the ``X-CSRF-Token`` header for fetch() calls.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from markupsafe import Markup

from plugin.core.errors import ApiError

SESSION_KEY = "csrf"


def csrf_token() -> str:
    if SESSION_KEY not in session:
        session[SESSION_KEY] = secrets.token_urlsafe(32)
    token: str = session[SESSION_KEY]
    return token


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf_token())


def check_csrf() -> None:
    expected = session.get(SESSION_KEY)
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise ApiError(
            403,
            "The form has expired or did not come from this site; reload the page and try again.",
            code="csrf_failed",
        )


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=csrf_field)
    # Flask's defaults already hold these keys (SameSite None, Secure False): setdefault
    # would never apply, so set them unless configured otherwise.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    public = str(app.config.get("PUBLIC_URL") or "")
    if public.startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
