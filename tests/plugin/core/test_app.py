from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from plugin.auth.tokens import require_role


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_reports_a_dead_database(make_app: Callable[..., Flask], tmp_path: Any) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing-dir/nope.db")
    response = app.test_client().get("/healthz")
    assert_error(response, 503, "unavailable")


def test_unknown_url_is_404_in_the_error_shape(client: FlaskClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.delete("/healthz")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_api_without_token_is_401(client: FlaskClient) -> None:
    response = client.get("/api/frameworks")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_api_with_unknown_token_is_401(client: FlaskClient) -> None:
    response = client.get("/api/frameworks", headers={"Authorization": "Bearer hl_forged"})
    assert_error(response, 401, "unauthorized")


def test_every_api_route_needs_a_token(app: Flask, client: FlaskClient) -> None:
    open_routes = {"/api/openapi.json"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in open_routes:
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule).replace("<", "").replace(">", "")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, json={})
            assert response.status_code == 401, (method, rule.rule, response.status_code)
            checked += 1
    assert checked >= 2


def test_500_hides_the_traceback(make_app: Callable[..., Flask]) -> None:
    app = make_app(TESTING=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    error = assert_error(response, 500, "internal_error")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in error["message"]


def test_role_not_allowed_is_403(
    app: Flask, client: FlaskClient, auth: Callable[..., dict[str, str]]
) -> None:

    @app.get("/api/admin-only")
    @require_role()
    def admin_only() -> dict[str, bool]:
        return {"ok": True}

    assert_error(client.get("/api/admin-only", headers=auth("recruiter")), 403, "forbidden")
    assert client.get("/api/admin-only", headers=auth("admin")).get_json() == {"ok": True}


def test_openapi_document(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/frameworks/{framework_id}" in spec["paths"]
    assert "bearer" in spec["components"]["securitySchemes"]


def test_frameworks_list(client: FlaskClient, auth: Callable[..., dict[str, str]]) -> None:
    response = client.get("/api/frameworks", headers=auth("hiring_manager"))
    assert response.status_code == 200
    frameworks = response.get_json()["frameworks"]
    pm = next(f for f in frameworks if f["id"] == "pm")
    assert set(pm) == {"id", "name", "version"}
    assert pm["version"]


def test_framework_detail_follows_the_contract(
    client: FlaskClient, auth: Callable[..., dict[str, str]]
) -> None:
    body = client.get("/api/frameworks/pm", headers=auth("recruiter")).get_json()
    assert [a["id"] for a in body["areas"]] == [
        "product-execution",
        "customer-insight",
        "product-strategy",
        "influencing-people",
    ]
    assert [lv["id"] for lv in body["levels"]] == [
        "apm",
        "pm",
        "senior-pm",
        "group-pm",
        "director",
        "vp",
        "cpo",
    ]
    assert len(body["competencies"]) == 12
    spec = next(c for c in body["competencies"] if c["id"] == "functional-specification")
    assert spec["area"] == "product-execution"
    assert "Feature Specification" in spec["aliases"]
    assert set(spec["expectations"]) == {lv["id"] for lv in body["levels"]}
    assert set(spec["anchors"]["cpo"]) == {"needs_focus", "on_track", "outperforming"}
    assert spec["questions"] and spec["questions"][0]["follow_ups"]


@pytest.mark.parametrize("framework_id", ["nope", "PM"])
def test_unknown_framework_is_404(
    client: FlaskClient, auth: Callable[..., dict[str, str]], framework_id: str
) -> None:
    assert_error(client.get(f"/api/frameworks/{framework_id}", headers=auth()), 404, "not_found")
