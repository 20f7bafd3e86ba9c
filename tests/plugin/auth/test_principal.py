"""The authenticated principal belongs to its request, not to ``g``: a caller that holds an
application context open (a script, a test, a worker serving requests) shares ``g`` between
the requests made inside it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient


def test_a_later_anonymous_request_sees_no_earlier_principal(
    app: Flask, client: FlaskClient, make_token: Callable[..., str]
) -> None:
    token = make_token("recruiter")
    with app.app_context():  # one application context, so one ``g``, for both requests
        agenda = client.get("/api/me/agenda", headers={"Authorization": f"Bearer {token}"})
        assert agenda.status_code == 200
        login = client.get("/login").get_data(as_text=True)
    assert 'class="site-nav"' not in login and "Sign out" not in login
