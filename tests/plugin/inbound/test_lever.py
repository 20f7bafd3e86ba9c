"""Lever's thin webhooks completed from Lever's API before they are handled."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
from flask import Flask
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugin.ats.errors import AtsServerError
from plugin.inbound import inbox
from plugin.inbound.models import WebhookDelivery
from tests.plugin.inbound.support import (
    add_loop,
    application,
    assignments,
    deliveries,
    handle_as_the_worker,
)
from tests.webhooks.helpers import INBOUND_CONFIG, now_ms, payload_bytes, resign_lever

LEVER = "https://lever.test/v1"
DELIVERY = "lever/candidateStageChange.corrected.json"
OPPORTUNITY = "3410c8b9-5c31-4bab-b7e9-9f710206d647"
TO_STAGE = "7c2690d8-6308-4ed9-ae2a-cbfe7db26593"
INTERVIEW = json.loads(payload_bytes("lever/api.interviews.retrieve.response.json"))["data"]


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The default handling (the worker), with Lever's API configured."""
    config = {key: value for key, value in INBOUND_CONFIG.items() if key != "WEBHOOK_HANDLING"}
    return make_app(
        **config,
        LEVER_API_KEY="lever-key",
        LEVER_API_URL=LEVER,
        PUBLIC_URL="https://hireloop.test",
    )


def lever_loop(db: Session) -> None:
    add_loop(
        db,
        ats="lever",
        job_id="posting-1",
        stages=[
            {
                "name": "On-site",
                "ats_stage_id": TO_STAGE,
                "interviews": [
                    {
                        "name": "Product sense",
                        "ats_interview_id": INTERVIEW["feedbackTemplate"],
                        "format": "product-sense",
                        "competencies": ["user-experience-design"],
                    }
                ],
            }
        ],
    )


def mock_lever(opportunity_status: int = 200) -> None:
    responses.get(
        f"{LEVER}/opportunities/{OPPORTUNITY}",
        status=opportunity_status,
        json={
            "data": {
                "id": OPPORTUNITY,
                "name": "Kristoff Bjorgman",
                "contact": "05c248f9-ccb1-435f-bab5-0ec608aec263",
                "stage": {"id": TO_STAGE, "text": "On-site interview"},
                "archived": None,
                "applications": [{"id": "app-1", "posting": {"id": "posting-1", "text": "PM"}}],
            }
        },
    )
    elsewhere = {**INTERVIEW, "id": "iv-other-stage"}
    cancelled = {**INTERVIEW, "id": "iv-cancelled", "stage": TO_STAGE, "canceledAt": now_ms()}
    responses.get(
        f"{LEVER}/opportunities/{OPPORTUNITY}/interviews",
        json={"data": [{**INTERVIEW, "stage": TO_STAGE}, elsewhere, cancelled]},
    )


def post_lever(app: Flask) -> Any:
    body = resign_lever(payload_bytes(DELIVERY), triggered_at=now_ms())
    return app.test_client().post("/webhooks/lever", data=body, content_type="application/json")


@responses.activate
def test_a_thin_stage_change_is_completed_from_lever_and_assigns_the_interviewer(
    app: Flask, db: Session
) -> None:
    lever_loop(db)
    mock_lever()
    assert post_lever(app).get_json()["status"] == "accepted"
    assert handle_as_the_worker(app) == {"done": 1}
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None
    assert (found.job_id, found.job_name, found.candidate_name) == (
        "posting-1",
        "PM",
        "Kristoff Bjorgman",
    )
    assert found.current_stage_id == TO_STAGE and found.loop_id is not None
    [assignment] = assignments(db, found.id)
    assert (assignment.interviewer_key, assignment.interviewer_email) == (
        "412f5bf5-1509-4916-ba5b-8b16a5c3ce6d",
        "rachel@exampleq3.com",
    )
    assert assignment.interview_key == INTERVIEW["feedbackTemplate"]


@responses.activate
def test_a_lever_api_error_fails_the_delivery_which_is_retried_not_lost(
    app: Flask, db: Session
) -> None:
    lever_loop(db)
    mock_lever(opportunity_status=401)
    post_lever(app)
    assert handle_as_the_worker(app) == {"failed": 1}
    [row] = deliveries(db)
    assert row.status == "failed" and "401" in (row.last_error or "")
    assert application(db, "lever", OPPORTUNITY) is None  # not handled half-informed
    responses.reset()
    mock_lever()
    db.execute(
        update(WebhookDelivery).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.commit()
    assert handle_as_the_worker(app) == {"done": 1}
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None and found.job_id == "posting-1"


def test_without_lever_api_credentials_the_thin_event_is_handled_as_it_came(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(**INBOUND_CONFIG)  # inline handling, no LEVER_API_KEY
    lever_loop(db)
    assert post_lever(app).get_json()["status"] == "done"
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None
    assert found.current_stage_id == TO_STAGE and found.job_id is None  # no loop to map
    assert assignments(db, found.id) == []


@responses.activate
def test_inline_handling_completes_the_thin_event_before_the_200(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(**INBOUND_CONFIG, LEVER_API_KEY="lever-key", LEVER_API_URL=LEVER)
    lever_loop(db)
    mock_lever()
    assert post_lever(app).get_json()["status"] == "done"
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None and found.job_id == "posting-1"
    assert len(assignments(db, found.id)) == 1


def test_lever_down_for_long_keeps_the_delivery_failed_never_dead(app: Flask, db: Session) -> None:

    def lever_down(event: Any) -> Any:
        raise AtsServerError("503 from Lever", 503)

    lever_loop(db)
    post_lever(app)
    for _ in range(inbox.MAX_ATTEMPTS + 2):
        assert dict(inbox.process_pending_deliveries(app, complete=lever_down)) == {"failed": 1}
        db.execute(
            update(WebhookDelivery).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.commit()
    [row] = deliveries(db)
    assert row.status == "failed" and row.attempts == inbox.MAX_ATTEMPTS + 2
    assert row.next_attempt_at is not None  # tried again, an hour apart at most
