"""axe-core on every page for every role, on a 1280 px desktop and a 390 px phone: no
serious or critical violation. The pages are the ones a role can open, with data on them
(tests/plugin/home/scenario.py), so tables, forms and lists are all there to check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.accessibility import DESKTOP, PHONE, screenshot, serious_violations
from tests.browser import LiveServer
from tests.plugin.home.scenario import PAYMENTS, Home, arrange_home, sign_in_page

Token = Callable[..., str]

MANAGER_PAGES = ["/", "/review/jobs", "/review/applications", "/review/jobs/greenhouse/3485"]
RECRUITER_PAGES = ["/recruiter/loops", "/recruiter/loops/new", "/recruiter/messages"]


def pages_for(role: str, home: Home) -> list[str]:
    review = [
        f"/review/applications/{home.provisional.id}",
        f"/review/applications/{home.complete.id}",
        f"/review/applications/{home.complete.id}?whatif=1",  # the "what if" panel's answer
        f"/review/applications/{home.hired.id}",  # with its development plan
    ]
    loop = [
        f"/recruiter/loops/{home.loop.id}",
        f"/recruiter/loops/{home.loop.id}/guides/Spec writing",
        f"/recruiter/loops/{home.loop.id}/candidate-brief",
    ]
    pages = MANAGER_PAGES + review
    if role in ("recruiter", "admin"):
        pages += RECRUITER_PAGES + loop
    if role == "admin":
        pages += ["/admin/calibration"]
    return pages


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in found.items())


@pytest.mark.browser
@pytest.mark.parametrize("role", ["hiring_manager", "recruiter", "admin"])
def test_no_serious_violations_on_any_page(
    role: str, page: Any, live_server: LiveServer, db: Session, make_token: Token
) -> None:
    home = arrange_home(db)
    token = make_token(role, PAYMENTS if role == "hiring_manager" else None)
    sign_in_page(page, live_server.url, token)
    found: dict[str, list[str]] = {}
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for path in pages_for(role, home):
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            violations = serious_violations(page)
            if violations:
                found[f"{path} @ {viewport['width']}px"] = violations
    assert not found, report(found)


@pytest.mark.browser
def test_no_serious_violations_signed_out(page: Any, live_server: LiveServer, db: Session) -> None:
    """The sign-in page, the interviewer's page and calibration exercise (no sign-in)."""
    home = arrange_home(db)
    with live_server.app.app_context():
        link = f"/i/{home.link_token}"
    found: dict[str, list[str]] = {}
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for path in ("/login", link, f"{link}/calibration"):
            page.goto(f"{live_server.url}{path}")
            if path == "/login" and viewport is DESKTOP:
                screenshot(page, "login")
            violations = serious_violations(page)
            if violations:
                found[f"{path} @ {viewport['width']}px"] = violations
    assert not found, report(found)
