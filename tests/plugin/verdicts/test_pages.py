from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.core.models import utcnow
from plugin.scorecards.models import Rating, Scorecard, ScorecardRevision
from plugin.verdicts.models import VerdictOverride
from tests.browser import LiveServer
from tests.plugin.verdicts.data import DATA, SPEC, make_application, make_loop
from tests.signin import browser_sign_in
from tests.signin import sign_in as sign_in_client

Token = Callable[..., str]


def sign_in(page: Any, live_server: LiveServer, token: str, path: str) -> None:
    browser_sign_in(page, live_server.url, token, path)


# -- without a browser: access and rendering -------------------------------------------------------


def test_pages_need_sign_in_and_the_right_job(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "1", "Ada Lovelace")
    db.commit()
    path = f"/review/applications/{application.id}"
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]

    other = make_token("hiring_manager", "9999")
    sign_in_client(client, other)
    assert client.get(path).status_code == 404  # out of scope looks missing
    assert client.get("/review/jobs/greenhouse/3485").status_code == 404
    assert client.get("/admin/calibration").status_code == 403

    mine = make_token("hiring_manager", "3485")
    sign_in_client(client, mine)
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ada Lovelace" in html and "<svg" in html and 'role="img"' in html
    assert client.get("/review/applications/999999").status_code == 404
    assert client.get("/review/jobs/greenhouse/3485?sort=nope").status_code == 422


def test_override_form_needs_csrf_and_reason(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "1", "Ada Lovelace")
    db.commit()
    app_id = application.id
    sign_in_client(client, make_token("hiring_manager", "3485"))
    html = client.get(f"/review/applications/{app_id}").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    url = f"/review/applications/{app_id}/override"
    assert client.post(url, data={"recommendation": "yes", "reason": "x"}).status_code == 403
    response = client.post(
        url, data={"recommendation": "yes", "reason": "  ", "csrf_token": match.group(1)}
    )
    assert response.status_code == 302
    assert db.scalars(select(VerdictOverride)).all() == []
    db.commit()


# -- in the browser --------------------------------------------------------------------------------


@pytest.mark.browser
def test_review_page_runs_the_debrief(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "1", "Ada Lovelace", pending=1)
    db.commit()
    app_id = application.id
    sign_in(
        page, live_server, make_token("hiring_manager", "3485"), f"/review/applications/{app_id}"
    )

    assert page.locator("h1").inner_text() == "Ada Lovelace"
    assert "Provisional" in page.locator("#status").inner_text()
    assert "4 of 5" in page.locator("#status").inner_text()
    mechanical = page.locator("#mechanical .rec")
    assert mechanical.get_attribute("data-recommendation") == "yes"
    assert mechanical.inner_text() == "Yes"
    assert "otherwise yes" in page.locator("#rule").inner_text()

    # The agenda starts with the split must-have, and links to its verdict.
    first = page.locator("#agenda li").first
    assert first.inner_text().startswith("Functional Specification is split")
    first.locator("a").click()
    assert page.url.endswith(f"#c-{SPEC}")

    # Heatmap: an accessible table, colour and text in every cell.
    heat = page.locator("table#heatmap")
    headers = heat.locator("thead th").all_inner_texts()
    assert any("Grace Hopper" in h for h in headers) and any("Alan Turing" in h for h in headers)
    spec_row = heat.locator("tbody tr", has=page.locator("th", has_text="Functional Specification"))
    cells = spec_row.locator("td").all_inner_texts()
    assert any("Outperforming" in c for c in cells) and any("Needs focus" in c for c in cells)
    assert "On track" in cells[-1] and "split" in cells[-1]
    verdict_cell = spec_row.locator("td.v-on_track").last
    colour = verdict_cell.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    quality_row = heat.locator("tbody tr", has=page.locator("th", has_text="Product Quality"))
    assert "No evidence" in quality_row.inner_text()

    # Evidence is one click away.
    row = page.locator(f"tr#c-{SPEC}")
    assert row.get_attribute("data-verdict") == "on_track"
    assert row.get_attribute("data-split") == "true"
    quote = row.locator("details.evidence blockquote").first
    assert not quote.is_visible()
    row.locator("details.evidence summary").click()
    assert quote.is_visible()
    assert "phased spec" in row.locator("details.evidence").inner_text()
    data_row = page.locator(f"tr#c-{DATA}")
    assert data_row.get_attribute("data-verdict") == "on_track"
    assert "thin evidence" in page.locator("tr#c-product-delivery").inner_text()

    # Gaps, pending, the shape.
    assert "Product Quality" in page.locator("#gaps").inner_text()
    assert "Pending Person 0" in page.locator("#pending").inner_text()
    radar = page.locator("svg.radar")
    assert radar.get_attribute("role") == "img"
    assert "Fluency with Data" in radar.locator("desc").text_content()
    assert page.locator("#archetype").inner_text()

    # The override: the reason is required, and the result sits beside the mechanical one.
    page.select_option("#override-recommendation", "yes")
    page.click("#override button[type=submit]")
    assert page.evaluate("document.querySelector('#override-reason').validity.valueMissing")
    reason = "Debrief settled the spec split: the needs-focus rating came from a misread brief."
    page.fill("#override-reason", reason)
    page.click("#override button[type=submit]")
    page.wait_for_selector("#override-current .override-reason")
    assert page.locator("#override-current .rec").inner_text() == "Yes"
    assert page.locator("#override-current .override-reason").inner_text() == reason
    assert page.locator("#mechanical .rec").inner_text() == "Yes"
    stored = db.scalars(select(VerdictOverride)).one()
    assert stored.reason == reason and stored.recommendation == "yes"
    db.commit()


