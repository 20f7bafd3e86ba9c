"""Lever as it really sends: interview events re-read the opportunity's interviews and update
the panel; an archive is hired or rejected by its reason's type; every verified token is
spent, whatever hireloop answers. Deliveries are the fixture files, re-signed with Lever's
algorithm; Lever's API is ``responses``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import responses
from flask import Flask
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from tests.plugin.inbound.support import add_loop, application, assignments, deliveries
from tests.webhooks.helpers import INBOUND_CONFIG, now_ms, payload_bytes, resign_lever

LEVER = "https://lever.test/v1"
OPPORTUNITY = "3410c8b9-5c31-4bab-b7e9-9f710206d647"
STAGE = "7c2690d8-6308-4ed9-ae2a-cbfe7db26593"
INTERVIEW = json.loads(payload_bytes("lever/api.interviews.retrieve.response.json"))["data"]
TEMPLATE = INTERVIEW["feedbackTemplate"]
RACHEL = INTERVIEW["interviewers"][0]
MONICA = {"id": "5e1f0c7a-0000-4000-8000-00000000000a", "name": "Monica", "email": "m@x.test"}
REASONS = json.loads(payload_bytes("lever/api.archive_reasons.list.response.json"))["data"]
HIRED = next(reason for reason in REASONS if reason["type"] == "hired")
# Lever's "Retrieve a single archive reason" example: Underqualified, non-hired.
NOT_HIRED = json.loads(payload_bytes("lever/api.archive_reasons.retrieve.response.json"))


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """Inline handling: the effects are there when the 200 arrives."""
    return make_app(**INBOUND_CONFIG, LEVER_API_KEY="lever-key", LEVER_API_URL=LEVER)


@pytest.fixture
def lever_loop(db: Session) -> None:
    interview = {
        "name": "Product sense",
        "ats_interview_id": TEMPLATE,
        "format": "product-sense",
        "competencies": ["user-experience-design"],
    }
    add_loop(
        db,
        ats="lever",
        job_id="posting-1",
        stages=[{"name": "On-site", "ats_stage_id": STAGE, "interviews": [interview]}],
    )


def opportunity(archived: dict[str, Any] | None = None) -> None:
    responses.upsert(
        responses.GET,
        f"{LEVER}/opportunities/{OPPORTUNITY}",
        json={
            "data": {
                "id": OPPORTUNITY,
                "name": "Kristoff Bjorgman",
                "contact": "05c248f9-ccb1-435f-bab5-0ec608aec263",
                "stage": {"id": STAGE, "text": "On-site interview"},
                "archived": archived,
                "applications": [{"id": "a-1", "posting": {"id": "posting-1", "text": "PM"}}],
            }
        },
    )


def interviews(*panel: dict[str, Any]) -> None:
    """The opportunity's interviews in the stage: one per interviewer named."""
    listed = [
        {**INTERVIEW, "id": f"iv-{person['id']}", "stage": STAGE, "interviewers": [person]}
        for person in panel
    ]
    responses.upsert(
        responses.GET, f"{LEVER}/opportunities/{OPPORTUNITY}/interviews", json={"data": listed}
    )


def post(app: Flask, name: str, **replace: Any) -> Any:
    body = resign_lever(payload_bytes(name), triggered_at=now_ms())
    if replace:
        document = json.loads(body)
        document["data"].update(replace)
        body = json.dumps(document).encode()
    return app.test_client().post("/webhooks/lever", data=body, content_type="application/json")


def panel(db: Session) -> list[tuple[str, str]]:
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None
    return [(a.interviewer_key, a.status) for a in assignments(db, found.id)]


