"""Signing in to the pages in tests, the way a person does: the login form's POST."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF field's value in a page's form."""
    match = CSRF_FIELD.search(html)
    assert match, "the form carries a CSRF field"
    return match.group(1)


def form_csrf(client: FlaskClient, path: str = "/login") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


def sign_in(client: FlaskClient, token: str, next_path: str = "/") -> TestResponse:
    """POST the token through the login form; the answer is the redirect to ``next_path``."""
    csrf = form_csrf(client)
    return client.post("/login", data={"token": token, "next": next_path, "csrf_token": csrf})


def browser_sign_in(page: Any, base_url: str, token: str, next_path: str = "/") -> None:
    """The same in a browser (Playwright ``page``): fill the form and send it."""
    page.goto(f"{base_url}/login?{urlencode({'next': next_path})}")
    page.fill("#token", token)
    # Wait for the next page's load event: its stylesheet applied, so layout can be measured.
    with page.expect_navigation():
        page.click("button[type=submit]")
