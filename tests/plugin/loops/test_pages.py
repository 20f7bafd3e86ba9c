from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from plugin.loops.models import Loop
from tests.browser import LiveServer
from tests.conftest import ROOT
from tests.signin import browser_sign_in, sign_in

EXAMPLE = ROOT / "examples" / "loops" / "senior-pm-payments.yaml"


def _store_example(db: Session) -> int:
    """Store the example loop and return its id (the session's transaction is closed)."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    row = Loop(
        name=data["name"],
        framework_id="pm",
        level=data["level"],
        ats="greenhouse",
        job_id="3485",
        definition=data,
        revision=1,
    )
    db.add(row)
    db.commit()
    loop_id = row.id
    db.expunge_all()
    return loop_id


def _sign_in(client: FlaskClient, token: str) -> str:
    assert sign_in(client, token).status_code == 302
    page = client.get("/recruiter/loops").get_data(as_text=True)
    client.get("/recruiter/loops/new")
    with client.session_transaction() as session:
        csrf: str = session["csrf"]
    assert "Interview loops" in page
    return csrf


def _form(html: str) -> list[tuple[str, str]]:
    """The editor form's fields as a browser would send them (checked boxes only)."""
    fields: list[tuple[str, str]] = []
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) == "checkbox":
            if " checked" in tag:
                fields.append((name.group(1), value.group(1) if value else "on"))
            continue
        fields.append((name.group(1), value.group(1) if value else ""))
    for select_html in re.findall(r"<select[^>]*>.*?</select>", html, re.S):
        name = re.search(r'name="([^"]+)"', select_html)
        chosen = re.search(r'<option value="([^"]*)" selected>', select_html)
        if name:
            fields.append((name.group(1), chosen.group(1) if chosen else ""))
    return fields


def test_pages_need_a_recruiter(client: FlaskClient, make_token: Callable[..., str]) -> None:
    response = client.get("/recruiter/loops")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    sign_in(client, make_token("hiring_manager"))
    assert client.get("/recruiter/loops").status_code == 403


