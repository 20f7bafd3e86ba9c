"""Token lifecycle, server-side sessions and one-time sign-in links, each attack replayed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plugin.auth.models import ApiToken, LoginLink, WebSession
from plugin.cli import main
from plugin.core.models import utcnow
from tests.signin import CSRF_FIELD, sign_in

PAGE = "/admin/calibration"


def invoke(database_url: str, *args: str) -> Result:
    env = {
        "HIRELOOP_DATABASE_URL": database_url,
        "HIRELOOP_SECRET_KEY": "x",
        "HIRELOOP_PUBLIC_URL": "http://hireloop.test",
    }
    return CliRunner().invoke(main, list(args), env=env)


def api_status(client: FlaskClient, token: str) -> int:
    return client.get("/api/frameworks", headers={"Authorization": f"Bearer {token}"}).status_code


def test_tokens_expire_list_without_secrets_and_revoke(
    database_url: str, client: FlaskClient, db: Session
) -> None:
    created = invoke(database_url, "tokens", "create", "--role", "recruiter", "--job", "3485")
    assert created.exit_code == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    row = db.scalar(select(ApiToken))
    assert row is not None and row.expires_at is not None
    assert timedelta(days=89) < row.expires_at - utcnow() <= timedelta(days=90)
    row_id, token_hash = row.id, row.token_hash
    db.rollback()  # SQLite: a transaction left open holds the write lock
    assert api_status(client, token) == 200

    listed = invoke(database_url, "tokens", "list")
    assert listed.exit_code == 0
    assert token not in listed.output and token_hash not in listed.output
    line = listed.stdout.splitlines()[1].split("\t")
    assert line[:3] == [str(row_id), "recruiter", "3485"] and line[6] == "active"
    assert line[4] != "-"  # last used: the request above

    revoked = invoke(database_url, "tokens", "revoke", str(row_id))
    assert revoked.exit_code == 0, revoked.output
    assert api_status(client, token) == 401
    assert "revoked" in invoke(database_url, "tokens", "list").stdout
    assert invoke(database_url, "tokens", "revoke", "99999999999999999999").exit_code == 1


def test_an_expired_token_is_401(database_url: str, client: FlaskClient, db: Session) -> None:
    created = invoke(database_url, "tokens", "create", "--role", "admin", "--expires-days", "1")
    token = created.stdout.strip().splitlines()[-1]
    assert api_status(client, token) == 200
    db.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert api_status(client, token) == 401


def test_login_with_a_token_in_the_address_does_not_sign_in(
    client: FlaskClient, make_token: Callable[..., str]
) -> None:
    response = client.get(f"/login?token={make_token('admin')}&next={PAGE}")
    assert response.status_code == 400
    assert client.get(PAGE).status_code == 302  # still signed out


def test_sign_out_ends_the_session_for_good(
    app: Flask, make_token: Callable[..., str], db: Session
) -> None:
    client = app.test_client()
    assert sign_in(client, make_token("admin"), PAGE).status_code == 302
    assert client.get(PAGE).status_code == 200
    cookie = client.get_cookie("session")
    assert cookie is not None
    stolen = cookie.value
    html = client.get(PAGE).get_data(as_text=True)
    csrf = CSRF_FIELD.search(html)
    assert csrf is not None
    assert client.post("/logout", data={"csrf_token": csrf.group(1)}).status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.scalar(select(WebSession.ended_at)) is not None
    db.rollback()


def test_a_session_idle_for_12_hours_ends(
    client: FlaskClient, make_token: Callable[..., str], db: Session
) -> None:
    sign_in(client, make_token("admin"))
    assert client.get(PAGE).status_code == 200
    db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(hours=12, minutes=1)))
    db.commit()
    assert client.get(PAGE).status_code == 302


def test_revoking_the_token_ends_its_sessions(
    client: FlaskClient, make_token: Callable[..., str], db: Session
) -> None:
    sign_in(client, make_token("admin"))
    assert client.get(PAGE).status_code == 200
    db.execute(update(ApiToken).values(revoked_at=utcnow()))
    db.commit()
    assert client.get(PAGE).status_code == 302


def _link_path(database_url: str, *args: str) -> str:
    result = invoke(database_url, "tokens", "login-link", *args)
    assert result.exit_code == 0, result.output
    url = result.stdout.strip().splitlines()[-1]
    assert url.startswith("http://hireloop.test/login/link/")
    return url.removeprefix("http://hireloop.test")


def test_a_login_link_signs_in_once(database_url: str, app: Flask) -> None:
    path = _link_path(database_url, "--role", "admin", "--next", PAGE)
    client = app.test_client()
    page = client.get(path)  # a link preview: shows a button, spends nothing
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(path).status_code == 200
    csrf = CSRF_FIELD.search(page.get_data(as_text=True))
    assert csrf is not None
    signed_in = client.post(path, data={"csrf_token": csrf.group(1)})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == PAGE
    assert client.get(PAGE).status_code == 200

    other = app.test_client()
    again = other.get(path)
    assert again.status_code == 410
    csrf2 = CSRF_FIELD.search(other.get("/login").get_data(as_text=True))
    assert csrf2 is not None
    assert other.post(path, data={"csrf_token": csrf2.group(1)}).status_code == 410
    assert other.get(PAGE).status_code == 302


def test_a_login_link_expires_after_10_minutes(database_url: str, app: Flask, db: Session) -> None:
    path = _link_path(database_url, "--role", "hiring_manager", "--job", "3485")
    db.execute(update(LoginLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    client = app.test_client()
    assert client.get(path).status_code == 410
    token = db.scalar(select(ApiToken))
    assert token is not None and token.role == "hiring_manager" and token.job_id == "3485"