@pytest.mark.browser
def test_job_page_compares_sorts_and_pages(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    loop = make_loop(db)
    make_application(db, loop, "1", "Zed Split")
    strong = [
        ("201", "A", "Spec", {SPEC: ("outperforming", "e"), DATA: ("outperforming", "e")}),
        ("202", "B", "Data", {DATA: ("outperforming", "e"), SPEC: ("outperforming", "e")}),
    ]
    make_application(db, loop, "2", "Amy Strong", strong)
    weak = [("301", "C", "Spec", {SPEC: ("needs_focus", "e"), DATA: ("needs_focus", "e")})]
    make_application(db, loop, "3", "Bob Weak", weak)
    db.commit()
    sign_in(
        page,
        live_server,
        make_token("hiring_manager", "3485"),
        "/review/jobs/greenhouse/3485?per_page=2",
    )

    # Each click loads a new page: the assertions retry until it has (expect), since a
    # locator read right after a click may still see the old page, or none.
    names = page.locator("table#compare tbody th a")
    rows = page.locator("table#compare tbody tr")
    expect(names).to_have_text(["Amy Strong", "Zed Split"])
    header = page.locator("table#compare thead th", has_text="Recommendation")
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(rows.first).to_contain_text("Strong yes")
    expect(page.locator("nav.pager")).to_contain_text("Page 1 of 2")
    page.click("nav.pager a[rel=next]")
    expect(names).to_have_text(["Bob Weak"])
    expect(rows.first).to_contain_text("Definitely not")

    page.click("table#compare thead th a:has-text('Candidate')")
    expect(names).to_have_text(["Amy Strong", "Bob Weak"])
    page.click("table#compare thead th a:has-text('Candidate')")
    expect(names).to_have_text(["Zed Split", "Bob Weak"])
    candidate = page.locator("table#compare thead th", has_text="Candidate")
    expect(candidate).to_have_attribute("aria-sort", "descending")
    # Each competency cell says its verdict in words as well as colour.
    spec_header = page.locator("table#compare thead th", has_text="Functional Specification")
    expect(spec_header).to_have_count(1)
    expect(rows.first).to_contain_text("split")
    page.click("table#compare tbody th a:has-text('Zed Split')")
    expect(page.locator("h1")).to_have_text("Zed Split")


@pytest.mark.browser
def test_admin_calibration_page(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    loop = make_loop(db)
    make_application(db, loop, "1", "One")
    make_application(db, loop, "2", "Two")
    db.commit()
    sign_in(page, live_server, make_token("admin"), "/admin/calibration")
    assert page.locator("h1").inner_text() == "Interviewer calibration"
    row = page.locator("table#interviewers tbody tr", has_text="Katherine Johnson")
    text = row.inner_text()
    assert "+1.00 points" in text and "50%" in text
    agreement = page.locator("table#agreement tbody tr", has_text="Functional Specification")
    assert "Senior PM, Payments" in agreement.inner_text()


BORDERLINE = [
    (
        "101",
        "Grace Hopper",
        "Spec writing",
        {
            SPEC: ("on_track", "Named the non-goals, missed one edge case."),
            "product-delivery": ("on_track", "Shipped in phases."),
        },
    ),
    (
        "102",
        "Alan Turing",
        "Analytics case",
        {
            SPEC: ("needs_focus", "Could not say what was out of scope."),
            DATA: ("on_track", "Checked the denominator."),
        },
    ),
    ("103", "Katherine Johnson", "Product sense", {DATA: ("on_track", "Sized the market.")}),
]


@pytest.mark.browser
def test_review_page_shows_amendments_borderline_and_what_if(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    loop = make_loop(db)
    application = make_application(db, loop, "7", "Bea Borderline", BORDERLINE)
    db.flush()
    alan = db.scalars(
        select(Scorecard).where(
            Scorecard.application_id == application.id, Scorecard.interviewer_key == "102"
        )
    ).one()
    alan.peers_seen_at = utcnow() - timedelta(minutes=30)
    db.add(
        ScorecardRevision(
            scorecard_id=alan.id,
            actor="interviewer:102 (Alan Turing)",
            reason="Read the others' notes and changed my mind.",
            before={"ratings": {SPEC: {"rating": "on_track", "evidence": "x"}}},
            after={"ratings": {SPEC: {"rating": "needs_focus", "evidence": "x"}}},
            after_seeing_peers=True,
            created_at=utcnow() - timedelta(minutes=20),
        )
    )
    db.commit()
    app_id = application.id
    sign_in(
        page, live_server, make_token("hiring_manager", "3485"), f"/review/applications/{app_id}"
    )

    # One needs_focus beside one on_track is no veto: on track, flagged borderline.
    expect(page.locator("#mechanical .rec")).to_have_attribute("data-recommendation", "yes")
    row = page.locator(f"tr#c-{SPEC}")
    expect(row).to_have_attribute("data-verdict", "on_track")
    expect(row).to_have_attribute("data-borderline", "true")
    expect(row.locator(".badge.borderline")).to_have_text("borderline (needs focus / on track)")
    assert "borderline" in page.locator("#agenda li").first.inner_text()

    # The amendment, beside the rating and in its own list, marked as after seeing peers.
    heat = page.locator("table#heatmap")
    spec_row = heat.locator("tbody tr", has=page.locator("th", has_text="Functional Specification"))
    mark = spec_row.locator(".amend-mark.after-peers")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text("amended On track → Needs focus, after seeing peers")
    item = page.locator("#amendments li.amendment")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-after-seeing-peers", "true")
    expect(item).to_contain_text("Alan Turing")
    expect(item).to_contain_text("Read the others' notes and changed my mind.")
    expect(item).to_contain_text("Functional Specification: On track → Needs focus")

    # What if Grace had said needs focus too? Two must-have ratings at needs focus: no.
    field = f"select#wi-{scorecard_of(db, application.id, '101')}-{SPEC}"
    page.select_option(field, "needs_focus")
    page.click("#what-if-form button[type=submit]")
    result = page.locator("#what-if-result .rec")
    expect(result).to_have_attribute("data-recommendation", "no")
    expect(page.locator("#what-if-result")).to_contain_text("With 1 rating changed")
    expect(page.locator("#mechanical .rec")).to_have_attribute("data-recommendation", "yes")
    # Nothing was stored: the rating is as it was.
    db.expire_all()
    stored = db.scalars(
        select(Rating.rating).where(Rating.application_id == app_id, Rating.competency_id == SPEC)
    ).all()
    assert sorted(stored) == ["needs_focus", "on_track"]
    db.commit()


def scorecard_of(db: Session, application_id: int, interviewer_key: str) -> int:
    card_id = db.scalar(
        select(Scorecard.id).where(
            Scorecard.application_id == application_id,
            Scorecard.interviewer_key == interviewer_key,
        )
    )
    db.commit()
    assert card_id is not None
    return card_id
