"""The audit's hostile-input findings, each reproduced and refused: deep JSON, big bodies,
strings longer than their column, ids beyond the database's integers, NUL bytes,
arguments read before authentication, and another job's resources."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.core.guards import json_too_deep
from plugin.inbound.models import WebhookDelivery
from plugin.loops.models import Loop
from tests.conftest import ROOT
from tests.plugin.verdicts.data import make_application, make_loop
from tests.webhooks.helpers import (
    INBOUND_CONFIG,
    ashby_headers,
    greenhouse_headers,
    lever_signature,
    now_ms,
)

Auth = Callable[..., dict[str, str]]
EXAMPLE: Path = ROOT / "examples" / "loops" / "senior-pm-payments.yaml"


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def document() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return data


def assert_malformed(response: Any) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "malformed"


def test_the_depth_count_skips_strings_and_allows_the_limit() -> None:
    assert not json_too_deep(deep(64))
    assert json_too_deep(deep(65))
    assert not json_too_deep(b'{"a": "' + b"[" * 500 + b'"}')
    assert not json_too_deep(b'["\\"' + b"[" * 100 + b'"]')


def test_deep_json_is_400_on_the_api_before_recursion(client: FlaskClient, auth: Auth) -> None:
    body = b'{"name": ' + deep(50_000) + b"}"
    headers = {**auth("recruiter"), "Content-Type": "application/json"}
    assert_malformed(client.post("/api/loops", data=body, headers=headers))
    assert_malformed(client.put("/api/scorecard", data=body, headers=headers))
    assert_malformed(client.post("/api/verdicts/preview", data=body, headers=headers))


@pytest.fixture
def webhook_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(**INBOUND_CONFIG)


def test_deep_json_webhooks_are_400_and_nothing_is_stored(webhook_app: Flask, db: Session) -> None:
    client = webhook_app.test_client()
    at = now_ms()
    lever = (
        (
            f'{{"token": "t1", "triggeredAt": {at}, "signature": "{lever_signature("t1", at)}",'
            f' "event": "candidateStageChange", "data": '
        ).encode()
        + deep(100_000)
        + b"}"
    )
    assert_malformed(client.post("/webhooks/lever", data=lever))
    signed = b'{"action": "ping", "payload": ' + deep(100_000) + b"}"
    assert_malformed(
        client.post("/webhooks/greenhouse", data=signed, headers=greenhouse_headers(signed))
    )
    assert_malformed(client.post("/webhooks/ashby", data=signed, headers=ashby_headers(signed)))
    assert db.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_bodies_over_1_mib_are_413_outside_webhooks(client: FlaskClient, auth: Auth) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    headers = {**auth("recruiter"), "Content-Type": "application/json"}
    response = client.post("/api/loops", data=big, headers=headers)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_a_webhook_may_be_larger_than_1_mib(webhook_app: Flask) -> None:
    body = b'{"action": "ping", "payload": {"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}}'
    response = webhook_app.test_client().post(
        "/webhooks/greenhouse", data=body, headers=greenhouse_headers(body)
    )
    assert response.status_code != 413


def test_strings_longer_than_their_column_are_422_naming_the_field(
    client: FlaskClient, auth: Auth, db: Session
) -> None:
    long_name = {**document(), "name": "L" * 5000}
    response = client.post("/api/loops", json=long_name, headers=auth("recruiter"))
    assert response.status_code == 422, response.get_json()
    assert "name" in response.get_json()["error"]["fields"]
    long_job = {**document(), "job_id": "9" * 500}
    response = client.post("/api/loops", json=long_job, headers=auth("recruiter"))
    assert response.status_code == 422, response.get_json()
    assert "job_id" in response.get_json()["error"]["fields"]
    assert db.scalar(select(func.count()).select_from(Loop)) == 0


@pytest.mark.parametrize("big_id", ["99999999999999999999", str(2**31), str(2**63)])
def test_ids_the_database_cannot_hold_are_404(client: FlaskClient, auth: Auth, big_id: str) -> None:
    headers = auth("admin")
    for path in (
        f"/api/applications/{big_id}",
        f"/api/applications/{big_id}/assignments",
        f"/api/applications/{big_id}/verdict",
        f"/api/loops/{big_id}",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"
    response = client.post(f"/api/assignments/{big_id}/link", headers=headers)
    assert response.status_code == 404
    assert client.get(f"/review/applications/{big_id}").status_code == 404  # pages too


def test_nul_bytes_are_refused(client: FlaskClient, auth: Auth) -> None:
    headers = auth("admin")
    assert_malformed(client.get("/api/applications?ats=green%00house", headers=headers))
    assert_malformed(client.get("/api/jobs/greenhouse/34%0085/candidates", headers=headers))
    bad = {**document(), "name": "Senior\u0000PM"}
    response = client.post("/api/loops", json=bad, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"name": "must not contain a NUL character"}


def test_an_anonymous_caller_learns_no_field_names(client: FlaskClient, app: Flask) -> None:
    """Every API route, without a token and with nonsense arguments: 401 before parsing."""
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json":
            continue
        path = rule.rule.replace("<int:", "<").replace("<path:", "<")
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", "1")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(
                path + "?days=x&ats=1&page=-1&per_page=x", method=method, json={"x": [1]}
            )
            assert response.status_code == 401, (method, path, response.get_json())
            assert response.get_json()["error"]["fields"] == {}, (method, path)
            checked += 1
    assert checked >= 15


def test_another_jobs_resources_are_404_like_missing_ones(
    client: FlaskClient, auth: Auth, db: Session
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "9004", "Ada")
    db.commit()
    other = auth("hiring_manager", "9999")
    missing = client.get("/api/applications/123456/verdict", headers=other)
    hidden = client.get(f"/api/applications/{application.id}/verdict", headers=other)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["error"]["code"] == missing.get_json()["error"]["code"]
    recruiter = auth("recruiter", "9999")
    assert client.get(f"/api/applications/{application.id}", headers=recruiter).status_code == 404
    assert client.get(f"/api/loops/{loop.id}", headers=recruiter).status_code == 404


def test_ids_in_bodies_beyond_the_database_are_422(client: FlaskClient, auth: Auth) -> None:
    for big in (2**31, 10**20):
        response = client.post(
            "/api/loops/suggest", json={"loop_id": big}, headers=auth("recruiter")
        )
        assert response.status_code == 422, response.get_json()
        assert "loop_id" in response.get_json()["error"]["fields"]


def test_a_number_the_database_cannot_hold_is_never_a_500(
    make_app: Callable[..., Flask], app_cache: Any
) -> None:
    """The net under the edge's checks, for a view that forgot one (SQLite: OverflowError,
    PostgreSQL: DataError)."""
    app = make_app()

    @app.get("/test/unbounded/<big>")
    def unbounded(big: str) -> Any:
        from plugin.core.db import get_session

        return {"loop": get_session().get(Loop, int(big))}

    try:
        response = app.test_client().get(f"/test/unbounded/{10**20}")
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "out_of_range"
    finally:
        app_cache.forget(app)


def test_a_webhook_sent_as_a_form_is_still_verified_on_its_raw_bytes(webhook_app: Flask) -> None:
    body = b'{"action": "ping", "payload": {"web_hook_id": 1}}'
    headers = {**greenhouse_headers(body), "Content-Type": "application/x-www-form-urlencoded"}
    response = webhook_app.test_client().post("/webhooks/greenhouse", data=body, headers=headers)
    assert response.status_code == 200, response.get_json()
