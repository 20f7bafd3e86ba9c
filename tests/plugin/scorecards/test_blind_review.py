"""Blind review kept honest: nothing_rated, the first sight of peers, amendments marked
after_seeing_peers (in the verdict JSON), lock_after_peers, and "not held"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.scorecards.models import Scorecard, ScorecardRevision
from tests.plugin.scorecards.helpers import EVIDENCE, arrange, bearer, full_body

SPEC, DELIVERY = "functional-specification", "product-delivery"
Auth = Callable[..., dict[str, str]]


def amend(client: FlaskClient, token: str, ratings: dict[str, str], reason: str) -> Any:
    body = full_body([SPEC, DELIVERY], reason=reason)
    body["ratings"] = {cid: {"rating": r, "evidence": EVIDENCE} for cid, r in ratings.items()}
    return client.put("/api/scorecard", json=body, headers=bearer(token))


def test_a_scorecard_that_rates_nothing_is_refused(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    body = full_body([SPEC, DELIVERY], recommendation="no_decision")
    body["ratings"] = {cid: {"rating": "no_evidence", "evidence": ""} for cid in (SPEC, DELIVERY)}
    response = client.put("/api/scorecard", json=body, headers=bearer(arranged.tokens[1]))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "nothing_rated" and "not held" in error["fields"]["ratings"]
    db.expire_all()
    assert db.scalar(select(Scorecard)) is None  # nothing stored, and no peers were shown
    db.commit()  # end the read: SQLite has one writer at a time
    # The same refusal for an amendment that would rate nothing.
    assert client.put(
        "/api/scorecard", json=full_body([SPEC, DELIVERY]), headers=bearer(arranged.tokens[1])
    ).status_code == 200  # fmt: skip
    again = amend(client, arranged.tokens[1], {SPEC: "no_evidence", DELIVERY: "no_evidence"}, "x")
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "nothing_rated"


def test_amendment_after_seeing_peers_is_marked_and_shown_in_the_verdict(
    app: Flask, client: FlaskClient, db: Session, auth: Auth
) -> None:
    arranged = arrange(app, db)
    peer = full_body(["fluency-with-data", SPEC])
    peer_put = client.put("/api/scorecard", json=peer, headers=bearer(arranged.tokens[2]))
    assert peer_put.status_code == 200
    # Before seeing anyone's ratings: a plain amendment.
    own = client.put(
        "/api/scorecard", json=full_body([SPEC, DELIVERY]), headers=bearer(arranged.tokens[1])
    ).get_json()
    # The PUT that submitted answered with the peers: that was the first sight.
    assert [p["interviewer"] for p in own["peers"]] == ["Grace Okafor"]
    assert own["peers_seen_at"] is not None
    seen_at = own["peers_seen_at"]
    again = client.get("/api/scorecard", headers=bearer(arranged.tokens[1])).get_json()
    assert again["peers_seen_at"] == seen_at  # the first sight is kept, not moved

    changed = amend(
        client, arranged.tokens[1], {SPEC: "outperforming", DELIVERY: "on_track"}, "Re-read notes"
    )
    assert changed.status_code == 200
    (revision,) = changed.get_json()["revisions"]
    assert revision["after_seeing_peers"] is True
    db.expire_all()
    assert db.scalars(select(ScorecardRevision)).one().after_seeing_peers is True
    db.commit()

    verdict = client.get(
        f"/api/applications/{arranged.application.id}/verdict", headers=auth("hiring_manager")
    ).get_json()
    (item,) = verdict["amendments"]
    assert item["assignment"] == arranged.assignments[1].id
    assert item["interviewer"] == "Tomás Herrera"
    assert item["after_seeing_peers"] is True and item["reason"] == "Re-read notes"
    assert item["changes"] == [{"competency": SPEC, "from": "on_track", "to": "outperforming"}]
    assert item["at"].startswith("20")


def test_amendment_without_having_seen_peers_is_not_marked(
    app: Flask, client: FlaskClient, db: Session, auth: Auth
) -> None:
    arranged = arrange(app, db, settings={"show_peers_after_submit": False})
    peer = full_body(["fluency-with-data", SPEC])
    client.put("/api/scorecard", json=peer, headers=bearer(arranged.tokens[2]))
    client.put(
        "/api/scorecard", json=full_body([SPEC, DELIVERY]), headers=bearer(arranged.tokens[1])
    )
    body = client.get("/api/scorecard", headers=bearer(arranged.tokens[1])).get_json()
    assert "peers" not in body and body["peers_seen_at"] is None
    changed = amend(client, arranged.tokens[1], {SPEC: "needs_focus", DELIVERY: "on_track"}, "typo")
    assert changed.get_json()["revisions"][0]["after_seeing_peers"] is False


def test_lock_after_peers_refuses_rating_changes_but_not_evidence(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db, settings={"lock_after_peers": True})
    token = arranged.tokens[1]
    peer = full_body(["fluency-with-data", SPEC])
    client.put("/api/scorecard", json=peer, headers=bearer(arranged.tokens[2]))
    first = client.put("/api/scorecard", json=full_body([SPEC, DELIVERY]), headers=bearer(token))
    # Submitted first and shown no peer: an amendment now would not be "after peers".
    assert first.get_json()["peers"] and first.get_json()["peers_seen_at"] is not None
    shown = client.get("/api/scorecard", headers=bearer(token)).get_json()
    assert shown["lock_after_peers"] is True and shown["peers_seen_at"] is not None
    refused = amend(client, token, {SPEC: "outperforming", DELIVERY: "on_track"}, "Changed mind")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "locked_after_peers"
    db.expire_all()
    assert db.scalars(select(ScorecardRevision)).all() == []
    db.commit()
    body = full_body([SPEC, DELIVERY], reason="Fixed a typo in the evidence")
    body["ratings"][SPEC]["evidence"] = EVIDENCE + " (typo fixed)"
    fixed = client.put("/api/scorecard", json=body, headers=bearer(token))
    assert fixed.status_code == 200 and fixed.get_json()["revisions"][0]["after_seeing_peers"]


def test_not_held_cancels_the_assignment_and_the_recruiter_sees_it(
    app: Flask, client: FlaskClient, db: Session, auth: Auth
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    assert client.post("/api/scorecard/not-held", json={}, headers=bearer(token)).status_code == 422
    response = client.post(
        "/api/scorecard/not-held",
        json={"reason": "The candidate withdrew before the interview."},
        headers=bearer(token),
    )
    assert response.status_code == 200
    assert response.get_json()["not_held"]["reason"].startswith("The candidate withdrew")
    db.expire_all()
    assignment = db.get(Assignment, arranged.assignments[0].id)
    assert assignment is not None and assignment.status == "cancelled"
    assert assignment.not_held_at is not None
    db.commit()
    verdict = client.get(
        f"/api/applications/{arranged.application.id}/verdict", headers=auth("recruiter")
    ).get_json()
    assert verdict["scorecards"]["expected"] == 3  # no scorecard is awaited from it
    (item,) = verdict["not_held"]
    assert item["interviewer"] == "Priya Natarajan" and item["interview"] == "Product sense"
    assert item["reason"] == "The candidate withdrew before the interview."
    # A submitted scorecard cannot be called not held afterwards.
    client.put(
        "/api/scorecard", json=full_body([SPEC, DELIVERY]), headers=bearer(arranged.tokens[1])
    )
    late = client.post(
        "/api/scorecard/not-held", json={"reason": "oops"}, headers=bearer(arranged.tokens[1])
    )
    assert late.status_code == 409


def test_the_ats_listing_the_interviewer_again_does_not_undo_not_held(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    from plugin.applications.assignments import ensure_assignments
    from plugin.core.db import get_session
    from tests.plugin.scorecards.helpers import INTERVIEWERS, LOOP_DOCUMENT
    from webhooks.events import InterviewerRef, InterviewRef

    arranged = arrange(app, db)
    client.post(
        "/api/scorecard/not-held", json={"reason": "No-show."}, headers=bearer(arranged.tokens[0])
    )
    stage = LOOP_DOCUMENT["stages"][0]
    panel = [
        InterviewRef(i["ats_interview_id"], i["name"], (InterviewerRef(key, name),))
        for i, (key, name) in zip(stage["interviews"], INTERVIEWERS, strict=True)
    ]
    with app.app_context():
        session = get_session()
        application = session.get(type(arranged.application), arranged.application.id)
        assert application is not None
        ensure_assignments(session, application, stage, panel, panel=True)  # a panel update
        session.commit()
        row = session.get(Assignment, arranged.assignments[0].id)
        assert row is not None and row.status == "cancelled" and row.not_held_at is not None
        ensure_assignments(session, application, stage, panel, reopen=True)  # stage re-entered
        session.commit()
        row = session.get(Assignment, arranged.assignments[0].id)
        assert row is not None and row.status == "pending" and row.not_held_at is None


def test_being_shown_no_peer_is_not_seeing_peers(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[1]
    first = client.put("/api/scorecard", json=full_body([SPEC, DELIVERY]), headers=bearer(token))
    assert first.get_json()["peers"] == [] and first.get_json()["peers_seen_at"] is None
    changed = amend(client, token, {SPEC: "outperforming", DELIVERY: "on_track"}, "Typo")
    assert changed.get_json()["revisions"][0]["after_seeing_peers"] is False
    # Once a peer has submitted, the next look is the first sight.
    peer = full_body(["fluency-with-data", SPEC])
    client.put("/api/scorecard", json=peer, headers=bearer(arranged.tokens[2]))
    seen = client.get("/api/scorecard", headers=bearer(token)).get_json()
    assert len(seen["peers"]) == 1 and seen["peers_seen_at"] is not None
