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

from tests.plugin.inbound.support import (
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
