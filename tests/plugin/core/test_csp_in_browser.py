"""The pages' own scripts work under the Content-Security-Policy every answer carries, and
the browser refuses to show them in a frame (frame-ancestors 'none')."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.browser import LiveServer
from tests.plugin.loops.test_pages import _store_example
from tests.plugin.scorecards.helpers import arrange
from tests.signin import browser_sign_in


@pytest.fixture
def strict_page(browser: object) -> Iterator[Any]:
    """A page that keeps the CSP (the shared fixture bypasses it for Playwright's waits)."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.browser
def test_the_loop_editor_script_runs_under_the_csp(
    live_server: LiveServer, strict_page: Any, db: Session, make_token: Callable[..., str]
) -> None:
    violations: list[str] = []
    strict_page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    loop_id = _store_example(db)
    token = make_token("recruiter")
    db.rollback()
    browser_sign_in(strict_page, live_server.url, token, f"/recruiter/loops/{loop_id}")
    strict_page.locator("#lint[data-checked]").wait_for()  # the script's first check ran
    box = strict_page.locator("input[name='s0-i3-competencies'][value='fluency-with-data']")
    box.uncheck()
    strict_page.locator("#lint .lint-report[data-errors='1']").wait_for()
    assert violations == []


@pytest.mark.browser
def test_pages_cannot_be_framed(live_server: LiveServer, strict_page: Any) -> None:
    with strict_page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused:
        strict_page.set_content(f'<iframe src="{live_server.url}/login"></iframe>')
    assert "'none'" in refused.value.text
    assert "Sign in" not in strict_page.frames[-1].content()


@pytest.mark.browser
def test_the_interviewer_script_autosaves_under_the_csp(
    live_server: LiveServer, strict_page: Any, db: Session
) -> None:
    from playwright.sync_api import expect

    violations: list[str] = []
    strict_page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    arranged = arrange(live_server.app, db)
    strict_page.goto(f"{live_server.url}/i/{arranged.tokens[1]}")
    strict_page.get_by_label("Evidence for Functional Specification").press_sequentially(
        "Phased the migration"
    )
    expect(strict_page.locator("#autosave-status")).to_contain_text("Draft saved at")
    assert violations == []
