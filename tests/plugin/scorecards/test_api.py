"""GET/PUT /api/scorecard with the link token as bearer, and the recruiter's link endpoints."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.core import signals
from plugin.scorecards.models import Rating, Scorecard, ScorecardRevision
from tests.plugin.scorecards.helpers import EVIDENCE, INTERVIEWERS, arrange, bearer, full_body

SPEC = "functional-specification"


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    if code is not None:
        assert body["error"]["code"] == code
    assert "Traceback" not in body["error"]["message"]
    return dict(body["error"])


def stored(db: Session) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(Scorecard)) or 0)


def test_get_describes_the_interview_and_shows_no_peers(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    response = client.get("/api/scorecard", headers=bearer(arranged.tokens[1]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "pending" and body["ratings"] == {}
    assert body["candidate"] == {"application_id": arranged.application.id, "name": "Ada Lovelace"}
    assert body["assignment"]["interview"] == "Spec writing"
    assert body["framework"] == "pm" and body["level"] == "senior-pm"
    assert [c["id"] for c in body["competencies"]] == [SPEC, "product-delivery"]
    assert set(body["competencies"][0]["anchors"]) == {"needs_focus", "on_track", "outperforming"}
    assert body["competencies"][0]["expectation"].startswith("Specifies ambiguous")
    assert "peers" not in body


def test_a_request_without_a_valid_link_is_refused(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arrange(app, db)
    for header, status, code in [
        (None, 401, "unauthorized"),
        ("Basic abc", 401, "unauthorized"),
        ("Bearer not-a-link", 401, "unauthorized"),
        ("Bearer hl_an-api-token", 403, "forbidden"),
    ]:
        headers = {"Authorization": header} if header else {}
        assert_error(client.get("/api/scorecard", headers=headers), status, code)
        body = {"submit": True, "bogus": 1}
        assert_error(client.put("/api/scorecard", headers=headers, json=body), status, code)
    assert stored(db) == 0


def test_an_api_token_is_not_a_link(
    app: Flask, client: FlaskClient, db: Session, auth: Callable[..., dict[str, str]]
) -> None:
    arrange(app, db)
    error = assert_error(client.get("/api/scorecard", headers=auth("admin")), 403, "forbidden")
    assert "link" in error["message"]


def test_a_link_opens_its_own_scorecard_and_nothing_else(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    headers = bearer(arranged.tokens[0])
    for method, url in [
        ("GET", "/api/frameworks"),
        ("GET", f"/api/applications/{arranged.application.id}/verdict"),
        ("POST", f"/api/assignments/{arranged.assignments[1].id}/revoke-link"),
        ("POST", f"/api/assignments/{arranged.assignments[0].id}/link"),
        ("GET", "/api/loops"),
    ]:
        response = client.open(url, method=method, headers=headers, json={})
        assert response.status_code in (401, 403), (url, response.status_code)
        assert_error(response, response.status_code)


def test_expired_and_revoked_links_answer_401(
    app: Flask,
    client: FlaskClient,
    db: Session,
    auth: Callable[..., dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arranged = arrange(app, db)
    response = client.post(
        f"/api/assignments/{arranged.assignments[0].id}/revoke-link", headers=auth("recruiter")
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "id": arranged.assignments[0].id,
        "link_version": 2,
        "revoked": True,
    }
    error = assert_error(
        client.get("/api/scorecard", headers=bearer(arranged.tokens[0])), 401, "link_revoked"
    )
    assert "revoked" in error["message"]
    assert client.get("/api/scorecard", headers=bearer(arranged.tokens[1])).status_code == 200

    later = time.time() + 31 * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    error = assert_error(
        client.get("/api/scorecard", headers=bearer(arranged.tokens[1])), 401, "link_expired"
    )
    assert "expired" in error["message"]


def test_the_link_age_is_configurable(make_app: Callable[..., Flask], db: Session) -> None:
    short = make_app(LINK_MAX_AGE_DAYS=1)
    arranged = arrange(short, db)
    client = short.test_client()
    assert client.get("/api/scorecard", headers=bearer(arranged.tokens[0])).status_code == 200
    later = time.time() + 2 * 86400
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    itsdangerous.timed.time.time = lambda: later  # type: ignore[assignment]
    try:
        response = client.get("/api/scorecard", headers=bearer(arranged.tokens[0]))
    finally:
        itsdangerous.timed.time.time = real  # type: ignore[assignment]
    assert_error(response, 401, "link_expired")


def test_a_fresh_link_works_after_revoking(
    app: Flask, client: FlaskClient, db: Session, auth: Callable[..., dict[str, str]]
) -> None:
    arranged = arrange(app, db)
    assignment_id = arranged.assignments[2].id
    client.post(f"/api/assignments/{assignment_id}/revoke-link", headers=auth("recruiter"))
    response = client.post(f"/api/assignments/{assignment_id}/link", headers=auth("recruiter"))
    assert response.status_code == 200
    link = response.get_json()
    assert link["url"] == f"http://hireloop.test/i/{link['token']}"
    assert link["link_version"] == 2 and link["expires_at"]
    body = client.get("/api/scorecard", headers=bearer(link["token"])).get_json()
    assert body["assignment"]["id"] == assignment_id


def test_link_management_is_for_recruiters_of_the_job(
    app: Flask, client: FlaskClient, db: Session, auth: Callable[..., dict[str, str]]
) -> None:
    arranged = arrange(app, db)
    url = f"/api/assignments/{arranged.assignments[0].id}/revoke-link"
    assert_error(client.post(url, headers=auth("hiring_manager")), 403, "forbidden")
    assert_error(client.post(url, headers=auth("recruiter", "9999")), 404, "not_found")
    assert_error(client.post("/api/assignments/424242/link", headers=auth("admin")), 404)
    assert client.post(url, headers=auth("recruiter", "3485")).status_code == 200
    db.expire_all()
    assert db.get(Assignment, arranged.assignments[0].id).link_version == 2  # type: ignore[union-attr]


def test_a_draft_is_saved_and_read_back(app: Flask, client: FlaskClient, db: Session) -> None:
    arranged = arrange(app, db)
    headers = bearer(arranged.tokens[1])
    body = {
        "ratings": {SPEC: {"rating": "on_track", "evidence": "half-written"}},
        "recommendation": None,
        "notes": "to finish after lunch",
        "submit": False,
    }
    response = client.put("/api/scorecard", headers=headers, json=body)
    assert response.status_code == 200, response.get_json()
    again = client.get("/api/scorecard", headers=headers).get_json()
    assert again["status"] == "draft" and again["assignment"]["status"] == "draft"
    assert again["ratings"] == {SPEC: {"rating": "on_track", "evidence": "half-written"}}
    assert again["notes"] == "to finish after lunch"
    card = db.scalar(select(Scorecard))
    assert card is not None and card.source == "hireloop" and card.ats_scorecard_id is None


INVALID_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"submit": False, "colour": "blue"}, "colour"),
    ({"ratings": {SPEC: {"rating": "on_track", "score": 3}}}, f"ratings.{SPEC}.score"),
    ({"ratings": {SPEC: {"evidence": "no rating"}}}, f"ratings.{SPEC}.rating"),
    ({"ratings": {"nope": {"rating": "on_track"}}}, "ratings.nope"),
    ({"ratings": {"team-leadership": {"rating": "on_track"}}}, "ratings.team-leadership"),
    (
        {"ratings": {"stakeholder-inclusion": {"rating": "on_track"}}},
        "ratings.stakeholder-inclusion",
    ),
    ({"ratings": {SPEC: {"rating": "superb"}}}, f"ratings.{SPEC}.rating"),
    ({"ratings": {SPEC: {"rating": 3}}}, f"ratings.{SPEC}.rating"),
    ({"ratings": [SPEC]}, "ratings"),
    ({"recommendation": "maybe"}, "recommendation"),
    ({"recommendation": "mixed"}, "recommendation"),
    (
        {"ratings": {SPEC: {"rating": "on_track", "evidence": "e" * 10_001}}},
        f"ratings.{SPEC}.evidence",
    ),
    ({"notes": "n" * 20_001}, "notes"),
    ({"reason": "r" * 2_001}, "reason"),
    ({"submit": "perhaps"}, "submit"),
]


def test_invalid_bodies_answer_422_naming_the_field_and_save_nothing(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    for body, field in INVALID_BODIES:
        response = client.put("/api/scorecard", headers=bearer(arranged.tokens[1]), json=body)
        error = assert_error(response, 422)
        assert field in error["fields"], (body, error)
        assert field in error["message"]
    assert stored(db) == 0


def test_an_incomplete_submission_answers_422_and_saves_nothing(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    headers = bearer(arranged.tokens[1])
    body = {
        "ratings": {
            SPEC: {"rating": "needs_focus", "evidence": ""},
            "product-delivery": {"rating": "on_track", "evidence": EVIDENCE},
        },
        "recommendation": "no",
        "notes": "",
        "submit": True,
    }
    error = assert_error(
        client.put("/api/scorecard", headers=headers, json=body), 422, "incomplete"
    )
    assert list(error["fields"]) == [f"ratings.{SPEC}.evidence"]
    assert "Functional Specification" in error["fields"][f"ratings.{SPEC}.evidence"]
    assert stored(db) == 0


def test_submit_locks_and_amendments_need_a_reason(
    app: Flask, client: FlaskClient, db: Session, request: pytest.FixtureRequest
) -> None:
    calls: list[int] = []

    def hook(session: Session, *, application_id: int) -> None:
        calls.append(application_id)

    signals.scorecards_changed.connect(hook)
    request.addfinalizer(lambda: signals.scorecards_changed.disconnect(hook))
    arranged = arrange(app, db)
    headers = bearer(arranged.tokens[0])
    original = full_body(arranged.competencies(0))
    response = client.put("/api/scorecard", headers=headers, json=original)
    assert response.status_code == 200, response.get_json()
    submitted = response.get_json()
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    assert submitted["assignment"]["status"] == "submitted"
    assert calls == [arranged.application.id]

    changed = {**original, "recommendation": "strong_yes"}
    error = assert_error(
        client.put("/api/scorecard", headers=headers, json=changed), 409, "reason_required"
    )
    assert "reason" in error["fields"]
    draft_again = {**changed, "submit": False}
    assert_error(client.put("/api/scorecard", headers=headers, json=draft_again), 409)
    assert calls == [arranged.application.id]

    reason = "Checked the recording: the outcome work was stronger than I scored."
    response = client.put("/api/scorecard", headers=headers, json={**changed, "reason": reason})
    assert response.status_code == 200, response.get_json()
    amended = response.get_json()
    assert amended["status"] == "submitted" and amended["recommendation"] == "strong_yes"
    assert amended["amended_after_submission"] is True and amended["amended_at"]
    assert amended["submitted_at"] == submitted["submitted_at"]
    [revision] = amended["revisions"]
    assert revision["after_submission"] is True and revision["reason"] == reason
    assert revision["actor"] == "interviewer:4080 (Priya Natarajan)"
    assert revision["before"]["recommendation"] == "yes"
    assert revision["before"]["ratings"] == submitted["ratings"]
    assert revision["after"]["recommendation"] == "strong_yes"
    assert calls == [arranged.application.id] * 2
    assert db.scalar(select(func.count()).select_from(ScorecardRevision)) == 1


def test_four_interviewers_submit_and_none_sees_another_before_their_own(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    secrets = [
        f"private note of interviewer {i}: {name}" for i, (_, name) in enumerate(INTERVIEWERS)
    ]

    def get(index: int) -> dict[str, Any]:
        response = client.get("/api/scorecard", headers=bearer(arranged.tokens[index]))
        assert response.status_code == 200
        return dict(response.get_json())

    for index in range(4):
        # Each first saves a draft and looks: nothing of anyone else, submitted or not.
        draft = full_body(arranged.competencies(index), notes=secrets[index], submit=False)
        saved = client.put("/api/scorecard", headers=bearer(arranged.tokens[index]), json=draft)
        assert saved.status_code == 200
        before = get(index)
        text = json.dumps(before)
        assert "peers" not in before
        for other in range(4):
            if other != index:
                assert secrets[other] not in text
                assert INTERVIEWERS[other][1] not in text
        # A failed submission does not reveal anything either.
        bad = {**draft, "submit": True, "recommendation": None}
        failed = client.put("/api/scorecard", headers=bearer(arranged.tokens[index]), json=bad)
        assert failed.status_code == 422
        for other in range(4):
            if other != index:
                assert secrets[other] not in failed.get_data(as_text=True)

        done = {**draft, "submit": True}
        response = client.put("/api/scorecard", headers=bearer(arranged.tokens[index]), json=done)
        assert response.status_code == 200
        peers = response.get_json()["peers"]
        assert [p["notes"] for p in peers] == secrets[:index]
        assert all(p["ratings"] and p["recommendation"] == "yes" for p in peers)

    for index in range(4):
        assert len(get(index)["peers"]) == 3
    assert db.scalar(select(func.count()).select_from(Scorecard)) == 4
    assert db.scalar(select(func.count()).select_from(Rating)) == 8
    statuses = db.scalars(select(Assignment.status)).all()
    assert statuses == ["submitted"] * 4


def test_one_person_with_two_interviews_sees_peers_only_after_submitting_both(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    # The first interviewer also holds the fourth interview of the loop.
    db.execute(
        update(Assignment)
        .where(Assignment.id == arranged.assignments[3].id)
        .values(interviewer_key=INTERVIEWERS[0][0], interviewer_name=INTERVIEWERS[0][1])
    )
    db.commit()

    def submit(index: int) -> dict[str, Any]:
        body = full_body(arranged.competencies(index))
        response = client.put("/api/scorecard", headers=bearer(arranged.tokens[index]), json=body)
        assert response.status_code == 200
        return dict(response.get_json())

    submit(1)  # a peer's scorecard is in
    assert "peers" not in submit(0)  # the person's other interview is still to rate
    both = submit(3)
    assert [p["interviewer"] for p in both["peers"]] == [INTERVIEWERS[1][1]]
    again = client.get("/api/scorecard", headers=bearer(arranged.tokens[0])).get_json()
    assert [p["interviewer"] for p in again["peers"]] == [INTERVIEWERS[1][1]]


def test_a_loop_without_peer_visibility_never_shows_peers(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db, settings={"show_peers_after_submit": False})
    for index in range(2):
        body = full_body(arranged.competencies(index))
        response = client.put("/api/scorecard", headers=bearer(arranged.tokens[index]), json=body)
        assert response.status_code == 200
        assert "peers" not in response.get_json()
    assert (
        "peers" not in client.get("/api/scorecard", headers=bearer(arranged.tokens[1])).get_json()
    )


def test_a_cancelled_interview_is_readable_but_takes_no_changes(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    arranged.assignments[3].status = "cancelled"
    db.commit()
    headers = bearer(arranged.tokens[3])
    assert client.get("/api/scorecard", headers=headers).status_code == 200
    body = full_body(arranged.competencies(3))
    assert_error(
        client.put("/api/scorecard", headers=headers, json=body), 409, "assignment_cancelled"
    )


def test_openapi_documents_the_scorecard(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    operations = spec["paths"]["/api/scorecard"]
    assert {"get", "put"} <= set(operations)
    assert "/api/assignments/{assignment_id}/revoke-link" in spec["paths"]
    assert "/api/assignments/{assignment_id}/link" in spec["paths"]


def test_an_empty_or_non_json_put_is_refused_and_the_draft_is_kept(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    headers = bearer(arranged.tokens[1])
    draft = {"ratings": {SPEC: {"rating": "on_track", "evidence": "half-written"}}}
    assert client.put("/api/scorecard", headers=headers, json=draft).status_code == 200
    for extra in ({}, {"data": "ratings=x", "content_type": "text/plain"}):
        error = assert_error(client.put("/api/scorecard", headers=headers, **extra), 422)
        assert "ratings" in error["fields"]
    kept = client.get("/api/scorecard", headers=headers).get_json()
    assert kept["ratings"] == {SPEC: {"rating": "on_track", "evidence": "half-written"}}


def test_a_nul_character_is_refused_naming_the_field(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    body = {"ratings": {SPEC: {"rating": "on_track", "evidence": "a\u0000b"}}, "notes": "x\u0000"}
    error = assert_error(
        client.put("/api/scorecard", headers=bearer(arranged.tokens[1]), json=body), 422
    )
    assert {f"ratings.{SPEC}.evidence", "notes"} <= set(error["fields"])
    assert stored(db) == 0