def test_editor_without_javascript(
    client: FlaskClient, db: Session, make_token: Callable[..., str]
) -> None:
    loop_id = _store_example(db)
    _sign_in(client, make_token("recruiter"))
    listing = client.get("/recruiter/loops").get_data(as_text=True)
    assert "Senior PM, Payments" in listing and "clean" in listing
    html = client.get(f"/recruiter/loops/{loop_id}").get_data(as_text=True)
    assert "Lint clean." in html
    fields = _form(html)
    # Take product-quality out of the spec exercise and press "Check": a warning, not saved.
    without = [f for f in fields if f != ("s0-i1-competencies", "product-quality")]
    assert len(without) == len(fields) - 1
    checked = client.post(
        f"/recruiter/loops/{loop_id}", data=MultiDict([*without, ("action", "check")])
    )
    assert checked.status_code == 200
    assert "Product Quality (product-quality) is in scope" in checked.get_data(as_text=True)
    db.expire_all()
    assert db.get(Loop, loop_id).revision == 1  # type: ignore[union-attr]
    db.rollback()
    # Save it.
    saved = client.post(
        f"/recruiter/loops/{loop_id}", data=MultiDict([*without, ("action", "save")])
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Saved revision 2" in page
    db.expire_all()
    stored = db.get(Loop, loop_id)
    assert stored is not None and stored.revision == 2
    assert stored.definition["stages"][0]["interviews"][1]["competencies"] == [
        "functional-specification"
    ]
    db.rollback()
    # A must-have assessed once cannot be saved; the stored loop stays as it was.
    once = [f for f in without if f != ("s0-i3-competencies", "fluency-with-data")]
    refused = client.post(
        f"/recruiter/loops/{loop_id}", data=MultiDict([*once, ("action", "save")])
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "Not saved" in body and "Fluency with Data" in body and "assessed once" in body
    db.expire_all()
    assert db.get(Loop, loop_id).revision == 2  # type: ignore[union-attr]


def test_editor_buttons_without_javascript(
    client: FlaskClient, db: Session, make_token: Callable[..., str]
) -> None:
    _sign_in(client, make_token("recruiter"))
    new = client.get("/recruiter/loops/new").get_data(as_text=True)
    assert 'value="Product sense"' in new
    fields = _form(new)
    # Suggestions are pre-filled: the spec exercise has Functional Specification ticked.
    assert ("s0-i1-competencies", "functional-specification") in fields
    added = client.post(
        "/recruiter/loops/new", data=MultiDict([*fields, ("action", "add-interview:0")])
    ).get_data(as_text=True)
    assert 'name="s0-i4-name"' in added
    fields = [(k, v) for k, v in _form(added) if k not in ("s0-i4-name", "name", "job_id")]
    fields += [("s0-i4-name", "Strategy case"), ("name", "PM, Growth"), ("job_id", "777")]
    suggested = client.post(
        "/recruiter/loops/new", data=MultiDict([*fields, ("action", "suggest")])
    )
    suggested_fields = _form(suggested.get_data(as_text=True))
    assert ("s0-i4-competencies", "strategic-impact") in suggested_fields
    saved = client.post(
        "/recruiter/loops/new", data=MultiDict([*suggested_fields, ("action", "save")])
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)
    row = db.scalar(select(Loop).where(Loop.job_id == "777"))
    assert row is not None and len(row.definition["stages"][0]["interviews"]) == 5


def test_lint_endpoint_needs_the_csrf_header(
    client: FlaskClient, db: Session, make_token: Callable[..., str]
) -> None:
    loop_id = _store_example(db)
    csrf = _sign_in(client, make_token("recruiter"))
    fields = _form(client.get(f"/recruiter/loops/{loop_id}").get_data(as_text=True))
    no_token = [f for f in fields if f[0] != "csrf_token"]
    assert client.post("/recruiter/loops/lint", data=MultiDict(no_token)).status_code == 403
    response = client.post(
        "/recruiter/loops/lint", data=MultiDict(no_token), headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and "Lint clean." in body["html"]
    assert body["suggestions"]["s0-i0"]["format"] == "product-sense"


def test_printable_guide_page(
    client: FlaskClient, db: Session, make_token: Callable[..., str]
) -> None:
    loop_id = _store_example(db)
    _sign_in(client, make_token("recruiter"))
    page = client.get(f"/recruiter/loops/{loop_id}/guides/113101")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Tell me about a product that you love." in text and "@media print" in text
    assert client.get(f"/recruiter/loops/{loop_id}/guides/nope").status_code == 404


def test_job_scoped_recruiter_sees_only_its_job(
    client: FlaskClient, db: Session, make_token: Callable[..., str]
) -> None:
    loop_id = _store_example(db)
    _sign_in(client, make_token("recruiter", "1234"))
    assert "Senior PM, Payments" not in client.get("/recruiter/loops").get_data(as_text=True)
    assert client.get(f"/recruiter/loops/{loop_id}").status_code == 404


@pytest.mark.browser
def test_loop_editor_in_chromium(
    live_server: LiveServer, page: Any, db: Session, make_token: Callable[..., str]
) -> None:
    loop_id = _store_example(db)
    token = make_token("recruiter")
    db.rollback()
    browser_sign_in(page, live_server.url, token, f"/recruiter/loops/{loop_id}")
    lint = page.locator("#lint")
    assert "Lint clean." in lint.inner_text()
    page.wait_for_function("document.querySelector('#lint').dataset.checked")  # first check

    # Untick Fluency with Data in the analytics case: the must-have is now assessed once.
    box = page.locator("input[name='s0-i3-competencies'][value='fluency-with-data']")
    box.uncheck()
    page.wait_for_function("document.querySelector('#lint .lint-report').dataset.errors === '1'")
    error = lint.locator("li.lint-error")
    assert "assessed once" in error.inner_text()
    assert "fluency-with-data" in error.inner_text() and "Product sense" in error.inner_text()
    box.check()
    page.wait_for_function("document.querySelector('#lint .lint-report').dataset.ok === 'true'")

    # Untick Product Quality instead: only a warning; save it.
    page.locator("input[name='s0-i1-competencies'][value='product-quality']").uncheck()
    page.wait_for_function("document.querySelector('#lint .lint-report').dataset.warnings === '1'")
    assert "Product Quality (product-quality)" in lint.inner_text()
    page.locator("#save-loop").click()
    # The save loads a new page: expect retries until it has (the old one has no flash).
    expect(page.locator(".flash")).to_contain_text("Saved revision 2")

    page.reload()
    assert not page.locator(
        "input[name='s0-i1-competencies'][value='product-quality']"
    ).is_checked()
    assert page.locator(
        "input[name='s0-i1-competencies'][value='functional-specification']"
    ).is_checked()
    db.expire_all()
    stored = db.get(Loop, loop_id)
    assert stored is not None and stored.revision == 2


def test_editor_sets_an_interviews_minutes_and_shows_over_time(
    client: FlaskClient, db: Session, make_token: Callable[..., str]
) -> None:
    loop_id = _store_example(db)
    _sign_in(client, make_token("recruiter"))
    html = client.get(f"/recruiter/loops/{loop_id}").get_data(as_text=True)
    assert 'name="s0-i0-minutes"' in html and 'value="45"' in html
    fields = [f for f in _form(html) if f[0] != "s0-i0-minutes"]
    short = client.post(
        f"/recruiter/loops/{loop_id}",
        data=MultiDict([*fields, ("s0-i0-minutes", "30"), ("action", "save")]),
    )
    assert short.status_code == 422
    body = short.get_data(as_text=True)
    assert "needs at least 45 minutes" in body and "30 minutes long" in body
    saved = client.post(
        f"/recruiter/loops/{loop_id}",
        data=MultiDict([*fields, ("s0-i0-minutes", "60"), ("action", "save")]),
    )
    assert saved.status_code == 303
    db.expire_all()
    stored = db.get(Loop, loop_id)
    assert stored is not None and stored.definition["stages"][0]["interviews"][0]["minutes"] == 60
    assert "minutes" not in stored.definition["stages"][0]["interviews"][1]
    db.rollback()
    guide = client.get(f"/recruiter/loops/{loop_id}/guides/113101").get_data(as_text=True)
    assert "Plan for 60 minutes" in guide


@pytest.mark.browser
def test_printable_guide_shows_rubrics_flags_and_before_you_start_in_chromium(
    live_server: LiveServer, page: Any, db: Session, make_token: Callable[..., str]
) -> None:
    loop_id = _store_example(db)
    token = make_token("recruiter")
    db.rollback()
    # The analytics case: a case format, so it is rated against the rubric.
    browser_sign_in(page, live_server.url, token, f"/recruiter/loops/{loop_id}/guides/113104")
    expect(page.locator("h1")).to_contain_text("Payments analytics and strategy case")
    before = page.locator(".guide-before-you-start")
    expect(before).to_be_visible()
    expect(before).to_contain_text("Fluency mistaken for competence")
    expect(before).to_contain_text("What not to ask")
    expect(before).to_contain_text("Accommodations")
    rubric = page.locator(".guide-questions .guide-rubric").first
    expect(rubric).to_be_visible()
    expect(rubric.locator("th").nth(1)).to_have_text("On Track")
    flags = page.locator(".guide-questions .guide-flags").first
    expect(flags.locator(".guide-flags-green li").first).to_be_visible()
    expect(flags.locator(".guide-flags-red")).to_contain_text("False positive")
    card = page.locator("#guide-fluency-with-data")
    expect(card).to_contain_text("Rate what you saw in the room")
    assert card.locator(".guide-anchors").count() == 0
