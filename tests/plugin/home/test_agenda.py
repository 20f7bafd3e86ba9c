"""``GET /api/me/agenda`` and the lists behind the home page, without a browser: what each
list holds, how a token's scope narrows it, and the one-click reminder."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.core.models import utcnow
from plugin.home.health import worker_health
from plugin.jobs.models import OutboxJob
from tests.plugin.home.scenario import GROWTH, PAYMENTS, arrange_home, sign_in

Headers = Callable[..., dict[str, str]]
Token = Callable[..., str]
KEYS = {"awaiting_decision", "provisional", "late_scorecards", "loops_with_warnings"}
ENTRY_KEYS = {"id", "ats", "external_id", "candidate", "job", "review_url"}


def test_agenda_needs_a_token(client: FlaskClient) -> None:
    response = client.get("/api/me/agenda")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"]
    bad = client.get("/api/me/agenda", headers={"Authorization": "Bearer hl_nope"})
    assert bad.status_code == 401


def test_hiring_manager_sees_only_their_job(
    client: FlaskClient, db: Session, auth: Headers
) -> None:
    home = arrange_home(db)
    body = client.get("/api/me/agenda", headers=auth("hiring_manager", PAYMENTS)).get_json()
    assert set(body) == KEYS

    [awaiting] = body["awaiting_decision"]
    assert set(awaiting) >= ENTRY_KEYS
    assert awaiting["id"] == home.complete.id and awaiting["candidate"] == "Amy Complete"
    assert (awaiting["ats"], awaiting["external_id"]) == ("greenhouse", "1")
    assert awaiting["job"] == "Senior PM, Payments"
    assert awaiting["review_url"] == f"http://hireloop.test/review/applications/{home.complete.id}"
    assert awaiting["scorecards"] == {"submitted": 2, "expected": 2}

    # The provisional verdict says who is late; the hired candidate is not waiting for anyone.
    [provisional] = body["provisional"]
    assert provisional["candidate"] == "Ada Lovelace"
    assert [late["interviewer"] for late in provisional["late"]] == ["Pending Person 0"]
    assert provisional["late"][0]["hours_late"] >= 4.9
    candidates = {e["candidate"] for key in ("awaiting_decision", "provisional") for e in body[key]}
    assert "Hal Hired" not in candidates and "Zed Other" not in candidates

    [late] = body["late_scorecards"]
    assert late["assignment_id"] == home.late.id and late["candidate"] == "Ada Lovelace"
    assert set(late) >= ENTRY_KEYS
    assert [loop["job_id"] for loop in body["loops_with_warnings"]] == [PAYMENTS]
    assert body["loops_with_warnings"][0]["warnings"]


def test_admin_and_unscoped_tokens_see_every_job(
    client: FlaskClient, db: Session, auth: Headers
) -> None:
    arrange_home(db)
    for role in ("admin", "recruiter"):
        body = client.get("/api/me/agenda", headers=auth(role)).get_json()
        # Most late first: Zed's interviewer is 30 hours late, Ada's 5.
        assert [e["candidate"] for e in body["late_scorecards"]] == ["Zed Other", "Ada Lovelace"]
        assert {e["job"] for e in body["provisional"]} == {
            "Senior PM, Payments",
            "Staff PM, Growth",
        }
        assert {loop["job_id"] for loop in body["loops_with_warnings"]} == {PAYMENTS, GROWTH}
    scoped = client.get("/api/me/agenda", headers=auth("recruiter", GROWTH)).get_json()
    assert [e["candidate"] for e in scoped["late_scorecards"]] == ["Zed Other"]
    assert scoped["awaiting_decision"] == []


def test_a_scorecard_is_late_only_after_the_loops_first_reminder(
    client: FlaskClient, db: Session, auth: Headers
) -> None:
    home = arrange_home(db)
    home.late.ends_at = utcnow() - timedelta(minutes=30)  # the default first reminder: 1 hour
    db.commit()
    body = client.get("/api/me/agenda", headers=auth("recruiter", PAYMENTS)).get_json()
    assert body["late_scorecards"] == []
    assert body["provisional"][0]["late"] == []


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_one_click_reminder_queues_one_reminder_an_hour(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    home = arrange_home(db)
    sign_in(client, make_token("recruiter", PAYMENTS))
    html = client.get("/").get_data(as_text=True)
    url = f"/recruiter/messages/assignments/{home.late.id}/remind"
    assert f'action="{url}"' in html
    form = {"csrf_token": _csrf(html), "next": "/#late"}
    assert client.post(url, data={"next": "/"}).status_code == 403  # no CSRF token
    response = client.post(url, data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/#late")
    client.post(url, data=form)  # a double click
    keys = db.scalars(select(OutboxJob.key).where(OutboxJob.key.contains("reminder-manual"))).all()
    assert len(keys) == 1 and keys[0].startswith(f"notify:{home.late.id}:reminder-manual-")
    job = db.scalars(select(OutboxJob).where(OutboxJob.key == keys[0])).one()
    assert job.payload == {"assignment_id": home.late.id, "kind": "reminder-1", "manual": True}
    db.commit()  # end the read: SQLite has one writer at a time
    # Another job's interviewer is out of this token's reach.
    other = f"/recruiter/messages/assignments/{home.late_other.id}/remind"
    assert client.post(other, data=form).status_code == 404  # as if missing


def test_home_page_by_role(client: FlaskClient, db: Session, make_token: Token) -> None:
    arrange_home(db)
    assert client.get("/").status_code == 302  # to the sign-in page

    sign_in(client, make_token("hiring_manager", PAYMENTS))
    html = client.get("/").get_data(as_text=True)
    assert 'id="awaiting"' in html and "Amy Complete" in html and "Pending Person 0" in html
    assert 'id="late"' not in html and 'id="health"' not in html
    assert "Zed Other" not in html
    assert ">Loops<" not in html  # a hiring manager cannot open the loops: no link to them

    sign_in(client, make_token("recruiter"))
    html = client.get("/").get_data(as_text=True)
    assert 'id="late"' in html and 'id="loops"' in html and 'id="undelivered"' in html
    assert 'id="awaiting"' not in html and 'id="health"' not in html
    assert "SMTP" not in html and "failed" in html
    for label in ("Home", "Jobs", "Applications", "Loops", "Messages"):
        assert f">{label}</a>" in html

    sign_in(client, make_token("admin"))
    html = client.get("/").get_data(as_text=True)
    for section in ("awaiting", "provisional", "late", "loops", "undelivered", "health"):
        assert f'id="{section}"' in html
    assert re.search(r'id="inbox-lag">1 waiting, the oldest 1\d\.\d min old', html)
    assert "SMTP 550 mailbox unavailable" in html
    assert 'id="last-writeback">none yet' not in html


def test_jobs_and_applications_pages_are_scoped(
    client: FlaskClient, db: Session, make_token: Token
) -> None:
    arrange_home(db)
    sign_in(client, make_token("hiring_manager", PAYMENTS))
    jobs = client.get("/review/jobs").get_data(as_text=True)
    assert "/review/jobs/greenhouse/3485" in jobs and "/review/jobs/greenhouse/7777" not in jobs
    applications = client.get("/review/applications").get_data(as_text=True)
    assert "Amy Complete" in applications and "Ada Lovelace" in applications
    assert "Hal Hired" not in applications and "Zed Other" not in applications
    hired = client.get("/review/applications?status=hired").get_data(as_text=True)
    assert "Hal Hired" in hired and "Amy Complete" not in hired
    every = client.get("/review/applications?status=all").get_data(as_text=True)
    assert "Hal Hired" in every and "Amy Complete" in every
    assert 'aria-current="page">Applications<' in every

    sign_in(client, make_token("admin"))
    jobs = client.get("/review/jobs").get_data(as_text=True)
    assert "Staff PM, Growth" in jobs and "Senior PM, Payments" in jobs


def test_worker_health_with_nothing_wrong(db: Session) -> None:
    health = worker_health(db, utcnow())
    assert health.ok
    assert (health.inbox_waiting, health.inbox_lag_seconds, health.dead_letters) == (0, None, 0)
    assert health.last_writeback is None and health.latest_dead == ()
    db.commit()


def test_worker_health_counts_what_is_wrong(db: Session) -> None:
    home = arrange_home(db)
    health = worker_health(db, utcnow())
    assert not health.ok
    assert health.inbox_waiting == 1
    assert health.inbox_lag_seconds is not None and 590 < health.inbox_lag_seconds < 900
    assert health.dead_letters == 1 and health.latest_dead[0].key == home.dead_job.key
    assert health.last_writeback is not None
    db.commit()
