"""Ashby's stage changes name no interviewers: with Ashby's API set, the worker reads the
application and its interview schedules before handling one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import responses
from flask import Flask
from responses import matchers
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from tests.plugin.inbound.support import (
    ASHBY_INTERVIEWS,
    add_loop,
    application,
    ashby_onsite_loop,
    assignments,
    deliveries,
    handle_as_the_worker,
)
from tests.webhooks.helpers import (
    INBOUND_CONFIG,
    ashby_application,
    ashby_delivery_from_documented,
    ashby_headers,
    ashby_interview_schedule,
    payload_bytes,
)

ASHBY = "https://ashby.test"
APPLICATION = "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60"


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The default handling (the worker), with Ashby's API configured."""
    config = {key: value for key, value in INBOUND_CONFIG.items() if key != "WEBHOOK_HANDLING"}
    return make_app(
        **config, ASHBY_API_KEY="ashby-key", ASHBY_API_URL=ASHBY, PUBLIC_URL="https://hl.test"
    )


def mock_ashby(info_status: int = 200) -> None:
    responses.post(
        f"{ASHBY}/application.info",
        status=info_status,
        json={"success": True, "results": ashby_application()},
        match=[matchers.json_params_matcher({"applicationId": APPLICATION})],
    )
    onsite = ashby_interview_schedule(events=(("iv-analytics", ("user-1",)),))
    earlier = ashby_interview_schedule(
        stage_id="stage-screen", events=(("iv-analytics", ("u-7",)),)
    )
    responses.post(
        f"{ASHBY}/interviewSchedule.list",
        json={"success": True, "results": [onsite, earlier], "moreDataAvailable": False},
        match=[matchers.json_params_matcher({"applicationId": APPLICATION})],
    )


def post_stage_change(app: Flask) -> Any:
    body = ashby_delivery_from_documented({"application": ashby_application()})
    response = app.test_client().post("/webhooks/ashby", data=body, headers=ashby_headers(body))
    assert response.status_code == 200
    return response.get_json()


@responses.activate
def test_a_stage_change_gets_the_interviewers_already_scheduled_in_that_stage(
    app: Flask, db: Session
) -> None:
    ashby_onsite_loop(db)
    mock_ashby()
    assert post_stage_change(app)["status"] == "accepted"
    assert handle_as_the_worker(app) == {"done": 1}
    found = application(db, "ashby", APPLICATION)
    assert found is not None and found.current_stage_id == "stage-onsite"
    # The interviewer of this stage's schedule, not the earlier stage's; nobody is
    # scheduled for the spec interview yet, so it waits.
    assert [(a.interview_key, a.interviewer_key) for a in assignments(db, found.id)] == [
        ("iv-analytics", "user-1"),
        ("iv-spec", ""),
    ]
    sent = [json.loads(call.request.body or b"{}") for call in responses.calls]
    assert sent == [{"applicationId": APPLICATION}] * 2


@responses.activate
def test_an_ashby_api_error_fails_the_delivery_for_a_later_retry(app: Flask, db: Session) -> None:
    ashby_onsite_loop(db)
    mock_ashby(info_status=503)
    post_stage_change(app)
    assert handle_as_the_worker(app) == {"failed": 1}
    [row] = deliveries(db)
    assert row.status == "failed" and "503" in (row.last_error or "")
    assert application(db, "ashby", APPLICATION) is None  # not handled half-informed


def post_file(app: Flask, name: str, change: Callable[[dict[str, Any]], None] | None = None) -> Any:
    """A fixture delivery (optionally changed), signed as Ashby signs: the raw body."""
    body = payload_bytes(name)
    if change is not None:
        document = json.loads(body)
        change(document)
        body = json.dumps(document).encode()
    return app.test_client().post("/webhooks/ashby", data=body, headers=ashby_headers(body))


SCHEDULE = "ashby/interviewScheduleCreate.assembled-from-openapi-schema.json"
SCHEDULED = json.loads(payload_bytes(SCHEDULE))["data"]["interviewSchedule"]
EVENT = SCHEDULED["interviewEvents"][0]


@pytest.fixture
def scheduled_app(make_app: Callable[..., Flask], db: Session) -> Flask:
    """Inline handling, no API: an application in the schedule's stage of a loop whose
    interview is the schedule's."""
    add_loop(
        db,
        ats="ashby",
        job_id="job-ashby-1",
        stages=[
            {
                "name": "Onsite",
                "ats_stage_id": SCHEDULED["interviewStageId"],
                "interviews": [{**ASHBY_INTERVIEWS[0], "ats_interview_id": EVENT["interviewId"]}],
            }
        ],
    )
    app = make_app(**INBOUND_CONFIG)
    stage_change = ashby_application(
        application_id=SCHEDULED["applicationId"], stage_id=SCHEDULED["interviewStageId"]
    )
    body = ashby_delivery_from_documented({"application": stage_change})
    app.test_client().post("/webhooks/ashby", data=body, headers=ashby_headers(body))
    return app


