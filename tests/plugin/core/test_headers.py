"""Security headers on every answer: pages, API, errors and pages added by others later."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.signin import sign_in

Auth = Callable[..., dict[str, str]]


def assert_common(headers: dict[str, str] | object) -> None:
    csp = headers["Content-Security-Policy"]  # type: ignore[index]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"  # type: ignore[index]


def test_every_kind_of_answer_carries_the_headers(client: FlaskClient, auth: Auth) -> None:
    answers = {
        "page": client.get("/login"),
        "api": client.get("/api/frameworks", headers=auth("admin")),
        "api error": client.get("/api/frameworks"),
        "missing": client.get("/no/such/page"),
        "health": client.get("/healthz"),
        "openapi": client.get("/api/openapi.json"),
    }
    for name, response in answers.items():
        assert_common(response.headers), name
        assert response.headers["Referrer-Policy"] == "same-origin", name
    assert answers["api"].headers["Cache-Control"] == "no-store"
    assert answers["page"].headers["Cache-Control"] == "no-store"
    assert "no-store" not in answers["openapi"].headers.get("Cache-Control", "")


def test_pages_with_secrets_in_the_address_send_no_referrer(client: FlaskClient) -> None:
    for path in ("/i/not-a-real-link", "/login/link/not-a-real-link"):
        response = client.get(path)
        assert_common(response.headers)
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert response.headers["Cache-Control"] == "no-store"


def test_candidate_pages_are_not_cached(
    client: FlaskClient, make_token: Callable[..., str]
) -> None:
    sign_in(client, make_token("admin"))
    page = client.get("/admin/calibration")
    assert page.status_code == 200
    assert_common(page.headers)
    assert page.headers["Cache-Control"] == "no-store"
