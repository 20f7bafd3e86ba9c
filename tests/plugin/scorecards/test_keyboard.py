"""A scorecard completed with the keyboard alone, from the top of the page: Tab to move,
arrows to choose a rating and a recommendation, typing for the evidence, Enter to submit.
No click, no focus() by the test."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment, AssignmentStatus
from plugin.scorecards.models import Rating, Scorecard, ScorecardStatus
from tests.accessibility import screenshot
from tests.plugin.scorecards.helpers import EVIDENCE, arrange

MAX_TABS = 80
ACTIVE = """() => { const el = document.activeElement;
  return {tag: el.tagName, type: el.type || '', name: el.name || '', id: el.id || '',
          text: (el.innerText || '').trim(), checked: !!el.checked}; }"""


@pytest.mark.browser
def test_a_scorecard_completed_with_the_keyboard_only(
    live_server: Any, page: Any, db: Session
) -> None:
    arranged = arrange(live_server.app, db)
    page.goto(f"{live_server.url}/i/{arranged.tokens[0]}")
    screenshot(page, "interviewer", full_page=False)
    filled: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active["type"] == "radio" and active["name"].startswith("rating-"):
            page.keyboard.press("ArrowDown")  # from "needs focus" to "on track"
            filled.append(active["name"])
        elif active["tag"] == "TEXTAREA" and active["name"].startswith("evidence-"):
            page.keyboard.type(EVIDENCE)
            filled.append(active["name"])
        elif active["type"] == "radio" and active["name"] == "recommendation":
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")  # definitely not → no → yes
            filled.append("recommendation")
        elif active["tag"] == "BUTTON" and active["text"] == "Submit scorecard":
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"{MAX_TABS} presses of Tab never reached the submit button; filled {filled}")

    expect(page.get_by_text("Scorecard submitted. Thank you!")).to_be_visible()
    expect(page.locator("#scorecard-state")).to_have_text("submitted")
    competencies = arranged.competencies(0)
    assert filled == [
        f"rating-{competencies[0]}",
        f"evidence-{competencies[0]}",
        f"rating-{competencies[1]}",
        f"evidence-{competencies[1]}",
        "recommendation",
    ]
    db.expire_all()  # the arranging session still holds the rows as they were
    assignment = db.get(Assignment, arranged.assignments[0].id)
    assert assignment is not None and assignment.status == AssignmentStatus.SUBMITTED
    card = db.scalars(select(Scorecard).where(Scorecard.assignment_id == assignment.id)).one()
    assert card.status == ScorecardStatus.SUBMITTED and card.recommendation == "yes"
    ratings = db.scalars(select(Rating).where(Rating.scorecard_id == card.id)).all()
    assert {r.competency_id: r.rating for r in ratings} == dict.fromkeys(competencies, "on_track")
    assert all(r.evidence == EVIDENCE for r in ratings)
    db.commit()