def panel(db: Session) -> list[tuple[str, str | None, str | None, str]]:
    found = application(db, "ashby", SCHEDULED["applicationId"])
    assert found is not None
    return [
        (a.interviewer_key, a.interviewer_name, a.interviewer_email, a.status)
        for a in assignments(db, found.id)
    ]


def test_interviewers_are_read_from_interviewers_first(scheduled_app: Flask, db: Session) -> None:
    assert post_file(scheduled_app, SCHEDULE).get_json()["status"] == "done"
    user = EVENT["interviewers"][0]
    assert panel(db) == [(user["id"], "Test User", "test@ashbyhq.com", "pending")]


def test_interviewer_user_ids_are_the_fallback(scheduled_app: Flask, db: Session) -> None:
    def ids_only(document: dict[str, Any]) -> None:
        del document["data"]["interviewSchedule"]["interviewEvents"][0]["interviewers"]

    assert post_file(scheduled_app, SCHEDULE, ids_only).get_json()["status"] == "done"
    assert panel(db) == [(EVENT["interviewerUserIds"][0], None, None, "pending")]


def test_an_event_naming_no_interviewer_field_cancels_nobody(
    scheduled_app: Flask, db: Session
) -> None:
    post_file(scheduled_app, SCHEDULE)

    def no_field(document: dict[str, Any]) -> None:
        event = document["data"]["interviewSchedule"]["interviewEvents"][0]
        del event["interviewers"], event["interviewerUserIds"]

    update = "ashby/interviewScheduleUpdate.assembled-from-openapi-schema.json"
    answer = post_file(scheduled_app, update, no_field)
    assert answer.status_code == 200 and answer.get_json()["status"] == "done"
    assert [row[3] for row in panel(db)] == ["pending"]  # not an empty panel: nobody cancelled
    # Whereas an event that names an empty panel does cancel the unstarted assignment.

    def empty(document: dict[str, Any]) -> None:
        event = document["data"]["interviewSchedule"]["interviewEvents"][0]
        event["interviewers"], event["interviewerUserIds"] = [], []
        document["webhookActionId"] = "another-action"  # a later change, not a retry

    post_file(scheduled_app, update, empty)
    assert [row[3] for row in panel(db)] == ["cancelled", "pending"]  # a slot waits again


def test_a_merge_moves_the_applications_to_the_surviving_candidate(
    make_app: Callable[..., Flask], db: Session
) -> None:
    merge = json.loads(payload_bytes("ashby/candidateMerge.assembled-from-openapi-schema.json"))
    deleted = merge["data"]["deletedCandidate"]["id"]
    merged = merge["data"]["mergedCandidate"]["id"]
    db.add(Application(ats="ashby", external_id="app-1", candidate_external_id=deleted))
    db.commit()
    app = make_app(**INBOUND_CONFIG)
    answer = post_file(app, "ashby/candidateMerge.assembled-from-openapi-schema.json")
    assert answer.status_code == 200 and answer.get_json()["status"] == "done"
    found = application(db, "ashby", "app-1")
    assert found is not None and found.candidate_external_id == merged
    assert found.purged_at is None


def test_a_merge_without_the_surviving_candidate_names_the_field(
    make_app: Callable[..., Flask],
) -> None:
    def no_survivor(document: dict[str, Any]) -> None:
        del document["data"]["mergedCandidate"]

    name = "ashby/candidateMerge.assembled-from-openapi-schema.json"
    answer = post_file(make_app(**INBOUND_CONFIG), name, no_survivor)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["fields"] == {"data.mergedCandidate": "is missing"}


@responses.activate
def test_a_stage_change_reads_interviewers_with_their_names_from_the_api(
    app: Flask, db: Session
) -> None:
    ashby_onsite_loop(db)
    responses.post(
        f"{ASHBY}/application.info", json={"success": True, "results": ashby_application()}
    )
    schedule = {
        **ashby_interview_schedule(events=(("iv-analytics", ("user-1",)),)),
    }
    schedule["interviewEvents"][0]["interviewers"] = [
        {**EVENT["interviewers"][0], "id": "user-2"}
    ]  # interviewers wins over interviewerUserIds
    schedule["interviewEvents"].append({**schedule["interviewEvents"][0], "interviewId": "iv-spec"})
    del (
        schedule["interviewEvents"][1]["interviewers"],
        schedule["interviewEvents"][1]["interviewerUserIds"],
    )
    responses.post(
        f"{ASHBY}/interviewSchedule.list",
        json={"success": True, "results": [schedule], "moreDataAvailable": False},
    )
    post_stage_change(app)
    assert handle_as_the_worker(app) == {"done": 1}
    found = application(db, "ashby", APPLICATION)
    assert found is not None
    assert [
        (a.interview_key, a.interviewer_key, a.interviewer_name, a.status)
        for a in assignments(db, found.id)
    ] == [("iv-analytics", "user-2", "Test User", "pending"), ("iv-spec", "", None, "pending")]
