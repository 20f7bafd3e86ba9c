"""Each role's home page in a real browser, and the way from it to the other pages through
the navigation; the screenshots in docs/pages.md come from here (HIRELOOP_SCREENSHOTS=1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.jobs.models import OutboxJob
from tests.accessibility import DESKTOP, screenshot
from tests.browser import LiveServer
from tests.plugin.home.scenario import PAYMENTS, arrange_home, sign_in_page

Token = Callable[..., str]


def sign_in(page: Any, live_server: LiveServer, token: str) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in_page(page, live_server.url, token)
    expect(page.locator("h1")).to_be_visible()


def nav(page: Any) -> Any:
    return page.get_by_role("navigation", name="Main")


@pytest.mark.browser
def test_hiring_manager_home(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    arrange_home(db)
    sign_in(page, live_server, make_token("hiring_manager", PAYMENTS))
    expect(page.locator("h1")).to_have_text("Your hiring")
    expect(nav(page).get_by_role("link")).to_have_text(["Home", "Jobs", "Applications"])
    expect(nav(page).get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(page.locator("#jobs li")).to_have_count(1)
    expect(page.locator("#jobs li")).to_contain_text("1 awaiting decision · 1 provisional")
    expect(page.locator("#awaiting tbody th")).to_have_text(["Amy Complete"])
    provisional = page.locator("#provisional tbody tr")
    expect(provisional).to_have_count(1)
    expect(provisional).to_contain_text("Ada Lovelace")
    expect(provisional).to_contain_text("Pending Person 0")
    expect(page.locator("#late")).to_have_count(0)
    screenshot(page, "home-hiring-manager")

    page.locator("#awaiting").get_by_role("link", name="Amy Complete").click()
    expect(page.locator("h1")).to_have_text("Amy Complete")
    expect(nav(page).get_by_role("link", name="Applications")).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "review")
    nav(page).get_by_role("link", name="Jobs").click()
    expect(page.locator("h1")).to_have_text("Jobs")
    screenshot(page, "jobs")
    page.locator("#jobs-table").get_by_role("link", name="Senior PM, Payments").click()
    expect(page.locator("h1")).to_contain_text("candidates side by side")
    nav(page).get_by_role("link", name="Applications").click()
    expect(page.locator("#applications-table tbody tr")).to_have_count(2)
    screenshot(page, "applications")


@pytest.mark.browser
def test_recruiter_home_reminds_with_one_click(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    home = arrange_home(db)
    sign_in(page, live_server, make_token("recruiter"))
    expect(page.locator("h1")).to_have_text("Your loops and messages")
    expect(nav(page).get_by_role("link")).to_have_text(
        ["Home", "Jobs", "Applications", "Loops", "Messages"]
    )
    late = page.locator("#late tbody tr")
    expect(late).to_have_count(2)
    expect(late.first).to_contain_text("Pending Person 0")  # 30 hours late: first
    expect(page.locator("#loops li").first).to_contain_text("warning")
    expect(page.locator("#undelivered")).to_contain_text("failed")
    expect(page.locator("#awaiting")).to_have_count(0)
    screenshot(page, "home-recruiter")

    row = page.locator(f'#late tr[data-assignment="{home.late.id}"]')
    row.get_by_role("button", name="Remind Pending Person 0 about Ada Lovelace").click()
    expect(page.locator(".flash")).to_contain_text("Reminder queued for Pending Person 0")
    assert page.url.endswith("/#late")
    key = db.scalars(select(OutboxJob.key).where(OutboxJob.key.contains("reminder-manual"))).one()
    assert key.startswith(f"notify:{home.late.id}:")
    db.commit()

    nav(page).get_by_role("link", name="Loops").click()
    expect(page.locator("h1")).to_have_text("Interview loops")
    screenshot(page, "loops")
    page.get_by_role("link", name="Senior PM, Payments").click()
    expect(page.locator("#lint-title")).to_be_visible()
    screenshot(page, "loop-editor", full_page=False)
    nav(page).get_by_role("link", name="Messages").click()
    expect(page.locator("h1")).to_have_text("Messages")
    screenshot(page, "messages")


@pytest.mark.browser
def test_admin_home_shows_the_workers_health(
    page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    arrange_home(db)
    sign_in(page, live_server, make_token("admin"))
    expect(page.locator("h1")).to_have_text("Everything waiting")
    for section in ("#jobs", "#awaiting", "#provisional", "#late", "#loops", "#undelivered"):
        expect(page.locator(section)).to_be_visible()
    health = page.locator("#health")
    expect(health.locator("h2")).to_have_text("Worker health: needs a look")
    expect(page.locator("#inbox-lag")).to_contain_text("1 waiting, the oldest 10")
    expect(page.locator("#dead-letters")).to_contain_text("SMTP 550 mailbox unavailable")
    expect(page.locator("#last-writeback")).to_contain_text("UTC")
    expect(page.locator("#jobs li")).to_have_count(2)
    screenshot(page, "home-admin")
    nav(page).get_by_role("link", name="Calibration").click()
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, "calibration")
