"""Webhook receivers end to end: verification, inbox, dedupe, handling, assignments."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.cli import main
from plugin.core.db import get_session, state
from plugin.core.links import make_link_token
from plugin.inbound import inbox
from plugin.inbound.models import REDACTED_BODY, WebhookDelivery
from plugin.jobs.worker import Worker, WorkerSettings
from plugin.scorecards.models import Rating, Scorecard
from plugin.scorecards.service import LinkRejected, assignment_for_link
from tests.plugin.inbound.support import (
    add_loop,
    app,
    application,
    ashby_onsite_loop,
    assignments,
    count,
    deliveries,
    hook_calls,
    inbound_app,
)
from tests.webhooks.helpers import (
    GREENHOUSE_OLD_SECRET,
    INBOUND_CONFIG,
    ashby_application,
    ashby_delivery_from_documented,
    ashby_headers,
    ashby_interview_schedule,
    greenhouse_headers,
    lever_body,
    now_ms,
    payload_bytes,
    resign_lever,
)

__all__ = ["app", "hook_calls", "inbound_app"]  # fixtures

GH_STAGE = payload_bytes("greenhouse/candidate_stage_change.json")


def post_gh(app: Flask, body: bytes, **kwargs: Any) -> Any:
    return app.test_client().post(
        "/webhooks/greenhouse", data=body, headers=greenhouse_headers(body, **kwargs)
    )


def gh_variant(
    *,
    application_id: int = 265277,
    stage: tuple[int, str] = (71416, "Assessment"),
    last_activity_at: str = "2015-02-09T16:38:36Z",
    interviewers: list[dict[str, Any]] | None = None,
    action: str = "candidate_stage_change",
    status: str = "active",
) -> bytes:
    document = json.loads(GH_STAGE)
    document["action"] = action
    app = document["payload"]["application"]
    app["id"] = application_id
    app["status"] = status
    app["last_activity_at"] = last_activity_at
    app["current_stage"]["id"], app["current_stage"]["name"] = stage
    if interviewers is not None:
        app["current_stage"]["interviews"][0]["interviewers"] = interviewers
    return json.dumps(document).encode()


# ------------------------------------------------------------------ Greenhouse, verbatim


def test_greenhouse_stage_change_verbatim_creates_application_and_assignments(
    inbound_app: Flask, db: Session, hook_calls: list[tuple[str, Any]]
) -> None:
    add_loop(db)
    response = post_gh(inbound_app, GH_STAGE)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "done"

    [row] = deliveries(db)
    assert (row.provider, row.event_type, row.dedupe_key, row.status) == (
        "greenhouse",
        "candidate_stage_change",
        "event:evt-1",
        "done",
    )
    assert row.body == GH_STAGE  # the raw bytes, as signed
    assert row.headers["Greenhouse-Event-ID"] == "evt-1"

    app = application(db, "greenhouse", "265277")
    assert app is not None
    assert (app.candidate_external_id, app.candidate_name, app.job_id, app.job_name) == (
        "265772",
        "Giuseppe Hurley",
        "3485",
        "Designer",
    )
    assert (app.current_stage_id, app.current_stage_name, app.status) == (
        "71416",
        "Assessment",
        "active",
    )
    assert app.source_updated_at == datetime(2015, 2, 9, 16, 38, 36, tzinfo=UTC)
    assert app.loop_id is not None

    rows = assignments(db, app.id)
    # The interview bound by ATS id has Carl; the one without interviewers waits for one.
    assert [
        (a.interview_key, a.interview_name, a.interviewer_key, a.interviewer_name, a.status)
        for a in rows
    ] == [
        ("113101", "Assessment", "2622", "Carl Buddha", "pending"),
        ("Spec writing", "Spec writing", "", None, "pending"),
    ]
    assert rows[0].stage_id == "71416" and rows[0].stage_name == "Assessment"
    assert ("application_stage_changed", app.id) in hook_calls
    assert ("assignment_created", (rows[0].id, "2622")) in hook_calls
    # A waiting assignment is not "created" for anyone yet.
    assert not any(call == ("assignment_created", (rows[1].id, "")) for call in hook_calls)


def test_without_a_loop_the_application_is_kept_without_assignments(
    inbound_app: Flask, db: Session
) -> None:
    assert post_gh(inbound_app, GH_STAGE).status_code == 200
    app = application(db, "greenhouse", "265277")
    assert app is not None and app.loop_id is None
    assert assignments(db, app.id) == []


def test_greenhouse_interview_deleted_verbatim_cancels_unsubmitted_assignments(
    inbound_app: Flask, db: Session, hook_calls: list[tuple[str, Any]]
) -> None:
    add_loop(db)
    post_gh(inbound_app, GH_STAGE)
    app = application(db, "greenhouse", "265277")
    assert app is not None
    first, second = assignments(db, app.id)
    db.execute(
        update(Assignment)
        .where(Assignment.id == first.id)
        .values(scheduled_interview_id="31087450")
    )
    db.commit()

    body = payload_bytes("greenhouse/interview_deleted.json")
    response = post_gh(inbound_app, body, event_id="evt-delete")
    assert response.status_code == 200
    first, second = assignments(db, app.id)
    assert first.status == "cancelled" and first.cancelled_at is not None
    assert second.status == "pending"
    assert ("assignment_cancelled", (first.id, "2622")) in hook_calls


def test_greenhouse_interview_deleted_prefers_the_scheduled_interview_over_a_job_interview(
    inbound_app: Flask, db: Session
) -> None:
    """The same number as a scheduled interview and as a job interview (two id spaces)."""
    add_loop(
        db,
        stages=[
            {
                "name": "Assessment",
                "ats_stage_id": "71416",
                "interviews": [
                    {
                        "name": "Assessment",
                        "ats_interview_id": "31087450",
                        "format": "product-sense",
                        "competencies": ["user-experience-design"],
                    },
                    {
                        "name": "Spec writing",
                        "format": "spec-writing",
                        "competencies": ["functional-specification"],
                    },
                ],
            }
        ],
    )
    post_gh(inbound_app, GH_STAGE)
    app = application(db, "greenhouse", "265277")
    assert app is not None
    job_interview, scheduled = assignments(db, app.id)
    assert job_interview.interview_key == "31087450"
    db.execute(
        update(Assignment)
        .where(Assignment.id == scheduled.id)
        .values(scheduled_interview_id="31087450")
    )
    db.commit()
    post_gh(inbound_app, payload_bytes("greenhouse/interview_deleted.json"), event_id="evt-del-1")
    job_interview, scheduled = assignments(db, app.id)
    assert (job_interview.status, scheduled.status) == ("pending", "cancelled")

    # An id no assignment knows as its scheduled interview is matched by nothing else: not
    # the loop interview key, which is the job's interview id (another id space).
    db.execute(update(Assignment).values(scheduled_interview_id=None))
    db.commit()
    body = payload_bytes("greenhouse/interview_deleted.json")
    post_gh(inbound_app, body.replace(b"{", b'{"again": 1, ', 1), event_id="evt-del-2")
    job_interview, scheduled = assignments(db, app.id)
    assert (job_interview.status, scheduled.status) == ("pending", "cancelled")


# ------------------------------------------------------------------ verification


def test_missing_signature_is_401_and_nothing_is_stored(inbound_app: Flask, db: Session) -> None:
    response = inbound_app.test_client().post(
        "/webhooks/greenhouse", data=GH_STAGE, headers={"Greenhouse-Event-ID": "e"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_signature"
    assert response.get_json()["error"]["fields"] == {"signature": "missing"}
    assert count(db, WebhookDelivery) == 0 and count(db, Application) == 0


def test_forged_signature_is_401_and_nothing_is_stored(inbound_app: Flask, db: Session) -> None:
    response = post_gh(inbound_app, GH_STAGE, secret="guessed")
    assert response.status_code == 401
    assert response.get_json()["error"]["fields"] == {"signature": "mismatch"}
    tampered = GH_STAGE.replace(b"Giuseppe", b"Giuseppa")
    headers = greenhouse_headers(GH_STAGE)
    response = inbound_app.test_client().post(
        "/webhooks/greenhouse", data=tampered, headers=headers
    )
    assert response.status_code == 401
    assert count(db, WebhookDelivery) == 0 and count(db, Application) == 0


def test_secret_rotation_accepts_the_previous_secret(inbound_app: Flask, db: Session) -> None:
    assert post_gh(inbound_app, GH_STAGE, secret=GREENHOUSE_OLD_SECRET).status_code == 200
    assert count(db, WebhookDelivery) == 1


def test_unconfigured_provider_refuses(make_app: Any, db: Session) -> None:
    app = make_app(ASHBY_WEBHOOK_SECRET="only-ashby")
    response = post_gh(app, GH_STAGE)
    assert response.status_code == 401
    assert response.get_json()["error"]["fields"] == {"signature": "not_configured"}
    assert app.test_client().post("/webhooks/workable", data=b"{}").status_code == 404
    assert count(db, WebhookDelivery) == 0


# ------------------------------------------------------------------ malformed, pings


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json at all", "body"),
        (b"[]", "body"),
        (b'{"action": "candidate_stage_change", "payload": {}}', "payload.application"),
        (
            b'{"action": "candidate_stage_change", '
            b'"payload": {"application": {"status": "active"}}}',
            "payload.application.id",
        ),
    ],
)
def test_verified_but_malformed_is_400_naming_the_problem(
    inbound_app: Flask, db: Session, body: bytes, field: str
) -> None:
    response = post_gh(inbound_app, body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "malformed_payload" and field in error["fields"]
    assert field in error["message"]
    assert count(db, WebhookDelivery) == 0


@pytest.mark.parametrize(
    "body",
    [
        b'{"action": "ping", "payload": {"web_hook_id": 42}}',
        b'{"web_hook_id": 42}',
        b'{"action": "offer_created", "payload": {"offer": {"id": 1}}}',
    ],
)
def test_pings_and_unhandled_events_answer_200_without_storing(
    inbound_app: Flask, db: Session, body: bytes
) -> None:
    response = post_gh(inbound_app, body)
    assert response.status_code == 200
    assert response.get_json()["status"] in ("ok", "ignored")
    assert count(db, WebhookDelivery) == 0


# ------------------------------------------------------------------ dedupe and ordering


def test_duplicate_delivery_answers_200_with_no_second_effect(
    inbound_app: Flask, db: Session, hook_calls: list[tuple[str, Any]]
) -> None:
    add_loop(db)
    assert post_gh(inbound_app, GH_STAGE).get_json()["status"] == "done"
    calls = len(hook_calls)
    again = post_gh(inbound_app, GH_STAGE)
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert count(db, WebhookDelivery) == 1 and count(db, Assignment) == 2
    assert len(hook_calls) == calls
    # The same signed body again under a new Greenhouse-Event-ID, or without one: the same
    # delivery (its body hash), no second effect.
    assert post_gh(inbound_app, GH_STAGE, event_id="evt-new").get_json()["status"] == "duplicate"
    assert post_gh(inbound_app, GH_STAGE, event_id=None).get_json()["status"] == "duplicate"
    assert count(db, WebhookDelivery) == 1 and count(db, Assignment) == 2
    assert len(hook_calls) == calls
    # Without a Greenhouse-Event-ID the body hash is the key.
    other = gh_variant(last_activity_at="2015-02-09T16:40:00Z")
    assert post_gh(inbound_app, other, event_id=None).get_json()["status"] == "done"
    assert post_gh(inbound_app, other, event_id=None).get_json()["status"] == "duplicate"
    assert count(db, WebhookDelivery) == 2 and count(db, Assignment) == 2


def test_an_older_event_never_moves_the_application_back(inbound_app: Flask, db: Session) -> None:
    newer = gh_variant(stage=(80000, "Offer"), last_activity_at="2026-03-02T12:00:00Z")
    older = gh_variant(stage=(71416, "Assessment"), last_activity_at="2026-03-01T12:00:00Z")
    add_loop(db)
    assert post_gh(inbound_app, newer, event_id="new").status_code == 200
    assert post_gh(inbound_app, older, event_id="old").status_code == 200
    app = application(db, "greenhouse", "265277")
    assert app is not None
    assert (app.current_stage_id, app.current_stage_name) == ("80000", "Offer")
    assert app.source_updated_at == datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert assignments(db, app.id) == []  # the older stage's interviews were not created
    rejected = gh_variant(
        action="reject_candidate", status="rejected", last_activity_at="2026-03-01T13:00:00Z"
    )
    assert post_gh(inbound_app, rejected, event_id="old-reject").status_code == 200
    app = application(db, "greenhouse", "265277")
    assert app is not None and app.status == "active"
    assert [d.status for d in deliveries(db)] == ["done", "done", "done"]


def test_interviewers_arriving_later_fill_the_waiting_assignment(
    inbound_app: Flask, db: Session, hook_calls: list[tuple[str, Any]]
) -> None:
    add_loop(db)
    post_gh(inbound_app, gh_variant(interviewers=[]), event_id="a")
    app = application(db, "greenhouse", "265277")
    assert app is not None
    waiting = assignments(db, app.id)
    assert [a.interviewer_key for a in waiting] == ["", ""]
    people = [
        {"id": 2622, "display_name": "Carl Buddha", "status": "accepted"},
        {"id": 3001, "display_name": "Dana Declined", "status": "declined"},
        {"id": 3002, "display_name": "Eve Panel", "status": "needs_action"},
    ]
    update_body = gh_variant(
        interviewers=people, action="application_updated", last_activity_at="2015-02-10T00:00:00Z"
    )
    post_gh(inbound_app, update_body, event_id="b")
    rows = assignments(db, app.id)
    assert [(a.interview_key, a.interviewer_key, a.interviewer_name) for a in rows] == [
        ("113101", "2622", "Carl Buddha"),
        ("Spec writing", "", None),
        ("113101", "3002", "Eve Panel"),
    ]
    assert rows[0].id == waiting[0].id  # the waiting assignment was filled in, not replaced
    assert ("assignment_created", (rows[0].id, "2622")) in hook_calls
    # A link issued while it waited is not Carl's link.
    assert rows[0].link_version == waiting[0].link_version + 1
    with inbound_app.app_context():
        old_link = make_link_token(waiting[0].id, waiting[0].link_version)
        with pytest.raises(LinkRejected):
            assignment_for_link(get_session(), old_link)
        new_link = make_link_token(rows[0].id, rows[0].link_version)
        assert assignment_for_link(get_session(), new_link).interviewer_key == "2622"


def test_a_waiting_assignment_someone_began_is_not_handed_to_the_arriving_interviewer(
    inbound_app: Flask, db: Session
) -> None:
    add_loop(db)
    post_gh(inbound_app, gh_variant(interviewers=[]), event_id="a")
    app = application(db, "greenhouse", "265277")
    assert app is not None
    waiting = assignments(db, app.id)[0]
    # Someone filled in a scorecard through the waiting slot's link.
    db.execute(update(Assignment).where(Assignment.id == waiting.id).values(status="submitted"))
    db.add(
        Scorecard(
            application_id=app.id,
            assignment_id=waiting.id,
            source="hireloop",
            interviewer_key="",
            status="submitted",
        )
    )
    db.commit()
    people = [{"id": 2622, "display_name": "Carl Buddha", "status": "accepted"}]
    update_body = gh_variant(
        interviewers=people, action="application_updated", last_activity_at="2015-02-10T00:00:00Z"
    )
    post_gh(inbound_app, update_body, event_id="b")
    rows = assignments(db, app.id)
    assert [(a.interview_key, a.interviewer_key, a.status) for a in rows] == [
        ("113101", "", "submitted"),  # kept as it was
        ("Spec writing", "", "pending"),
        ("113101", "2622", "pending"),  # Carl gets an assignment of his own
    ]
    assert rows[0].link_version == waiting.link_version


def test_an_interviewer_swapped_out_or_declining_is_cancelled_and_never_by_an_older_event(
    inbound_app: Flask, db: Session
) -> None:
    add_loop(db)
    carl = {"id": 2622, "display_name": "Carl Buddha", "status": "accepted"}
    eve = {"id": 3002, "display_name": "Eve Panel", "status": "accepted"}
    mia = {"id": 3003, "display_name": "Mia Started", "status": "accepted"}
    post_gh(inbound_app, gh_variant(interviewers=[carl, mia]), event_id="a")
    app = application(db, "greenhouse", "265277")
    assert app is not None
    started = next(a for a in assignments(db, app.id) if a.interviewer_key == "3003")
    db.execute(update(Assignment).where(Assignment.id == started.id).values(status="draft"))
    db.commit()

    def panel() -> list[tuple[str, str]]:
        return [
            (a.interviewer_key, a.status)
            for a in assignments(db, app.id)
            if a.interview_key == "113101"
        ]

    swapped = gh_variant(
        interviewers=[eve], action="application_updated", last_activity_at="2015-02-10T00:00:00Z"
    )
    post_gh(inbound_app, swapped, event_id="b")
    # Carl is out; Mia began her scorecard, so hers stays for the recruiter to settle.
    assert panel() == [("2622", "cancelled"), ("3003", "draft"), ("3002", "pending")]
    late = gh_variant(
        interviewers=[carl], action="application_updated", last_activity_at="2015-02-09T20:00:00Z"
    )
    post_gh(inbound_app, late, event_id="c")
    assert panel() == [("2622", "cancelled"), ("3003", "draft"), ("3002", "pending")]
    declined = gh_variant(
        interviewers=[{**eve, "status": "declined"}],
        action="application_updated",
        last_activity_at="2015-02-11T00:00:00Z",
    )
    post_gh(inbound_app, declined, event_id="d")
    assert panel() == [("2622", "cancelled"), ("3003", "draft"), ("3002", "cancelled")]
    back = gh_variant(
        interviewers=[carl], action="application_updated", last_activity_at="2015-02-12T00:00:00Z"
    )
    post_gh(inbound_app, back, event_id="e")  # Carl is on the panel again: he interviews
    assert panel() == [("2622", "pending"), ("3003", "draft"), ("3002", "cancelled")]


def test_when_nobody_interviews_any_more_the_interview_waits_for_someone(
    inbound_app: Flask, db: Session
) -> None:
    add_loop(db)
    carl = {"id": 2622, "display_name": "Carl Buddha", "status": "accepted"}
    post_gh(inbound_app, gh_variant(interviewers=[carl]), event_id="a")
    nobody = gh_variant(
        interviewers=[], action="application_updated", last_activity_at="2015-02-10T00:00:00Z"
    )
    post_gh(inbound_app, nobody, event_id="b")
    app = application(db, "greenhouse", "265277")
    assert app is not None
    rows = [(a.interview_key, a.interviewer_key, a.status) for a in assignments(db, app.id)]
    assert rows == [
        ("113101", "2622", "cancelled"),
        ("Spec writing", "", "pending"),
        ("113101", "", "pending"),  # waits for an interviewer, keeping the verdict provisional
    ]
    again = gh_variant(
        interviewers=[carl], action="application_updated", last_activity_at="2015-02-11T00:00:00Z"
    )
    post_gh(inbound_app, again, event_id="c")
    rows = [(a.interview_key, a.interviewer_key, a.status) for a in assignments(db, app.id)]
    assert rows == [
        ("113101", "2622", "pending"),
        ("Spec writing", "", "pending"),
        ("113101", "", "cancelled"),  # Carl is back: nobody else to wait for
    ]


def test_hire_and_reject_close_the_application_and_unreject_reopens(
    inbound_app: Flask, db: Session
) -> None:
    add_loop(db)
    post_gh(inbound_app, GH_STAGE, event_id="stage")
    reject = gh_variant(
        action="reject_candidate", status="rejected", last_activity_at="2015-02-10T00:00:00Z"
    )
    post_gh(inbound_app, reject, event_id="reject")
    app = application(db, "greenhouse", "265277")
    assert app is not None and app.status == "rejected"
    assert {a.status for a in assignments(db, app.id)} == {"cancelled"}

    unreject = gh_variant(
        action="unreject_candidate", status="active", last_activity_at="2015-02-11T00:00:00Z"
    )
    post_gh(inbound_app, unreject, event_id="unreject")
    app = application(db, "greenhouse", "265277")
    assert app is not None and app.status == "active"
    assert {a.status for a in assignments(db, app.id)} == {"pending"}

    hire = gh_variant(
        action="hire_candidate", status="hired", last_activity_at="2015-02-12T00:00:00Z"
    )
    post_gh(inbound_app, hire, event_id="hire")
    app = application(db, "greenhouse", "265277")
    assert app is not None and app.status == "hired"


def test_candidate_deletion_purges_personal_data_and_keeps_scores(
    inbound_app: Flask, db: Session
) -> None:
    add_loop(db)
    post_gh(inbound_app, GH_STAGE, event_id="stage")
    app = application(db, "greenhouse", "265277")
    assert app is not None
    scorecard = Scorecard(
        application_id=app.id, interviewer_key="2622", status="submitted", recommendation="yes"
    )
    scorecard.ratings.append(
        Rating(application_id=app.id, competency_id="product-delivery", rating="on_track")
    )
    db.add(scorecard)
    db.commit()
    body = json.dumps(
        {
            "action": "delete_candidate",
            "payload": {
                "person": {
                    "id": 265772,
                    "first_name": "Giuseppe",
                    "deleted_application_ids": [265277],
                }
            },
        }
    ).encode()
    assert post_gh(inbound_app, body, event_id="delete").status_code == 200
    app = application(db, "greenhouse", "265277")
    assert app is not None
    assert app.candidate_name is None and app.candidate_external_id is None
    assert app.purged_at is not None and app.status == "closed"
    assert count(db, Scorecard) == 1 and count(db, Rating) == 1
    assert {a.status for a in assignments(db, app.id)} == {"cancelled"}
    # The bodies kept in the inbox forget the person too (name, email, phone, address).
    stored = deliveries(db)
    assert [(d.event_type, d.status, d.body, d.headers) for d in stored] == [
        ("candidate_stage_change", "done", REDACTED_BODY, {}),
        ("delete_candidate", "done", REDACTED_BODY, {}),
    ]
    assert (stored[0].application_key, stored[0].candidate_key) == ("265277", "265772")
    assert b"Giuseppe" in GH_STAGE  # what was stored before
    # A later delivery about the purged application is redacted once handled; a replay of a
    # redacted one has nothing left to do.
    late = gh_variant(action="application_updated", last_activity_at="2015-02-10T00:00:00Z")
    assert post_gh(inbound_app, late, event_id="late").get_json()["status"] == "done"
    assert deliveries(db)[-1].body == REDACTED_BODY
    with inbound_app.app_context():
        assert inbox.replay(get_session(), [stored[0].id]) == {stored[0].id: "done"}
    app = application(db, "greenhouse", "265277")
    assert app is not None and app.candidate_name is None


def test_anonymized_candidate_is_not_re_identified_by_later_events(
    inbound_app: Flask, db: Session
) -> None:
    post_gh(inbound_app, GH_STAGE, event_id="stage")
    body = json.dumps(
        {
            "action": "candidate_anonymized",
            "payload": {"candidate_id": 265772, "anonymized_fields": ["full_name"]},
        }
    ).encode()
    assert post_gh(inbound_app, body, event_id="anon").status_code == 200
    later = gh_variant(stage=(80000, "Offer"), last_activity_at="2016-01-01T00:00:00Z")
    post_gh(inbound_app, later, event_id="later")
    app = application(db, "greenhouse", "265277")
    assert app is not None
    assert app.candidate_name is None and app.purged_at is not None
    assert app.current_stage_id == "80000" and app.status == "active"


def test_merge_moves_applications_to_the_winning_candidate(inbound_app: Flask, db: Session) -> None:
    post_gh(inbound_app, GH_STAGE, event_id="stage")
    body = json.dumps(
        {
            "action": "merge_candidate",
            "payload": {"person": {"id": 265772, "new_candidate_id": 999}},
        }
    ).encode()
    assert post_gh(inbound_app, body, event_id="merge").status_code == 200
    app = application(db, "greenhouse", "265277")
    assert app is not None and app.candidate_external_id == "999" and app.candidate_name


def test_a_merge_forgets_the_merged_away_applications_not_the_surviving_candidate(
    inbound_app: Flask, db: Session
) -> None:
    post_gh(inbound_app, GH_STAGE, event_id="stage")  # application 265277 of candidate 265772
    duplicate = json.loads(gh_variant(application_id=777))
    duplicate["payload"]["application"]["candidate"]["id"] = 999
    post_gh(inbound_app, json.dumps(duplicate).encode(), event_id="duplicate")
    merge = {
        "action": "merge_candidate",
        "payload": {
            "person": {"id": 999, "new_candidate_id": 265772, "deleted_application_ids": [777]}
        },
    }
    assert post_gh(inbound_app, json.dumps(merge).encode(), event_id="merge").status_code == 200
    kept, merged_away, merge_row = deliveries(db)
    assert kept.body == GH_STAGE  # about the surviving candidate, who is still there
    assert merged_away.body == REDACTED_BODY and merge_row.body == REDACTED_BODY
    survivor = application(db, "greenhouse", "265277")
    assert survivor is not None and survivor.candidate_external_id == "265772"


def test_job_stage_deleted_cancels_pending_assignments_of_that_stage(
    inbound_app: Flask, db: Session
) -> None:
    add_loop(db)
    post_gh(inbound_app, GH_STAGE, event_id="stage")
    body = json.dumps(
        {
            "action": "job_interview_stage_deleted",
            "payload": {
                "job_interview_stage": {
                    "id": 71416,
                    "job_id": 3485,
                    "updated_at": "2016-08-16T09:29:33.650Z",
                    "name": "Assessment",
                    "active": True,
                }
            },
        }
    ).encode()
    assert post_gh(inbound_app, body, event_id="stage-deleted").status_code == 200
    app = application(db, "greenhouse", "265277")
    assert app is not None
    assert {a.status for a in assignments(db, app.id)} == {"cancelled"}


# ------------------------------------------------------------------ failures and retries


def test_handler_error_is_recorded_on_the_row_and_retried_later(
    inbound_app: Flask, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_loop(db)

    def broken(session: Session, event: Any) -> None:
        session.add(Application(ats="greenhouse", external_id="half-done"))
        session.flush()
        raise RuntimeError("the loops table is on fire")

    monkeypatch.setattr(inbox, "apply_event", broken)
    response = post_gh(inbound_app, GH_STAGE)
    assert response.status_code == 200 and response.get_json()["status"] == "failed"
    [row] = deliveries(db)
    assert row.status == "failed" and row.attempts == 1
    assert row.last_error == "RuntimeError: the loops table is on fire"
    assert row.next_attempt_at is not None and row.next_attempt_at > datetime.now(UTC)
    assert count(db, Application) == 0  # the savepoint took the half-done work back

    # Not due yet: the worker leaves it alone.
    assert sum(inbox.process_pending_deliveries(inbound_app).values()) == 0
    db.execute(
        update(WebhookDelivery).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.commit()
    # Still broken: attempt 2 is recorded with a longer backoff.
    assert inbox.process_pending_deliveries(inbound_app) == {"failed": 1}
    [row] = deliveries(db)
    assert row.attempts == 2 and row.status == "failed"

    monkeypatch.undo()
    db.execute(
        update(WebhookDelivery).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.commit()
    assert inbox.process_pending_deliveries(inbound_app) == {"done": 1}
    [row] = deliveries(db)
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == (
        "done",
        3,
        None,
        None,
    )
    app = application(db, "greenhouse", "265277")
    assert app is not None and len(assignments(db, app.id)) == 2
    # A second worker pass finds nothing to do.
    assert sum(inbox.process_pending_deliveries(inbound_app).values()) == 0


def test_a_delivery_that_keeps_failing_is_dead_but_kept_and_replayable(
    inbound_app: Flask, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(session: Session, event: Any) -> None:
        raise ValueError("nope")

    monkeypatch.setattr(inbox, "apply_event", broken)
    post_gh(inbound_app, GH_STAGE)
    [row] = deliveries(db)
    with inbound_app.app_context():
        for _ in range(inbox.MAX_ATTEMPTS - 1):  # the request made the first attempt
            # Not again before its backoff is over:
            assert inbox.handle_delivery(get_session(), row.id) == "skipped"
            db.execute(
                update(WebhookDelivery).values(
                    next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
                )
            )
            db.commit()
            assert inbox.handle_delivery(get_session(), row.id) in ("failed", "dead")
    [row] = deliveries(db)
    assert (
        row.status == "dead" and row.attempts == inbox.MAX_ATTEMPTS and row.next_attempt_at is None
    )
    monkeypatch.undo()
    with inbound_app.app_context():
        assert inbox.replay(get_session(), failed=True) == {row.id: "done"}
    assert application(db, "greenhouse", "265277") is not None


def test_process_pending_deliveries_accepts_a_session_factory(
    inbound_app: Flask, db: Session
) -> None:
    with inbound_app.app_context():
        factory = state().sessions
    post_gh(inbound_app, GH_STAGE)
    db.execute(
        update(WebhookDelivery).values(
            status="pending", received_at=datetime.now(UTC) - timedelta(minutes=5)
        )
    )
    db.commit()
    assert inbox.process_pending_deliveries(factory, limit=10) == {"done": 1}


def test_default_mode_commits_first_and_leaves_the_handling_to_the_worker(
    make_app: Any, db: Session
) -> None:
    config = {key: value for key, value in INBOUND_CONFIG.items() if key != "WEBHOOK_HANDLING"}
    app = make_app(**config)
    assert app.config["WEBHOOK_HANDLING"] == "worker"
    add_loop(db)
    response = post_gh(app, GH_STAGE)
    assert response.status_code == 200
    assert response.get_json()["status"] == "accepted"
    assert count(db, WebhookDelivery) == 1  # committed before the 200
    assert application(db, "greenhouse", "265277") is None  # not handled in the request
    assert inbox.process_pending_deliveries(app) == {"done": 1}  # due at once, no grace
    [row] = deliveries(db)
    assert (row.status, row.attempts) == ("done", 1)
    found = application(db, "greenhouse", "265277")
    assert found is not None and len(assignments(db, found.id)) == 2
    assert post_gh(app, GH_STAGE).get_json()["status"] == "duplicate"
    assert inbox.process_pending_deliveries(app) == {}


def test_an_idle_worker_handles_a_new_delivery_without_waiting_for_its_next_pass(
    make_app: Any, db: Session
) -> None:

    config = {key: value for key, value in INBOUND_CONFIG.items() if key != "WEBHOOK_HANDLING"}
    app = make_app(**config)
    add_loop(db)
    worker = Worker(app, settings=WorkerSettings(poll_seconds=600, inbox_poll_seconds=0.02))
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)  # the first pass is over: the worker is idle until its next one
        assert post_gh(app, GH_STAGE).get_json()["status"] == "accepted"
        deadline = time.monotonic() + 30
        while application(db, "greenhouse", "265277") is None and time.monotonic() < deadline:
            db.rollback()
            time.sleep(0.02)
    finally:
        worker.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    [row] = deliveries(db)
    assert row.status == "done"  # long before the 600 s pass would have come round


# ------------------------------------------------------------------ Lever


def test_lever_documented_delivery_verbatim_is_refused(inbound_app: Flask, db: Session) -> None:
    raw = payload_bytes("lever/candidateStageChange.corrected.json")
    response = inbound_app.test_client().post(
        "/webhooks/lever", data=raw, content_type="application/json"
    )
    assert response.status_code == 401  # signed with Lever's token for their docs, not ours
    assert response.get_json()["error"]["fields"] == {"signature": "mismatch"}
    stale = resign_lever(raw)  # our token, but triggeredAt is from 2015
    response = inbound_app.test_client().post(
        "/webhooks/lever", data=stale, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["fields"] == {"signature": "stale"}
    assert count(db, WebhookDelivery) == 0


def test_lever_fresh_delivery_then_replay_of_the_same_token(
    inbound_app: Flask, db: Session
) -> None:
    raw = resign_lever(
        payload_bytes("lever/candidateStageChange.corrected.json"), triggered_at=now_ms()
    )
    client = inbound_app.test_client()
    first = client.post("/webhooks/lever", data=raw, content_type="application/json")
    assert first.status_code == 200 and first.get_json()["status"] == "done"
    replayed = client.post("/webhooks/lever", data=raw, content_type="application/json")
    assert replayed.status_code == 200 and replayed.get_json()["status"] == "duplicate"
    [row] = deliveries(db)
    assert row.dedupe_key == "token:be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154"
    app = application(db, "lever", "3410c8b9-5c31-4bab-b7e9-9f710206d647")
    assert app is not None
    assert app.current_stage_id == "7c2690d8-6308-4ed9-ae2a-cbfe7db26593"
    assert app.candidate_external_id == "daeaa038-cddb-4d69-9b8c-74b6c23be3f3"


def test_a_lever_token_spent_on_an_event_we_ignore_cannot_carry_other_data_later(
    inbound_app: Flask, db: Session
) -> None:
    db.add(
        Application(
            ats="lever", external_id="opp-1", candidate_external_id="c-1", candidate_name="Kim"
        )
    )
    db.commit()
    token, at = "t" * 48, now_ms()
    ignored = lever_body("contactUpdated", {"contactId": "c-1"}, token=token, triggered_at=at)
    client = inbound_app.test_client()
    first = client.post("/webhooks/lever", data=ignored, content_type="application/json")
    assert first.status_code == 200 and first.get_json()["status"] == "ignored"
    # The same token, time and signature (Lever signs nothing else) with a deletion instead.
    deletion = {"candidateId": "c-1", "opportunityId": "opp-1"}
    forged = lever_body("candidateDeleted", deletion, token=token, triggered_at=at)
    again = client.post("/webhooks/lever", data=forged, content_type="application/json")
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    [row] = deliveries(db)
    assert (row.event_type, row.status, row.dedupe_key) == (
        "contactUpdated",
        "done",
        f"token:{token}",
    )
    # Only what makes the token known is kept, not the data of an event nobody uses.
    assert json.loads(row.body) == {"event": "contactUpdated", "triggeredAt": at, "token": token}
    kept = application(db, "lever", "opp-1")
    assert kept is not None and kept.candidate_name == "Kim" and kept.purged_at is None


def test_a_lever_deletion_is_redacted_once_handled_and_replays_as_done(
    inbound_app: Flask, db: Session
) -> None:
    db.add(
        Application(
            ats="lever", external_id="opp-1", candidate_external_id="c-1", candidate_name="Kim"
        )
    )
    db.commit()
    deletion = {"candidateId": "c-1", "opportunityId": "opp-1", "name": "Kim Doe"}
    body = lever_body("candidateDeleted", deletion, token="d" * 48)
    answer = inbound_app.test_client().post("/webhooks/lever", data=body)
    assert answer.get_json()["status"] == "done"
    [row] = deliveries(db)
    assert (row.body, row.application_key, row.candidate_key) == (REDACTED_BODY, "opp-1", "c-1")
    with inbound_app.app_context():
        assert inbox.replay(get_session(), [row.id]) == {row.id: "done"}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"event": "candidateStageChange", "triggeredAt": 1, "token": "t", "data": {}}',
    ],
)
def test_lever_missing_signature_is_401(inbound_app: Flask, db: Session, body: bytes) -> None:
    response = inbound_app.test_client().post("/webhooks/lever", data=body)
    assert response.status_code == 401
    assert response.get_json()["error"]["fields"] == {"signature": "missing"}
    assert count(db, WebhookDelivery) == 0


def test_lever_stage_change_maps_through_the_known_job(inbound_app: Flask, db: Session) -> None:
    stage = "7c2690d8-6308-4ed9-ae2a-cbfe7db26593"
    add_loop(
        db,
        ats="lever",
        job_id="posting-1",
        stages=[
            {
                "name": "Onsite",
                "ats_stage_id": stage,
                "interviews": [
                    {
                        "name": "Product sense",
                        "format": "product-sense",
                        "competencies": ["user-experience-design"],
                    }
                ],
            }
        ],
    )
    db.add(Application(ats="lever", external_id="opp-1", job_id="posting-1", status="active"))
    db.commit()
    body = lever_body(
        "candidateStageChange",
        {"opportunityId": "opp-1", "candidateId": "c-1", "toStageId": stage, "fromStageId": "s0"},
        token="x" * 48,
    )
    response = inbound_app.test_client().post("/webhooks/lever", data=body)
    assert response.status_code == 200
    app = application(db, "lever", "opp-1")
    assert app is not None
    [waiting] = assignments(db, app.id)
    assert (waiting.interview_key, waiting.interviewer_key, waiting.status) == (
        "Product sense",
        "",
        "pending",
    )
    # Lever's settings-page test request (empty data) is a ping.
    test_request = lever_body("candidateHired", {}, token="y" * 48)
    answer = inbound_app.test_client().post("/webhooks/lever", data=test_request)
    assert answer.status_code == 200 and answer.get_json()["status"] == "ok"
    # Its token is remembered (Lever's signature does not cover the data), as done.
    assert [(d.dedupe_key, d.status) for d in deliveries(db)][1:] == [(f"token:{'y' * 48}", "done")]


# ------------------------------------------------------------------ Ashby


def test_ashby_documented_payload_verbatim_is_verified_then_400(
    inbound_app: Flask, db: Session
) -> None:
    raw = payload_bytes("ashby/common-payload-data.candidateStageChange.as-documented.json")
    response = inbound_app.test_client().post(
        "/webhooks/ashby", data=raw, headers=ashby_headers(raw)
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"].keys() == {"body"}
    forged = inbound_app.test_client().post(
        "/webhooks/ashby", data=raw, headers=ashby_headers(raw, "nope")
    )
    assert forged.status_code == 401
    assert count(db, WebhookDelivery) == 0


def test_ashby_stage_change_creates_waiting_assignments_and_dedupes_per_action(
    inbound_app: Flask, db: Session
) -> None:
    add_loop(
        db,
        ats="ashby",
        job_id="job-ashby-1",
        stages=[
            {
                "name": "Onsite",
                "ats_stage_id": "stage-onsite",
                "interviews": [
                    {
                        "name": "Analytics case",
                        "format": "analytics-case",
                        "competencies": ["fluency-with-data"],
                    }
                ],
            }
        ],
    )
    body = ashby_delivery_from_documented({"application": ashby_application()})
    client = inbound_app.test_client()
    response = client.post("/webhooks/ashby", data=body, headers=ashby_headers(body))
    assert response.status_code == 200 and response.get_json()["status"] == "done"
    assert (
        client.post("/webhooks/ashby", data=body, headers=ashby_headers(body)).get_json()["status"]
        == "duplicate"
    )
    # The related applicationUpdate shares the webhookActionId but is its own delivery.
    related = body.replace(b'"candidateStageChange"', b'"applicationUpdate"')
    assert (
        client.post("/webhooks/ashby", data=related, headers=ashby_headers(related)).get_json()[
            "status"
        ]
        == "done"
    )
    assert [d.event_type for d in deliveries(db)] == ["candidateStageChange", "applicationUpdate"]
    app = application(db, "ashby", "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60")
    assert app is not None and app.candidate_name == "Ada Ashby"
    [waiting] = assignments(db, app.id)
    assert (waiting.interview_name, waiting.interviewer_key) == ("Analytics case", "")

    cancel = json.dumps(
        {
            "action": "interviewScheduleUpdate",
            "webhookActionId": "cancel-1",
            "data": {
                "interviewSchedule": {
                    "id": "sched-1",
                    "status": "Cancelled",
                    "applicationId": app.external_id,
                    "interviewStageId": "stage-onsite",
                    "updatedAt": "2026-03-03T00:00:00Z",
                }
            },
        }
    ).encode()
    assert (
        client.post("/webhooks/ashby", data=cancel, headers=ashby_headers(cancel)).status_code
        == 200
    )
    [cancelled] = assignments(db, app.id)
    assert cancelled.status == "cancelled"
    ping = b'{"action": "ping", "data": {"webhookActionType": "ping"}}'
    assert client.post("/webhooks/ashby", data=ping, headers=ashby_headers(ping)).status_code == 200
    assert count(db, WebhookDelivery) == 3


def post_ashby(app: Flask, action: str, data: dict[str, Any], action_id: str) -> Any:
    body = json.dumps({"action": action, "webhookActionId": action_id, "data": data}).encode()
    response = app.test_client().post("/webhooks/ashby", data=body, headers=ashby_headers(body))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_ashby_interview_schedule_gives_the_waiting_assignments_their_interviewers(
    inbound_app: Flask, db: Session, hook_calls: list[tuple[str, Any]]
) -> None:
    ashby_onsite_loop(db)

    def post(action: str, data: dict[str, Any], action_id: str) -> Any:
        return post_ashby(inbound_app, action, data, action_id)

    post("candidateStageChange", {"application": ashby_application()}, "stage-1")
    app = application(db, "ashby", "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60")
    assert app is not None
    stage_time = app.source_updated_at
    waiting = assignments(db, app.id)
    assert [(a.interview_key, a.interviewer_key) for a in waiting] == [
        ("iv-analytics", ""),
        ("iv-spec", ""),
    ]

    # A schedule of another stage names nobody here.
    other = ashby_interview_schedule(stage_id="stage-screen", events=(("iv-analytics", ("u-7",)),))
    post("interviewScheduleCreate", {"interviewSchedule": other}, "schedule-0")
    assert [a.interviewer_key for a in assignments(db, app.id)] == ["", ""]

    schedule = ashby_interview_schedule(events=(("iv-analytics", ("user-1", "user-2")),))
    answer = post("interviewScheduleCreate", {"interviewSchedule": schedule}, "schedule-1")
    assert answer["status"] == "done"
    rows = assignments(db, app.id)
    assert [(a.interview_key, a.interviewer_key, a.link_version) for a in rows] == [
        ("iv-analytics", "user-1", 2),  # the waiting slot, with a new link version
        ("iv-spec", "", 1),  # not in the schedule: still waiting
        ("iv-analytics", "user-2", 1),
    ]
    assert [c for c in hook_calls if c[0] == "assignment_created"] == [
        ("assignment_created", (rows[0].id, "user-1")),
        ("assignment_created", (rows[2].id, "user-2")),
    ]
    # The schedule's own time orders nothing: the application is as the stage change left it.
    app = application(db, "ashby", app.external_id)
    assert app is not None
    assert (app.current_stage_id, app.source_updated_at) == ("stage-onsite", stage_time)

    # The same interviewers again (an update of the schedule): no second assignment.
    post("interviewScheduleUpdate", {"interviewSchedule": schedule}, "schedule-2")
    assert len(assignments(db, app.id)) == 3


def test_an_ashby_schedule_cancels_only_its_own_interviews_and_a_new_one_revives_them(
    inbound_app: Flask, db: Session
) -> None:
    ashby_onsite_loop(db)
    post_ashby(inbound_app, "candidateStageChange", {"application": ashby_application()}, "s")
    analytics = ashby_interview_schedule(events=(("iv-analytics", ("user-1",)),))
    spec = {**ashby_interview_schedule(events=(("iv-spec", ("user-2",)),)), "id": "sched-2"}
    for number, schedule in enumerate((analytics, spec)):
        data = {"interviewSchedule": schedule}
        post_ashby(inbound_app, "interviewScheduleCreate", data, f"create-{number}")
    app = application(db, "ashby", "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60")
    assert app is not None

    def states() -> list[tuple[str, str, str]]:
        return [(a.interview_key, a.interviewer_key, a.status) for a in assignments(db, app.id)]

    assert states() == [("iv-analytics", "user-1", "pending"), ("iv-spec", "user-2", "pending")]
    cancelled = {"interviewSchedule": {**analytics, "status": "Cancelled"}}
    post_ashby(inbound_app, "interviewScheduleUpdate", cancelled, "x")
    assert states() == [("iv-analytics", "user-1", "cancelled"), ("iv-spec", "user-2", "pending")]
    # Rescheduled with the same interviewer: the assignment counts again.
    again = {**analytics, "id": "sched-3"}
    post_ashby(inbound_app, "interviewScheduleCreate", {"interviewSchedule": again}, "r")
    assert states() == [("iv-analytics", "user-1", "pending"), ("iv-spec", "user-2", "pending")]
    # The schedule's update swaps the interviewer: the one swapped out no longer interviews.
    swapped = ashby_interview_schedule(events=(("iv-analytics", ("user-3",)),))
    post_ashby(inbound_app, "interviewScheduleUpdate", {"interviewSchedule": swapped}, "w")
    assert states() == [
        ("iv-analytics", "user-1", "cancelled"),
        ("iv-spec", "user-2", "pending"),
        ("iv-analytics", "user-3", "pending"),
    ]


def test_an_ashby_schedule_of_an_unknown_or_closed_application_changes_nothing(
    inbound_app: Flask, db: Session
) -> None:
    ashby_onsite_loop(db)
    schedule = {"interviewSchedule": ashby_interview_schedule(application_id="unknown")}
    assert post_ashby(inbound_app, "interviewScheduleCreate", schedule, "u")["status"] == "done"
    assert count(db, Application) == 0  # a schedule creates no application
    hired = ashby_application(status="Hired")
    post_ashby(inbound_app, "candidateHire", {"application": hired}, "h")
    app = application(db, "ashby", "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60")
    assert app is not None and app.status == "hired"
    before = [(a.interviewer_key, a.status) for a in assignments(db, app.id)]
    schedule = {"interviewSchedule": ashby_interview_schedule()}
    post_ashby(inbound_app, "interviewScheduleCreate", schedule, "late")
    assert [(a.interviewer_key, a.status) for a in assignments(db, app.id)] == before
    app = application(db, "ashby", app.external_id)
    assert app is not None and app.status == "hired"  # not reopened


# ------------------------------------------------------------------ CLI


def test_inbox_cli_list_and_replay(
    inbound_app: Flask, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(session: Session, event: Any) -> None:
        raise RuntimeError("handler bug")

    monkeypatch.setattr(inbox, "apply_event", broken)
    post_gh(inbound_app, GH_STAGE)
    monkeypatch.undo()
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: inbound_app)

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args), obj=info)

    listed = invoke("inbox", "list")
    assert listed.exit_code == 0
    assert "candidate_stage_change" in listed.output and "failed" in listed.output
    assert "RuntimeError: handler bug" in listed.output
    as_json = invoke("inbox", "list", "--json", "--status", "failed")
    [line] = as_json.output.strip().splitlines()
    delivery_id = json.loads(line)["id"]
    replayed = invoke("inbox", "replay", "--failed")
    assert replayed.exit_code == 0 and f"{delivery_id}: done" in replayed.output
    again = invoke("inbox", "replay", str(delivery_id))
    assert again.exit_code == 0 and f"{delivery_id}: done" in again.output
    assert count(db, Application) == 1
    assert invoke("inbox", "replay").exit_code != 0


# ------------------------------------------------------------------ the worker's claims


def worker_app(make_app: Any) -> Flask:
    config = {key: value for key, value in INBOUND_CONFIG.items() if key != "WEBHOOK_HANDLING"}
    return make_app(**config)


def store_deliveries(app: Flask, count: int) -> None:
    for n in range(count):
        body = gh_variant(application_id=900_000 + n)
        assert post_gh(app, body, event_id=f"claim-{n}").get_json()["status"] == "accepted"


def test_deliveries_another_worker_claimed_are_left_alone_until_the_claim_lapses(
    make_app: Any, db: Session
) -> None:
    app = worker_app(make_app)
    add_loop(db)
    store_deliveries(app, 3)
    prepared: list[str] = []

    def counting(event: Any) -> Any:
        prepared.append(event.vendor_event)
        return event

    with app.app_context():
        assert len(inbox.claim_due(get_session(), 10)) == 3  # worker A, preparing
        assert not inbox.any_due(get_session())  # worker B sees nothing to do
    assert inbox.process_pending_deliveries(app, complete=counting) == {}
    assert prepared == []  # and asks no ATS about A's deliveries
    db.execute(
        update(WebhookDelivery).values(claimed_until=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.commit()  # A died: its claim lapsed
    assert inbox.process_pending_deliveries(app, complete=counting) == {"done": 3}
    assert len(prepared) == 3
    assert [row.claimed_until for row in deliveries(db)] == [None, None, None]


def test_with_inline_handling_the_worker_leaves_fresh_deliveries_to_their_request(
    make_app: Any, db: Session
) -> None:
    app = worker_app(make_app)  # stores only: as if the inline request had not finished yet
    add_loop(db)
    store_deliveries(app, 1)
    grace = inbox.pending_grace({"WEBHOOK_HANDLING": "inline"})
    assert grace > 0 and inbox.pending_grace(app.config) == 0
    assert inbox.process_pending_deliveries(app, grace=grace) == {}
    db.execute(
        update(WebhookDelivery).values(received_at=datetime.now(UTC) - timedelta(seconds=grace))
    )
    db.commit()
    assert inbox.process_pending_deliveries(app, grace=grace) == {"done": 1}


def test_a_batch_that_fails_as_a_whole_is_handled_one_delivery_at_a_time(
    make_app: Any, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = worker_app(make_app)
    add_loop(db)
    store_deliveries(app, 3)
    original = inbox.handle_delivery
    second = deliveries(db)[1].id

    def breaks_the_batch(session: Session, delivery_id: int, **kwargs: Any) -> str:
        if delivery_id == second and kwargs.get("commit") is False:
            raise RuntimeError("the batch's transaction broke")
        return original(session, delivery_id, **kwargs)

    monkeypatch.setattr(inbox, "handle_delivery", breaks_the_batch)
    with app.app_context():
        assert inbox.process_due(get_session(), batch=3) == {"done": 3}
    assert [row.status for row in deliveries(db)] == ["done", "done", "done"]


def test_a_delivery_whose_transaction_breaks_backs_off_and_holds_up_nothing(
    make_app: Any, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = worker_app(make_app)
    add_loop(db)
    store_deliveries(app, 3)
    original = inbox.handle_delivery
    first = deliveries(db)[0].id

    def connection_lost(session: Session, delivery_id: int, **kwargs: Any) -> str:
        if delivery_id == first:
            raise RuntimeError("the connection was lost mid-transaction")
        return original(session, delivery_id, **kwargs)

    monkeypatch.setattr(inbox, "handle_delivery", connection_lost)
    with app.app_context():
        # One at a time (as on SQLite): the broken one is recorded, the others handled.
        assert inbox.process_due(get_session(), batch=1) == {"failed": 1, "done": 2}
        assert inbox.process_due(get_session(), batch=1) == {}  # backing off, not first again
    row = deliveries(db)[0]
    assert (row.status, row.attempts, row.claimed_until) == ("failed", 1, None)
    assert "connection was lost" in (row.last_error or "")
    assert row.next_attempt_at is not None


def test_the_cli_status_choices_are_the_delivery_states_as_text() -> None:
    assert inbox.STATUSES == ("pending", "done", "failed", "dead")
    assert all(type(status) is str for status in inbox.STATUSES)
