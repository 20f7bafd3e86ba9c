"""The development plan after the hire: API, page, the ATS note once, and the browser."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.core.db import get_session
from plugin.jobs.models import OutboxJob
from plugin.jobs.worker import Worker, WorkerSettings
from plugin.loops.models import Loop
from plugin.verdicts import development
from plugin.verdicts.models import DevelopmentPlan
from tests.accessibility import screenshot
from tests.browser import LiveServer
from tests.plugin.outbound import GH_CONFIG
from tests.plugin.verdicts.data import DATA, SPEC, make_application, make_loop
from tests.signin import browser_sign_in, sign_in

Token = Callable[..., str]
Auth = Callable[..., dict[str, str]]
GOAL_KEYS = {"competency", "verdict", "expectation", "evidence", "actions", "by_day"}
FAST = WorkerSettings(
    lease_seconds=5, poll_seconds=0.01, backoff_seconds=0.01, backoff_max_seconds=0.02
)
NOTES = "https://harvest.test/v1/candidates/c1/activity_feed/notes"
FEED = "https://harvest.test/v1/candidates/c1/activity_feed"


def hired(db: Session, external_id: str = "1", *, status: str = "hired") -> Application:
    """Ada Lovelace after the debrief scenario (a split must-have, a gap, thin evidence)."""
    loop = db.scalar(select(Loop)) or make_loop(db)
    application = make_application(db, loop, external_id, "Ada Lovelace")
    application.status = status
    db.commit()
    return application


def plan_url(application: Application) -> str:
    return f"/api/applications/{application.id}/development-plan"


def test_before_the_hire_there_is_no_plan(client: FlaskClient, db: Session, auth: Auth) -> None:
    application = hired(db, status="active")
    response = client.get(plan_url(application), headers=auth("hiring_manager", "3485"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_hired"
    put = client.put(
        plan_url(application), headers=auth("hiring_manager", "3485"), json={"goals": []}
    )
    assert put.status_code == 404 and put.get_json()["error"]["code"] == "not_hired"


def test_after_the_hire_each_open_competency_is_a_goal(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    application = hired(db)
    assert client.get(plan_url(application)).status_code == 401
    assert client.get(plan_url(application), headers=auth("recruiter", "9999")).status_code == 404
    body = client.get(plan_url(application), headers=auth("recruiter", "3485")).get_json()
    assert set(body) == {"application", "goals"} and body["application"] == application.id
    goals = {g["competency"]: g for g in body["goals"]}
    assert all(set(g) == GOAL_KEYS for g in body["goals"])
    assert goals[SPEC]["verdict"] == "split" and goals[SPEC]["by_day"] == 60
    assert goals["product-quality"]["verdict"] == "not_assessed"
    assert goals["product-delivery"]["verdict"] == "thin"
    assert DATA not in goals  # four ratings that agree: on track
    interviewers = {e["interviewer"] for e in goals[SPEC]["evidence"]}
    assert interviewers == {"Grace Hopper", "Alan Turing"}
    assert "Group" not in goals[SPEC]["expectation"] and goals[SPEC]["expectation"]
    assert goals[SPEC]["actions"][-1] == "Review it with your manager by day 60."


def test_the_hiring_manager_edits_and_saves_the_plan(
    client: FlaskClient, db: Session, auth: Auth
) -> None:
    application = hired(db)
    manager = auth("hiring_manager", "3485")
    edit = {
        "goals": [
            {"competency": SPEC, "actions": ["Write the Q1 payouts spec"], "by_day": 30},
            {"competency": "strategic-impact", "actions": [], "by_day": 90, "expectation": "E"},
        ]
    }
    assert (
        client.put(plan_url(application), headers=auth("recruiter"), json=edit).status_code == 403
    )
    saved = client.put(plan_url(application), headers=manager, json=edit)
    assert saved.status_code == 200, saved.get_json()
    spec, strategy = saved.get_json()["goals"]
    assert spec["actions"] == ["Write the Q1 payouts spec"] and spec["by_day"] == 30
    assert spec["verdict"] == "split" and len(spec["evidence"]) == 2  # the interviews' own
    assert strategy["verdict"] == "not_assessed" and strategy["expectation"] == "E"
    assert client.get(plan_url(application), headers=manager).get_json() == saved.get_json()

    bad = {"goals": [{"competency": "nope", "actions": [], "by_day": 30}]}
    refused = client.put(plan_url(application), headers=manager, json=bad)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"goals.0.competency": "unknown competency"}
    wrong_day = {"goals": [{"competency": SPEC, "actions": [], "by_day": 45}]}
    assert client.put(plan_url(application), headers=manager, json=wrong_day).status_code == 422


def test_two_first_saves_at_once_keep_one_plan(app: Flask, db: Session) -> None:
    application = hired(db)
    db.add(DevelopmentPlan(application_id=application.id, plan={"goals": []}, actor="first"))
    db.commit()
    with app.app_context():  # a save that read "no plan yet" before the first one committed
        session = get_session()
        row = development._first_save(session, application.id, {"goals": []}, "second")
        assert row.actor == "first" and row.id is not None
        session.rollback()


def note_jobs(db: Session) -> list[OutboxJob]:
    rows = list(
        db.scalars(
            select(OutboxJob)
            .where(OutboxJob.kind == "development-plan-note")
            .execution_options(populate_existing=True)
        )
    )
    db.commit()
    return rows


def test_no_note_unless_switched_on(
    make_app: Callable[..., Flask], db: Session, auth: Auth
) -> None:
    client = make_app(**GH_CONFIG).test_client()
    application = hired(db)
    edit = {"goals": [{"competency": SPEC, "actions": ["a"], "by_day": 30}]}
    assert (
        client.put(plan_url(application), headers=auth("hiring_manager"), json=edit).status_code
        == 200
    )
    assert note_jobs(db) == []


@responses.activate
def test_the_first_save_writes_one_private_note(
    make_app: Callable[..., Flask], db: Session, auth: Auth
) -> None:
    app = make_app(**GH_CONFIG, GREENHOUSE_DEVELOPMENT_PLAN_NOTE="true")
    client = app.test_client()
    application = hired(db)
    first = {"goals": [{"competency": SPEC, "actions": ["Draft spec"], "by_day": 30}]}
    second = {"goals": [{"competency": SPEC, "actions": ["Pair on the spec"], "by_day": 60}]}
    for edit in (first, second):
        response = client.put(plan_url(application), headers=auth("hiring_manager"), json=edit)
        assert response.status_code == 200
    (job,) = note_jobs(db)
    assert job.key == f"development-plan-note:{application.id}"
    responses.post(NOTES, status=201, json={"id": 4242, "body": "x"})
    Worker(app, worker_id="w", settings=FAST).run(once=True)
    (job,) = note_jobs(db)
    assert job.status == "done", job.last_error
    assert job.result == {"target": "c1", "note_id": "4242", "found_by_marker": False}
    (call,) = responses.calls
    sent = call.request.body
    assert isinstance(sent, bytes)
    text = sent.decode()
    assert '"visibility": "private"' in text or '"visibility":"private"' in text
    assert "Pair on the spec" in text and "By day 60" in text  # the plan as saved last
    assert f"[hireloop:development-plan:{application.id}]" in text


@responses.activate
def test_a_retried_note_is_found_by_its_marker(
    make_app: Callable[..., Flask], db: Session, auth: Auth
) -> None:
    app = make_app(**GH_CONFIG, GREENHOUSE_DEVELOPMENT_PLAN_NOTE="true")
    application = hired(db)
    edit = {"goals": [{"competency": SPEC, "actions": ["x"], "by_day": 30}]}
    app.test_client().put(plan_url(application), headers=auth("hiring_manager"), json=edit)
    marker = f"[hireloop:development-plan:{application.id}]"
    responses.post(NOTES, body=requests.exceptions.ReadTimeout("slow"))
    responses.get(FEED, json={"notes": [{"id": 77, "body": "plan\n" + marker}]})
    for _ in range(100):
        Worker(app, worker_id="w", settings=FAST).run(once=True)
        (job,) = note_jobs(db)
        if job.status == "done":
            break
        time.sleep(0.02)
    assert job.result == {"target": "c1", "note_id": "77", "found_by_marker": True}


def test_the_review_page_shows_the_plan_only_after_the_hire(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    active = hired(db, "1", status="active")
    application = hired(db, "2")
    sign_in(client, make_token("hiring_manager", "3485"))
    assert 'id="development-plan"' not in client.get(f"/review/applications/{active.id}").get_data(
        as_text=True
    )
    html = client.get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert 'id="development-plan"' in html and 'id="plan-form"' in html
    # A goal's verdict is why it exists, not the competency's verdict: no "Split" badge.
    plan_section = html[html.index('id="development-plan"') :]
    assert "raised by: split ratings" in plan_section and ">Split<" not in plan_section
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    url = f"/review/applications/{application.id}/development-plan"
    assert client.post(url, data={"count": "0"}).status_code == 403  # no CSRF token
    response = client.post(
        url,
        data={
            "csrf_token": token.group(1),
            "count": "1",
            "competency-0": SPEC,
            "actions-0": "Write the spec\nReview it with Marcus",
            "by_day-0": "90",
            "expectation-0": "Specs at group level",
            "add": DATA,
        },
    )
    assert response.status_code == 302
    plan = client.get(plan_url(application), headers={}).status_code  # pages do not open the API
    assert plan == 401
    page = client.get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert "Saved by" in page and "Review it with Marcus" in page
    recruiter = make_token("recruiter", "3485")
    sign_in(client, recruiter)
    read_only = client.get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert 'id="development-plan"' in read_only and 'id="plan-form"' not in read_only


@pytest.mark.browser
def test_the_hiring_manager_edits_the_plan_in_the_browser(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    application = hired(db)
    path = f"/review/applications/{application.id}"
    token = make_token("hiring_manager", "3485")
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, live_server.url, token, path)
    section = page.locator("#development-plan")
    assert "Development plan" in section.locator("h2").inner_text()
    spec = section.locator(f"article#goal-{SPEC}")
    assert spec.get_attribute("data-verdict") == "split"
    assert spec.locator("h4 .badge").inner_text() == "raised by: split ratings"
    assert spec.get_attribute("data-day") == "60"
    evidence = spec.locator("details.evidence")
    evidence.locator("summary").click()
    assert "phased spec" in evidence.inner_text()
    index = spec.locator("textarea.actions").get_attribute("id").split("-")[1]
    spec.locator("textarea.actions").fill("Write the payouts spec with the team\nReview it")
    page.select_option(f"#by_day-{index}", "30")
    section.locator("#plan-add").select_option(DATA)
    section.scroll_into_view_if_needed()
    # The picture in docs/development-plan.md, of the element alone.
    screenshot(section, "development-plan")
    section.locator("button[type=submit]").click()
    page.wait_for_url(f"**{path}#development-plan")
    assert "The development plan is saved." in page.locator(".flash").inner_text()
    spec = page.locator(f"#development-plan article#goal-{SPEC}")
    assert spec.get_attribute("data-day") == "30"
    assert "Review it" in spec.locator("textarea.actions").input_value()
    assert page.locator(f"#development-plan article#goal-{DATA}").count() == 1
    assert "Saved by" in page.locator("#development-plan").inner_text()
    # On a phone the plan fits the width: nothing in it makes the page scroll sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    plan_box = page.locator("#development-plan").bounding_box()
    assert plan_box is not None and plan_box["x"] + plan_box["width"] <= 390
    assert page.locator(f"#development-plan article#goal-{SPEC} textarea.actions").is_visible()