@responses.activate
@pytest.mark.usefixtures("lever_loop")
def test_interviews_scheduled_after_the_stage_change_get_their_assignments(
    app: Flask, db: Session
) -> None:
    opportunity()
    interviews()  # nobody scheduled yet when the candidate enters the stage
    assert post(app, "lever/candidateStageChange.corrected.json").status_code == 200
    assert panel(db) == [("", "pending")]  # waits for an interviewer
    interviews(RACHEL)
    answer = post(app, "lever/interviewCreated.assembled.json")
    assert answer.status_code == 200 and answer.get_json()["status"] == "done"
    assert panel(db) == [(RACHEL["id"], "pending")]  # the waiting slot is Rachel's
    # Updated: Monica replaces Rachel (swap).
    interviews(MONICA)
    post(app, "lever/interviewUpdated.assembled.json")
    assert panel(db) == [(RACHEL["id"], "cancelled"), (MONICA["id"], "pending")]
    # Deleted: Lever lists no interview for the form any more; the slot waits again.
    interviews()
    post(app, "lever/interviewDeleted.assembled.json")
    assert panel(db) == [(RACHEL["id"], "cancelled"), (MONICA["id"], "cancelled"), ("", "pending")]
    read = [call.request.url.split("?")[0] for call in responses.calls]
    assert read.count(f"{LEVER}/opportunities/{OPPORTUNITY}/interviews") == 4


@responses.activate
@pytest.mark.usefixtures("lever_loop")
def test_an_interview_event_about_an_unknown_opportunity_creates_nothing(
    app: Flask, db: Session
) -> None:
    opportunity()
    interviews(RACHEL)
    assert post(app, "lever/interviewCreated.assembled.json").get_json()["status"] == "done"
    assert application(db, "lever", OPPORTUNITY) is None


def test_without_lever_api_an_interview_event_changes_nothing(
    make_app: Callable[..., Flask], db: Session, lever_loop: None
) -> None:
    app = make_app(**INBOUND_CONFIG)
    db.add(Application(ats="lever", external_id=OPPORTUNITY, current_stage_id=STAGE))
    db.commit()
    assert post(app, "lever/interviewDeleted.assembled.json").get_json()["status"] == "done"
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None and assignments(db, found.id) == []


@responses.activate
@pytest.mark.usefixtures("lever_loop")
def test_an_archive_with_a_hired_reason_is_a_hire_and_unarchive_reopens(
    app: Flask, db: Session
) -> None:
    opportunity()
    interviews(RACHEL)
    post(app, "lever/candidateStageChange.corrected.json")
    assert panel(db) == [(RACHEL["id"], "pending")]
    reason = HIRED["id"]
    opportunity(archived={"archivedAt": 1431459000000, "reason": reason})
    responses.get(f"{LEVER}/archive_reasons/{reason}", json={"data": HIRED})
    post(app, "lever/candidateArchiveChange.hired.assembled.json")
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None and found.status == "hired"  # never rejected
    assert panel(db) == [(RACHEL["id"], "cancelled")]
    opportunity()  # unarchived in Lever
    post(app, "lever/candidateArchiveChange.unarchived.assembled.json")
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None and found.status == "active"
    assert panel(db) == [(RACHEL["id"], "pending")]  # reopened: the interviewer counts again


@responses.activate
@pytest.mark.usefixtures("lever_loop")
def test_an_archive_with_a_non_hired_reason_is_a_rejection(app: Flask, db: Session) -> None:
    reason = NOT_HIRED["data"]["id"]
    opportunity(archived={"archivedAt": 1431459000000, "reason": reason})
    responses.get(f"{LEVER}/archive_reasons/{reason}", json=NOT_HIRED)
    post(app, "lever/candidateArchiveChange.hired.assembled.json", toArchived={"reason": reason})
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None and found.status == "rejected"


def test_without_lever_api_an_archive_closes_without_calling_it_a_rejection(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(**INBOUND_CONFIG)
    post(app, "lever/candidateArchiveChange.hired.assembled.json")
    found = application(db, "lever", OPPORTUNITY)
    assert found is not None and found.status == "closed"


def test_a_verified_token_is_spent_even_when_the_body_is_refused(app: Flask, db: Session) -> None:
    refused = post(app, "lever/interviewCreated.assembled.json", opportunityId=None)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["fields"] == {"data.opportunityId": "is missing"}
    [row] = deliveries(db)
    token = json.loads(payload_bytes("lever/interviewCreated.assembled.json"))["token"]
    assert (row.status, row.dedupe_key) == ("done", f"token:{token}")
    assert json.loads(row.body)["token"] == token and "data" not in json.loads(row.body)
    # The same signed token with readable data now: a duplicate, with no effect.
    again = post(app, "lever/interviewCreated.assembled.json")
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
