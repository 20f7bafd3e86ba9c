"""The calibration exercise behind the interviewer's link, /i/<token>/calibration: through the
test client (blind form, validation, storage, the key, who may see a result), in headless
Chromium, and in the admin's calibration report."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.scorecards.models import CalibrationAnswer, CalibrationExercise
from scorecards.calibration_pack import Sample, calibration_pack_for, choose_samples
from scorecards.framework import Framework
from scorecards.loader import builtin_frameworks
from tests.plugin.scorecards.helpers import INTERVIEWERS, arrange
from tests.signin import csrf_of, sign_in

Token = Callable[..., str]
LEVEL = "senior-pm"  # the arranged loop's level: the pack has samples for it


def expected_samples(interviewer_key: str, attempt: int = 0) -> list[Sample]:
    pack = calibration_pack_for("pm")
    assert pack is not None
    rated = {c.id for c in pack_framework().in_scope(LEVEL)}
    assert "team-leadership" not in rated  # a Senior PM manages nobody: not rated, not practised
    return choose_samples(pack, LEVEL, seed=f"{interviewer_key}:{attempt}", competencies=rated)


def pack_framework() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


def ratings_form(csrf: str, ratings: list[str], attempt: int = 0) -> dict[str, str]:
    fields = {f"rating-{n}": r for n, r in enumerate(ratings, start=1) if r}
    return {"csrf_token": csrf, "attempt": str(attempt), **fields}


def open_exercise(client: FlaskClient, token: str) -> tuple[str, str]:
    response = client.get(f"/i/{token}/calibration")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, csrf_of(html)


def test_the_interviewer_page_links_to_the_exercise(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    html = client.get(f"/i/{arranged.tokens[0]}").get_data(as_text=True)
    assert f'href="/i/{arranged.tokens[0]}/calibration"' in html


def test_the_exercise_shows_ten_answers_and_nothing_of_the_key(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    response = client.get(f"/i/{arranged.tokens[0]}/calibration")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    samples = expected_samples(INTERVIEWERS[0][0])
    assert "Senior Product Manager" in html
    for n, sample in enumerate(samples, start=1):
        assert f'name="rating-{n}"' in html
        assert str(escape(sample.answer)) in html
        assert str(escape(sample.why)) not in html
        assert sample.id not in html
    assert 'name="rating-11"' not in html
    assert "-above" not in html and "-below" not in html


def test_ratings_are_stored_with_the_key_and_the_result_shows_it(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    _, csrf = open_exercise(client, token)
    samples = expected_samples(INTERVIEWERS[0][0])
    ratings = ["on_track"] * len(samples)  # agrees exactly with the five keyed On Track
    response = client.post(f"/i/{token}/calibration", data=ratings_form(csrf, ratings))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(rf"/i/{re.escape(token)}/calibration/\d+", location)

    row = db.scalars(select(CalibrationExercise)).one()
    assert (row.interviewer_key, row.interviewer_name) == INTERVIEWERS[0]
    assert (row.level, row.framework_id, row.agreed, row.total) == (LEVEL, "pm", 5, 10)
    assert row.rating_offset == pytest.approx(0.5)  # five rated one point above the key
    assert row.assignment_id == arranged.assignments[0].id
    stored = {a.sample_id: (a.rating, a.key) for a in row.answers}
    assert stored == {s.id: ("on_track", s.key) for s in samples}
    db.rollback()  # the app writes next: end this read (SQLite's writer lock)

    html = client.get(location).get_data(as_text=True)
    assert re.search(r'id="agreed">5</span> of 10', html)
    assert "higher" in html  # the tendency, in words
    for sample in samples:
        assert str(escape(sample.why)) in html


def test_a_missing_rating_is_named_and_the_others_are_kept(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    _, csrf = open_exercise(client, token)
    ratings = ["needs_focus"] * 9 + [""]
    response = client.post(f"/i/{token}/calibration", data=ratings_form(csrf, ratings))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Rate every answer before you see the key (1 left)." in html
    assert 'id="err-rating-10"' in html
    assert re.search(r'id="rating-3-needs_focus" value="needs_focus" checked', html)
    assert db.scalar(select(func.count()).select_from(CalibrationExercise)) == 0


def test_a_second_exercise_draws_other_samples_and_a_stale_page_is_refused(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    _, csrf = open_exercise(client, token)
    first = ratings_form(csrf, ["on_track"] * 10)
    assert client.post(f"/i/{token}/calibration", data=first).status_code == 303

    html, _ = open_exercise(client, token)
    assert 'name="attempt" value="1"' in html
    assert expected_samples(INTERVIEWERS[0][0], 1) != expected_samples(INTERVIEWERS[0][0], 0)
    stale = client.post(f"/i/{token}/calibration", data=first)  # the first page, sent again
    assert stale.status_code == 422
    assert "already submitted" in stale.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(CalibrationExercise)) == 1


def test_the_same_exercise_sent_from_two_tabs_at_once_is_stored_once(
    app: Flask, client: FlaskClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    _, csrf = open_exercise(client, token)
    page = ratings_form(csrf, ["on_track"] * 10)
    assert client.post(f"/i/{token}/calibration", data=page).status_code == 303
    # The second tab read the attempt count before the first one committed.
    monkeypatch.setattr(
        "plugin.scorecards.calibration_exercise.exercises_taken", lambda _session, _key: 0
    )
    response = client.post(f"/i/{token}/calibration", data=page)
    assert response.status_code == 409
    assert "just submitted from another tab" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(CalibrationExercise)) == 1


def test_links_csrf_and_other_interviewers_results_are_guarded(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    arranged = arrange(app, db)
    token = arranged.tokens[0]
    assert client.get(f"/i/{token[:-4]}AAAA/calibration").status_code == 401
    open_exercise(client, token)
    forged = ratings_form("forged", ["on_track"] * 10)
    assert client.post(f"/i/{token}/calibration", data=forged).status_code == 403
    _, csrf = open_exercise(client, token)
    location = client.post(
        f"/i/{token}/calibration", data=ratings_form(csrf, ["on_track"] * 10)
    ).headers["Location"]
    exercise_id = location.rsplit("/", 1)[1]
    other = client.get(f"/i/{arranged.tokens[1]}/calibration/{exercise_id}")
    assert other.status_code == 404
    assert db.scalar(select(func.count()).select_from(CalibrationAnswer)) == 10


def test_a_framework_without_sample_answers_says_so(
    app: Flask, client: FlaskClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    arranged = arrange(app, db)
    monkeypatch.setattr(
        "plugin.scorecards.calibration_exercise.calibration_pack_for", lambda _id: None
    )
    monkeypatch.setattr(
        "plugin.scorecards.calibration_pages.calibration_pack_for", lambda _id: None
    )
    response = client.get(f"/i/{arranged.tokens[0]}/calibration")
    assert response.status_code == 404
    assert "no sample answers for this interview&#39;s framework" in response.get_data(as_text=True)
    page = client.get(f"/i/{arranged.tokens[0]}").get_data(as_text=True)
    assert "/calibration" not in page


def test_results_appear_in_the_calibration_report(
    app: Flask, client: FlaskClient, db: Session, make_token: Token, auth: Any
) -> None:
    arranged = arrange(app, db)
    for index, ratings in ((0, ["on_track"] * 10), (1, ["needs_focus"] * 10)):
        interviewer = app.test_client()
        _, csrf = open_exercise(interviewer, arranged.tokens[index])
        response = interviewer.post(
            f"/i/{arranged.tokens[index]}/calibration", data=ratings_form(csrf, ratings)
        )
        assert response.status_code == 303

    body = client.get("/api/calibration", headers=auth("admin")).get_json()
    rows = {row["name"]: row for row in body["exercises"]}
    assert rows[INTERVIEWERS[0][1]]["agreed"] == 5 and rows[INTERVIEWERS[0][1]]["offset"] == 0.5
    assert rows[INTERVIEWERS[1][1]]["agreement"] == 0.5
    assert rows[INTERVIEWERS[1][1]]["offset"] == -0.5
    assert rows[INTERVIEWERS[1][1]]["levels"] == [LEVEL]

    sign_in(client, make_token("admin"))
    html = client.get("/admin/calibration").get_data(as_text=True)
    table = html.split('<table id="exercises">', 1)[1].split("</table>", 1)[0]
    assert INTERVIEWERS[0][1] in table and "5 of 10 (50%)" in table
    assert "+0.50 points" in table and "rates higher" in table
    assert "-0.50 points" in table and "rates lower" in table


@pytest.mark.browser
def test_an_interviewer_rates_ten_blind_then_sees_the_key(
    live_server: Any, page: Any, db: Session
) -> None:
    from playwright.sync_api import expect

    arranged = arrange(live_server.app, db)
    samples = expected_samples(INTERVIEWERS[0][0])
    page.goto(f"{live_server.url}/i/{arranged.tokens[0]}")
    page.get_by_role("link", name="Calibrate your ratings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calibrate your ratings")
    expect(page.locator("section.cal-sample")).to_have_count(10)
    assert samples[0].why not in page.content()

    # Nine rated as keyed, the last one the other way; the missing one is caught first.
    for n, sample in enumerate(samples[:9], start=1):
        group = page.get_by_role("group", name=f"Your rating for answer {n}", exact=True)
        group.get_by_label("On Track" if sample.key == "on_track" else "Needs Focus").check()
    page.get_by_role("button", name="Submit and see the key").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("1 left")
    last = page.get_by_role("group", name="Your rating for answer 10", exact=True)
    expect(last).to_contain_text("Choose a rating for this answer.")
    expect(
        page.get_by_role("group", name="Your rating for answer 1", exact=True).get_by_label(
            "On Track" if samples[0].key == "on_track" else "Needs Focus"
        )
    ).to_be_checked()
    last.get_by_label("Needs Focus" if samples[9].key == "on_track" else "On Track").check()
    page.get_by_role("button", name="Submit and see the key").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your calibration result")
    expect(page.locator("#agreed")).to_have_text("9")
    differed = page.locator("li.cal-differed")
    expect(differed).to_have_count(1)
    expect(differed.locator(".cal-why")).to_be_visible()  # open where they differed
    expect(differed.locator(".cal-why")).to_contain_text(samples[9].why[:40])
    expect(page.locator("li.cal-agreed")).to_have_count(9)
    page.get_by_role("link", name="Try another ten").click()
    expect(page.locator("input[name=attempt]")).to_have_value("1")
