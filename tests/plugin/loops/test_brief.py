"""The candidate's brief of a loop: what each interview covers and how to prepare, as HTML
and as text, and nothing the interviewers keep to themselves."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from plugin.loops.models import Loop
from scorecards.loader import builtin_frameworks
from tests.accessibility import screenshot
from tests.browser import LiveServer
from tests.conftest import ROOT
from tests.signin import browser_sign_in, sign_in

EXAMPLE = ROOT / "examples" / "loops" / "senior-pm-payments.yaml"
PM = next(f for f in builtin_frameworks() if f.id == "pm")
Token = Callable[..., str]


def store_example(db: Session, job_id: str = "3485") -> int:
    data: dict[str, Any] = {**yaml.safe_load(EXAMPLE.read_text()), "job_id": job_id}
    row = Loop(
        name=data["name"],
        framework_id="pm",
        level=data["level"],
        ats="greenhouse",
        job_id=job_id,
        definition=data,
        revision=1,
    )
    db.add(row)
    db.commit()
    return row.id


def secrets_of_the_loop() -> list[str]:
    """Every question, follow-up, anchor and level expectation of the competencies the
    example assesses: none of it may reach the candidate."""
    data = yaml.safe_load(EXAMPLE.read_text())
    assessed = {c for s in data["stages"] for i in s["interviews"] for c in i["competencies"]}
    texts: list[str] = []
    for competency in (PM.competency(c) for c in assessed):
        for question in competency.questions:
            texts += [question.text, *question.follow_ups]
        for by_point in competency.anchors.values():
            texts += list(by_point.values())
        texts += list(competency.expectations.values())
        texts += list(competency.evidence_prompts)
    return [t for t in texts if t]


def test_the_brief_says_what_each_interview_covers_and_how_to_prepare(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    loop_id = store_example(db)
    url = f"/recruiter/loops/{loop_id}/candidate-brief"
    assert client.get(url).status_code == 302  # sign in first
    sign_in(client, make_token("recruiter", "3485"))
    page = client.get(url)
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = html.unescape(page.get_data(as_text=True))
    assert "Your interviews: Senior PM, Payments" in body
    for name in ("Product sense", "Spec writing exercise", "Payments analytics and strategy case"):
        assert name in body
    assert PM.competency("fluency-with-data").description in body
    assert "You will outline a specification during the interview." in body
    assert "about 45 minutes" in body and "Senior Product Manager</strong> level" in body

    text = client.get(url + "?format=text")
    assert text.mimetype == "text/plain"
    plain = text.get_data(as_text=True)
    assert "1. Product sense (Product sense questions, about 45 minutes)" in plain
    assert "   How to prepare: " in plain and "<" not in plain
    by_accept = client.get(url, headers={"Accept": "text/plain"})
    assert by_accept.mimetype == "text/plain" and by_accept.get_data(as_text=True) == plain
    assert "Accept" in by_accept.headers["Vary"]

    for secret in secrets_of_the_loop():
        assert secret not in body, secret
        assert secret not in plain, secret
    assert "rubric" not in plain.lower() and "hiring bar" not in plain.lower()


def test_the_brief_is_scoped_like_the_loop(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    loop_id = store_example(db)
    sign_in(client, make_token("recruiter", "9999"))
    other_job = client.get(f"/recruiter/loops/{loop_id}/candidate-brief")
    assert other_job.status_code == 404  # another job's loop is as if missing
    assert f"There is no loop {loop_id}." in other_job.get_data(as_text=True)
    assert client.get("/recruiter/loops/424242/candidate-brief").status_code == 404
    sign_in(client, make_token("hiring_manager", "3485"))
    assert client.get(f"/recruiter/loops/{loop_id}/candidate-brief").status_code == 403


@pytest.mark.browser
def test_the_brief_reads_well_in_the_browser(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    loop_id = store_example(db)
    path = f"/recruiter/loops/{loop_id}/candidate-brief"
    page.set_viewport_size({"width": 1000, "height": 900})
    browser_sign_in(page, live_server.url, make_token("recruiter", "3485"), path)
    brief = page.locator("#candidate-brief")
    assert brief.locator("h1").inner_text() == "Your interviews: Senior PM, Payments"
    assert brief.locator("section.brief-interview").count() == 4
    assert "How to prepare" in brief.locator("section.brief-interview").first.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1000  # nothing wider than the window
    # The picture in docs/candidate-brief.md, of the element alone.
    screenshot(brief, "candidate-brief")
    page.click("text=As text")
    assert "How to prepare:" in page.locator("body").inner_text()
