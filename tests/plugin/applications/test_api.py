"""GET /api/applications, /api/applications/<id>, /api/applications/<id>/assignments."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.core.links import read_link_token
from tests.plugin.inbound.support import add_loop, app, hook_calls
from tests.webhooks.helpers import greenhouse_headers, payload_bytes

__all__ = ["app", "hook_calls"]

GH_STAGE = payload_bytes("greenhouse/candidate_stage_change.json")
Auth = Callable[..., dict[str, str]]


def deliver(client: FlaskClient) -> None:
    response = client.post(
        "/webhooks/greenhouse", data=GH_STAGE, headers=greenhouse_headers(GH_STAGE)
    )
    assert response.status_code == 200


def test_application_by_ats_identity_and_its_assignments(
    app: Flask, client: FlaskClient, db: Session, auth: Auth
) -> None:
    add_loop(db)
    deliver(client)
    listed = client.get(
        "/api/applications?ats=greenhouse&external_id=265277", headers=auth("recruiter")
    )
    assert listed.status_code == 200
    [found] = listed.get_json()["applications"]
    assert (found["ats"], found["external_id"], found["job_id"], found["status"]) == (
        "greenhouse",
        "265277",
        "3485",
        "active",
    )
    assert found["current_stage"] == {"id": "71416", "name": "Assessment"}
    assert found["candidate_name"] == "Giuseppe Hurley"
    one = client.get(f"/api/applications/{found['id']}", headers=auth("admin"))
    assert one.status_code == 200 and one.get_json()["external_id"] == "265277"

    response = client.get(f"/api/applications/{found['id']}/assignments", headers=auth("recruiter"))
    assert response.status_code == 200
    carl, waiting = response.get_json()["assignments"]
    assert (carl["interview"], carl["interviewer"], carl["interviewer_id"], carl["status"]) == (
        "Assessment",
        "Carl Buddha",
        "2622",
        "pending",
    )
    assert carl["url"] == f"http://hireloop.test/i/{carl['token']}"
    with app.app_context():
        assert read_link_token(carl["token"]).assignment_id == carl["id"]
    assert (waiting["interview"], waiting["interviewer"], waiting["status"]) == (
        "Spec writing",
        None,
        "pending",
    )
    assert set(carl) >= {"id", "interview", "interviewer", "status", "url", "token"}


def test_cancelled_assignments_only_on_request_and_without_a_link(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    add_loop(db)
    deliver(client)
    application = db.query(Application).one()
    db.query(Assignment).filter(Assignment.interviewer_key == "").update({"status": "cancelled"})
    db.commit()
    url = f"/api/applications/{application.id}/assignments"
    assert len(client.get(url, headers=auth()).get_json()["assignments"]) == 1
    everything = client.get(url + "?include_cancelled=true", headers=auth()).get_json()
    cancelled = [a for a in everything["assignments"] if a["status"] == "cancelled"]
    assert len(cancelled) == 1 and cancelled[0]["token"] is None and cancelled[0]["url"] is None


def test_job_scoped_tokens_see_only_their_job(client: FlaskClient, db: Session, auth: Auth) -> None:
    deliver(client)
    application_id = db.query(Application).one().id
    db.rollback()  # SQLite: a transaction left open holds the write lock
    other = auth("hiring_manager", "999")
    assert client.get("/api/applications?ats=greenhouse", headers=other).get_json() == {
        "applications": []
    }
    assert client.get(f"/api/applications/{application_id}", headers=other).status_code == 404
    hidden = client.get(f"/api/applications/{application_id}/assignments", headers=other)
    assert hidden.status_code == 404 and hidden.get_json()["error"]["code"] == "not_found"
    mine = auth("hiring_manager", "3485")
    assert len(client.get("/api/applications", headers=mine).get_json()["applications"]) == 1


def test_only_recruiters_and_admins_see_the_interviewers_links(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    """A link lets its holder write that interviewer's scorecard."""
    add_loop(db)
    deliver(client)
    application_id = db.query(Application).one().id
    db.rollback()
    url = f"/api/applications/{application_id}/assignments"
    for role, sees in (("hiring_manager", False), ("recruiter", True), ("admin", True)):
        listed = client.get(url, headers=auth(role, "3485")).get_json()["assignments"]
        assert listed and all((a["token"] is not None) is sees for a in listed), role
        assert all((a["url"] is not None) is sees for a in listed), role


def test_errors_use_the_contract_shape(client: FlaskClient, auth: Auth) -> None:
    assert client.get("/api/applications").status_code == 401
    missing = client.get("/api/applications/12345", headers=auth())
    assert missing.status_code == 404
    assert missing.get_json()["error"]["fields"] == {"id": "unknown"}
    bad = client.get("/api/applications?ats=workday", headers=auth())
    assert bad.status_code == 422 and "ats" in bad.get_json()["error"]["fields"]
