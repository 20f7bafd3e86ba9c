"""The interviewer's page at /i/<token>: without JavaScript through the test client, and in
real headless Chromium (draft, reload, missing evidence, submit, peers only afterwards)."""

from __future__ import annotations

import re
import time
from itertools import pairwise
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.scorecards.models import Scorecard, ScorecardRevision
from plugin.scorecards.service import revoke_links
from tests.plugin.scorecards.helpers import (
    EVIDENCE,
    INTERVIEWERS,
    Arranged,
    arrange,
    bearer,
    full_body,
)
from tests.signin import csrf_of

BOO = "business-outcome-ownership"
UXD = "user-experience-design"


def open_page(client: FlaskClient, token: str) -> tuple[str, str]:
    response = client.get(f"/i/{token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, csrf_of(html)


def form(csrf: str, action: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf, "action": action, **fields}


def complete_form(csrf: str, action: str = "submit", **extra: str) -> dict[str, str]:
    return form(
        csrf,
        action,
        **{
            f"rating-{BOO}": "on_track",
            f"evidence-{BOO}": EVIDENCE,
            f"rating-{UXD}": "no_evidence",
            f"evidence-{UXD}": "",
            "recommendation": "yes",
            "notes": "Sharp on pricing.",
            **extra,
        },
    )


def submit_peer(client: FlaskClient, arranged: Arranged, index: int, notes: str) -> None:
    body = full_body(arranged.competencies(index), notes=notes)
    response = client.put("/api/scorecard", headers=bearer(arranged.tokens[index]), json=body)
    assert response.status_code == 200, response.get_json()


# -- without a browser ------------------------------------------------------------------------


def test_the_page_shows_candidate_level_guide_and_scorecard(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    response = client.get(f"/i/{arranged.tokens[0]}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert "Ada Lovelace" in html and "Senior Product Manager" in html
    assert "Tell me about a product that you love." in html  # product-sense guide
    assert html.count("<h1") == 1  # the embedded guide's heading sits below the page's
    assert 'for="evidence-business-outcome-ownership"' in html
    assert "Expected at Senior Product Manager:" in html
    # Product sense is a case: the form rates against what happened in the room.
    assert html.count('class="iv-room"') == 2
    for point in ("needs_focus", "on_track", "outperforming", "no_evidence"):
        assert f'id="rating-{BOO}-{point}"' in html
    for value in ("definitely_not", "no", "yes", "strong_yes", "no_decision"):
        assert f'id="recommendation-{value}"' in html


@pytest.mark.parametrize(
    ("mangle", "status", "words"),
    [
        (lambda t: t[:-4] + "AAAA", 401, "does not work"),
        (lambda t: "garbage", 401, "does not work"),
    ],
)
def test_a_bad_link_gets_an_html_page(
    app: Flask, client: FlaskClient, db: Session, mangle: Any, status: int, words: str
) -> None:
    arranged = arrange(app, db)
    response = client.get(f"/i/{mangle(arranged.tokens[0])}")
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert words in html and "Traceback" not in html and "Ada Lovelace" not in html


def test_revoked_and_expired_links_get_410_pages(
    app: Flask,
    client: FlaskClient,
    db: Session,
    auth: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arranged = arrange(app, db)
    client.post(
        f"/api/assignments/{arranged.assignments[0].id}/revoke-link", headers=auth("recruiter")
    )
    response = client.get(f"/i/{arranged.tokens[0]}")
    assert response.status_code == 410 and response.mimetype == "text/html"
    assert "no longer valid" in response.get_data(as_text=True)
    assert "revoked" in response.get_data(as_text=True)

    later = time.time() + 31 * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.get(f"/i/{arranged.tokens[1]}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_a_post_without_csrf_is_refused_and_saves_nothing(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    open_page(client, arranged.tokens[0])
    response = client.post(f"/i/{arranged.tokens[0]}", data=complete_form("forged"))
    assert response.status_code == 403 and response.mimetype == "text/html"
    response = client.post(f"/i/{arranged.tokens[0]}/draft", data={"notes": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert db.scalar(select(func.count()).select_from(Scorecard)) == 0


def test_the_plain_form_saves_submits_and_amends(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    _, csrf = open_page(client, token)

    draft = form(csrf, "save", **{f"evidence-{UXD}": "typed before rating", "notes": "draft"})
    response = client.post(f"/i/{token}", data=draft)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft saved." in html and "typed before rating</textarea>" in html

    missing = complete_form(csrf, **{f"rating-{UXD}": "needs_focus"})
    response = client.post(f"/i/{token}", data=missing)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "Not submitted yet: 1 thing missing" in html
    assert f'id="err-evidence-{UXD}"' in html
    assert f'aria-describedby="prompts-{UXD} err-evidence-{UXD}"' in html
    assert "Evidence is missing for User Experience Design" in html
    assert f'href="#evidence-{UXD}"' in html

    response = client.post(f"/i/{token}", data=complete_form(csrf))
    assert response.status_code == 303
    html = client.get(f"/i/{token}").get_data(as_text=True)
    assert "Scorecard submitted" in html and "Your scorecard" in html

    response = client.post(f"/i/{token}", data=complete_form(csrf, "amend", recommendation="no"))
    assert response.status_code == 422
    assert "Say why you are changing a submitted scorecard." in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(ScorecardRevision)) == 0
    db.rollback()  # SQLite: a read in this session holds the write lock until it ends

    amend = complete_form(csrf, "amend", recommendation="no", reason="Missed a red flag.")
    response = client.post(f"/i/{token}", data=amend)
    assert response.status_code == 303
    html = client.get(f"/i/{token}").get_data(as_text=True)
    assert "Amended after submission" in html and "Missed a red flag." in html
    assert "The original submission" in html
    original = html.split("The original submission", 1)[1]
    assert "Recommendation:</strong> Yes" in original


def test_autosave_keeps_a_draft_and_stops_after_submission(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    _, csrf = open_page(client, token)
    response = client.post(
        f"/i/{token}/draft",
        data={f"rating-{BOO}": "on_track", "notes": "autosaved"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 200 and response.get_json()["status"] == "draft"
    body = client.get("/api/scorecard", headers=bearer(token)).get_json()
    assert body["notes"] == "autosaved" and body["ratings"][BOO]["rating"] == "on_track"

    assert client.post(f"/i/{token}", data=complete_form(csrf)).status_code == 303
    response = client.post(
        f"/i/{token}/draft", data={"notes": "late"}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 409
    assert client.get("/api/scorecard", headers=bearer(token)).get_json()["notes"] != "late"


def test_peers_appear_on_the_page_only_after_submitting(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    submit_peer(client, arranged, 1, "PEER-NOTE-ONE")
    token = arranged.tokens[0]
    html, csrf = open_page(client, token)
    assert "PEER-NOTE-ONE" not in html and INTERVIEWERS[1][1] not in html
    response = client.post(f"/i/{token}", data=complete_form(csrf, **{f"evidence-{BOO}": ""}))
    assert response.status_code == 422
    assert "PEER-NOTE-ONE" not in response.get_data(as_text=True)
    client.post(f"/i/{token}", data=complete_form(csrf))
    html = client.get(f"/i/{token}").get_data(as_text=True)
    assert "Other interviewers' scorecards" in html
    assert "PEER-NOTE-ONE" in html and INTERVIEWERS[1][1] in html


def test_a_loop_can_hide_peers_on_the_page(app: Flask, client: FlaskClient, db: Session) -> None:
    arranged = arrange(app, db, settings={"show_peers_after_submit": False})
    submit_peer(client, arranged, 1, "PEER-NOTE-ONE")
    _, csrf = open_page(client, arranged.tokens[0])
    client.post(f"/i/{arranged.tokens[0]}", data=complete_form(csrf))
    html = client.get(f"/i/{arranged.tokens[0]}").get_data(as_text=True)
    assert "PEER-NOTE-ONE" not in html and "Your scorecard" in html


# -- in headless Chromium ---------------------------------------------------------------------


def _rating(page: Any, competency: str, point: str) -> Any:
    return page.get_by_role("group", name=f"Rating for {competency}").get_by_label(
        point, exact=True
    )


def _recommendation(page: Any, name: str) -> Any:
    return page.get_by_role("group", name="Overall recommendation").get_by_label(name, exact=True)


@pytest.mark.browser
def test_fill_save_reload_submit_and_see_peers_only_then(
    live_server: Any, page: Any, db: Session
) -> None:
    from playwright.sync_api import expect

    arranged = arrange(live_server.app, db)
    api = live_server.app.test_client()
    submit_peer(api, arranged, 1, "PEER-NOTE-ONE")
    submit_peer(api, arranged, 2, "PEER-NOTE-TWO")

    page.goto(f"{live_server.url}/i/{arranged.tokens[0]}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace")
    expect(page.locator(".iv-meta")).to_contain_text("Senior Product Manager")
    expect(page.get_by_text("Tell me about a product that you love.").first).to_be_visible()
    content = page.content()
    assert "PEER-NOTE-ONE" not in content and INTERVIEWERS[1][1] not in content

    _rating(page, "Business Outcome Ownership", "On Track").check()
    page.get_by_label("Evidence for Business Outcome Ownership").fill(EVIDENCE)
    _rating(page, "User Experience Design", "Outperforming").check()
    _recommendation(page, "Yes").check()
    page.get_by_label("Key take-aways").fill("Strong on pricing, thin on design.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.", exact=True)).to_be_visible()

    page.reload()
    expect(_rating(page, "Business Outcome Ownership", "On Track")).to_be_checked()
    expect(_rating(page, "User Experience Design", "Outperforming")).to_be_checked()
    expect(page.get_by_label("Evidence for Business Outcome Ownership")).to_have_value(EVIDENCE)
    expect(page.get_by_label("Key take-aways")).to_have_value("Strong on pricing, thin on design.")
    expect(_recommendation(page, "Yes")).to_be_checked()

    page.get_by_role("button", name="Submit scorecard").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Not submitted yet: 1 thing missing")
    expect(summary).to_be_focused()
    evidence = page.get_by_label("Evidence for User Experience Design")
    expect(evidence).to_have_attribute("aria-invalid", "true")
    message = page.locator(f"#err-evidence-{UXD}")
    expect(message).to_have_text(re.compile("Evidence is missing for User Experience Design"))
    assert f"err-evidence-{UXD}" in (evidence.get_attribute("aria-describedby") or "")
    assert "PEER-NOTE-ONE" not in page.content()

    summary.get_by_role("link").first.click()
    expect(evidence).to_be_focused()
    evidence.fill("Nice.")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(message).to_contain_text("“Outperforming” is an extreme rating")
    evidence.fill(
        "Redesigned the checkout flow across web and the API, with the failure states "
        "spelled out for developers."
    )
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_text("Scorecard submitted. Thank you!")).to_be_visible()
    peers = page.get_by_role("region", name="Other interviewers' scorecards")
    expect(peers).to_contain_text("PEER-NOTE-ONE")
    expect(peers).to_contain_text("PEER-NOTE-TWO")
    expect(peers).to_contain_text(INTERVIEWERS[1][1])


@pytest.mark.browser
def test_autosave_while_typing_survives_a_reload(live_server: Any, page: Any, db: Session) -> None:
    from playwright.sync_api import expect

    arranged = arrange(live_server.app, db)
    page.goto(f"{live_server.url}/i/{arranged.tokens[1]}")
    page.get_by_label("Evidence for Functional Specification").press_sequentially(
        "Broke the migration into three shippable phases"
    )
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at", timeout=10_000)
    page.reload()
    expect(page.get_by_label("Evidence for Functional Specification")).to_have_value(
        "Broke the migration into three shippable phases"
    )
    expect(page.locator("#scorecard-state")).to_have_text("draft")


@pytest.mark.browser
def test_a_double_click_on_submit_sends_the_scorecard_once(
    live_server: Any, page: Any, db: Session
) -> None:
    from playwright.sync_api import expect

    arranged = arrange(live_server.app, db)
    page.goto(f"{live_server.url}/i/{arranged.tokens[0]}")
    for name in ("Business Outcome Ownership", "User Experience Design"):
        _rating(page, name, "On Track").check()
        page.get_by_label(f"Evidence for {name}").fill(EVIDENCE)
    _recommendation(page, "Yes").check()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Submit scorecard").dblclick()
    expect(page.get_by_text("Scorecard submitted. Thank you!")).to_be_visible()
    assert len(posts) == 1, posts
    assert "a reason is needed" not in page.content()  # no second send, read as an amendment
    db.expire_all()
    card = db.scalars(select(Scorecard)).one()
    assert card.status == "submitted"
    assert db.scalar(select(func.count()).select_from(ScorecardRevision)) == 0  # no amendment
    db.rollback()


@pytest.mark.browser
def test_four_interviewers_page_and_api_none_sees_another_first(
    live_server: Any, browser: Any, db: Session
) -> None:
    from playwright.sync_api import expect

    arranged = arrange(live_server.app, db)
    api = live_server.app.test_client()
    notes = [f"SECRET-{i}" for i in range(4)]

    def fill_and_submit(index: int, competencies: list[str]) -> Any:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/i/{arranged.tokens[index]}")
        for other in range(4):
            if other != index:
                assert notes[other] not in page.content()
        for name in competencies:
            _rating(page, name, "On Track").check()
            page.get_by_label(f"Evidence for {name}").fill(EVIDENCE)
        _recommendation(page, "Strong yes").check()
        page.get_by_label("Key take-aways").fill(notes[index])
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_text("Draft saved.", exact=True)).to_be_visible()
        for other in range(4):
            if other != index:
                assert notes[other] not in page.content()
        page.get_by_role("button", name="Submit scorecard").click()
        expect(page.get_by_text("Scorecard submitted. Thank you!")).to_be_visible()
        return context, page

    def api_get(index: int) -> dict[str, Any]:
        return dict(api.get("/api/scorecard", headers=bearer(arranged.tokens[index])).get_json())

    # 0 on the page; 1 through the API; 2 on the page; 3 through the API.
    first, page0 = fill_and_submit(0, ["Business Outcome Ownership", "User Experience Design"])
    expect(page0.get_by_text("No other interviewer has submitted yet.")).to_be_visible()

    assert "peers" not in api_get(1)
    assert notes[0] not in str(api_get(1))
    submit_peer(api, arranged, 1, notes[1])

    second, page2 = fill_and_submit(2, ["Fluency with Data", "Functional Specification"])
    region = page2.get_by_role("region", name="Other interviewers' scorecards")
    expect(region).to_contain_text(notes[0])
    expect(region).to_contain_text(notes[1])

    before = api_get(3)
    assert "peers" not in before and not any(n in str(before) for n in notes[:3])
    submit_peer(api, arranged, 3, notes[3])
    assert sorted(p["notes"] for p in api_get(3)["peers"]) == notes[:3]

    page0.reload()
    region = page0.get_by_role("region", name="Other interviewers' scorecards")
    for note in notes[1:]:
        expect(region).to_contain_text(note)
    first.close()
    second.close()
    assert db.scalar(select(func.count()).select_from(Scorecard)) == 4


@pytest.mark.browser
def test_works_without_javascript(live_server: Any, browser: Any, db: Session) -> None:
    from playwright.sync_api import expect

    arranged = arrange(live_server.app, db)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/i/{arranged.tokens[0]}")
        _rating(page, "Business Outcome Ownership", "Needs Focus").check()
        page.get_by_label("Evidence for Business Outcome Ownership").fill(EVIDENCE)
        _rating(page, "User Experience Design", "No evidence").check()
        _recommendation(page, "No").check()
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_text("Draft saved.", exact=True)).to_be_visible()
        expect(page.locator("#autosave-status")).not_to_contain_text("Draft saved at")
        page.get_by_role("button", name="Submit scorecard").click()
        expect(page.get_by_text("Scorecard submitted. Thank you!")).to_be_visible()
        page.get_by_text("Amend your scorecard").click()
        _recommendation(page, "Definitely not").check()
        page.get_by_label("Reason for the amendment").fill("Two must-haves were weak.")
        page.get_by_role("button", name="Save amendment").click()
        expect(page.get_by_text("Amendment saved")).to_be_visible()
        expect(page.get_by_role("region", name="Amendments after submission")).to_contain_text(
            "Two must-haves were weak."
        )
    finally:
        context.close()


@pytest.mark.browser
def test_narrow_screen_labels_headings_and_keyboard(
    live_server: Any, browser: Any, db: Session
) -> None:
    from playwright.sync_api import expect

    arranged = arrange(live_server.app, db)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/i/{arranged.tokens[0]}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 360px"

        unnamed = page.evaluate(
            """() => [...document.querySelectorAll('input, textarea, select, button')]
              .filter(el => el.type !== 'hidden')
              .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                            && !el.getAttribute('aria-labelledby') && !el.textContent.trim())
              .map(el => el.outerHTML)"""
        )
        assert unnamed == []
        assert page.get_by_role("radio").count() == 2 * 4 + 5
        for name in ("Business Outcome Ownership", "User Experience Design"):
            expect(page.get_by_role("textbox", name=f"Evidence for {name}")).to_be_visible()
            expect(page.get_by_role("group", name=f"Rating for {name}")).to_be_visible()
        levels = page.evaluate(
            "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]"
            ".filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]))"
        )
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b <= a + 1 for a, b in pairwise(levels)), levels

        # Keyboard only: Tab through the scorecard, choose with arrows and space, save.
        page.get_by_label("Evidence for Business Outcome Ownership").focus()
        page.keyboard.type("Priced the add-on from unit economics and hit the margin target.")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        assert focused == f"rating-{UXD}-needs_focus"
        page.keyboard.press("ArrowDown")
        expect(page.locator(f"#rating-{UXD}-on_track")).to_be_checked()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == f"evidence-{UXD}"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "recommendation-definitely_not"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(page.locator("#recommendation-yes")).to_be_checked()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "notes"
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Save draft")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Draft saved.", exact=True)).to_be_visible()
        expect(page.locator(f"#rating-{UXD}-on_track")).to_be_checked()
        expect(page.locator("#recommendation-yes")).to_be_checked()
    finally:
        context.close()


def test_cookies_are_secure_behind_https(make_app: Any, db: Session) -> None:
    app = make_app(PUBLIC_URL="https://hireloop.example.com")
    arranged = arrange(app, db)
    response = app.test_client().get(f"/i/{arranged.tokens[0]}")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_cancelled_interview_shows_the_draft_read_only(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    _, csrf = open_page(client, token)
    client.post(f"/i/{token}", data=form(csrf, "save", notes="draft before cancel"))
    arranged.assignments[0].status = "cancelled"
    db.commit()
    html = client.get(f"/i/{token}").get_data(as_text=True)
    assert "This interview was cancelled" in html and "draft before cancel" in html
    assert 'id="scorecard-form"' not in html
    response = client.post(f"/i/{token}", data=complete_form(csrf))
    assert response.status_code == 409
    assert "cancelled" in response.get_data(as_text=True)


def test_autosave_on_a_revoked_link_answers_with_the_apis_code(
    app: Flask, client: FlaskClient, db: Session
) -> None:

    arranged = arrange(app, db)
    token = arranged.tokens[0]
    _, csrf = open_page(client, token)
    revoke_links(db, db.get(Assignment, arranged.assignments[0].id))  # type: ignore[arg-type]
    db.commit()
    response = client.post(f"/i/{token}/draft", data={"notes": "x"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "link_revoked"
    api = client.get("/api/scorecard", headers=bearer(token))
    assert api.get_json()["error"]["code"] == "link_revoked"


@pytest.mark.browser
def test_the_guide_on_the_page_shows_rubrics_flags_and_before_you_start(
    live_server: Any, page: Any, db: Session
) -> None:
    from playwright.sync_api import expect

    arranged = arrange(live_server.app, db)
    page.goto(f"{live_server.url}/i/{arranged.tokens[0]}")
    guide = page.locator(".iv-guide-body")
    # Product sense is a case: the opening prompt carries what a rater sees in the room.
    opening_rubric = guide.locator(".guide-opening .guide-rubric")
    expect(opening_rubric).to_be_visible()
    expect(opening_rubric.locator("td").nth(1)).to_contain_text("improvement")
    expect(guide.locator(".guide-before-you-start")).to_contain_text("Halo")
    expect(guide.locator(".guide-before-you-start")).to_contain_text("What not to ask")
    expect(guide.locator(".guide-flags").first).to_be_visible()
    expect(guide.locator(".guide-flags-red").first).to_contain_text("False positive")
    expect(guide.locator(".guide-qs .guide-rubric").first).to_be_visible()


def test_the_page_refuses_nothing_rated_offers_not_held_and_marks_later_amendments(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    html, csrf = open_page(client, token)
    assert 'id="not-held"' in html
    nothing = complete_form(csrf, **{f"rating-{BOO}": "no_evidence", f"evidence-{BOO}": ""})
    refused = client.post(f"/i/{token}", data=nothing)
    assert refused.status_code == 422
    assert "or mark the interview as not held" in refused.get_data(as_text=True)
    assert 'href="#not-held"' in refused.get_data(as_text=True)

    # Submitting shows the peers (one has submitted): the first sight is recorded; a later
    # amendment says so on the page.
    submit_peer(client, arranged, 2, "Peer notes.")
    assert client.post(f"/i/{token}", data=complete_form(csrf)).status_code == 303
    html, csrf = open_page(client, token)
    assert 'id="after-peers-note"' in html
    amended = complete_form(
        csrf, "amend", **{f"rating-{BOO}": "outperforming", "reason": "Re-read my notes"}
    )
    amended[f"evidence-{BOO}"] = EVIDENCE + " " + EVIDENCE
    assert client.post(f"/i/{token}", data=amended).status_code == 303
    html, _ = open_page(client, token)
    assert "after seeing peers&#39; ratings" in html or "after seeing peers' ratings" in html

    # Another interviewer's interview did not take place: marked so, with the reason.
    other = arranged.tokens[1]
    _, csrf = open_page(client, other)
    done = client.post(
        f"/i/{other}/not-held", data={"csrf_token": csrf, "reason": "The candidate was ill."}
    )
    assert done.status_code == 303
    html = client.get(f"/i/{other}").get_data(as_text=True)
    assert 'id="not-held-status"' in html and "The candidate was ill." in html
    db.expire_all()
    assignment = db.get(Assignment, arranged.assignments[1].id)
    assert assignment is not None and assignment.status == "cancelled"
    db.commit()
