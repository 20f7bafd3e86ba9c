"""Notifications against a real SMTP server on loopback (aiosmtpd) and a local Slack webhook.

The messages are read as the SMTP server received them: headers, both MIME parts, the links
in them (which are then opened with the test client), one message per assignment and kind
across worker restarts, the reminder schedule with an injected clock, and nothing lost when
no transport is configured.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.ats.base import AtsScheduledInterview, AtsUser
from plugin.auth.tokens import create_token
from plugin.core import signals
from plugin.core.db import get_session
from plugin.jobs.models import OutboxJob
from plugin.jobs.registry import job_registry
from plugin.jobs.worker import Worker
from plugin.loops.models import Loop
from plugin.notify import addresses, outbox, reminders, sending, submission_rates
from plugin.notify.settings import notify_settings
from plugin.notify.transports import OutgoingEmail, SmtpTransport, TransportError, smtp_from_config
from plugin.scorecards.models import Rating, Scorecard
from tests.factories import make_application, make_assignment, make_loop
from tests.signin import sign_in

T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)  # the interview starts
T_END = T0 + timedelta(hours=1)

LOOP = {
    "name": "Senior PM, Payments",
    "framework": "pm",
    "level": "senior-pm",
    "ats": "greenhouse",
    "job_id": "3485",
    "must_have": ["functional-specification"],
    "stages": [
        {
            "name": "Onsite",
            "ats_stage_id": "71416",
            "interviews": [
                {
                    "name": "Product sense",
                    "ats_interview_id": "113101",
                    "format": "product-sense",
                    "competencies": ["user-experience-design", "voice-of-the-customer"],
                },
                {
                    "name": "Execution",
                    "ats_interview_id": "113102",
                    "format": "execution",
                    "competencies": ["functional-specification", "product-delivery"],
                },
            ],
        }
    ],
    "settings": {"reminder_hours": [1, 24], "escalate_after_hours": 48},
    "notify": {"hiring_managers": ["hm@example.com"], "recruiters": ["rec@example.com"]},
}


# -- a real SMTP server ---------------------------------------------------------------------------


class Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.fail_next: list[str] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_next:
            return self.fail_next.pop(0)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


class LoopbackController(Controller):
    """aiosmtpd on port 0: read the port the kernel chose before the readiness check."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        super()._trigger_server()


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    collector = Collector()
    controller = LoopbackController(collector, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield collector, controller.port
    finally:
        controller.stop()


def smtp_config(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_FROM": "hireloop <hireloop@hireloop.test>",
        "SMTP_STARTTLS": False,
        "HTTP_TIMEOUT_SECONDS": 5,
        **extra,
    }


# -- arranging data and running the outbox --------------------------------------------------------


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    state = {"now": T0 - timedelta(days=1)}
    monkeypatch.setattr(outbox, "clock", lambda: state["now"])

    def set_now(moment: datetime) -> None:
        state["now"] = moment

    return set_now


@pytest.fixture(autouse=True)
def no_ats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(addresses, "client_factory", lambda config, ats: None)


def arrange(
    app: Flask,
    *,
    interviewers: tuple[tuple[str, str, str | None], ...] = (
        ("101", "Ada Lovelace", "ada@example.com"),
    ),
    interview_key: str = "113101",
    definition: dict[str, Any] | None = None,
    ends_at: datetime | None = T_END,
) -> tuple[int, list[int]]:
    """A loop, an application in its onsite stage, assignments created through the hook."""
    with app.app_context():
        session = get_session()
        loop = make_loop(session, definition or LOOP, name="Senior PM, Payments")
        application = make_application(
            session,
            loop,
            external_id="69306314",
            candidate_name="Grace Hopper",
            job_name="Senior PM, Payments",
            current_stage_id="71416",
            current_stage_name="Onsite",
        )
        ids = []
        name = "Product sense" if interview_key == "113101" else "Execution"
        for key, person, address in interviewers:
            assignment = make_assignment(
                session,
                application,
                stage_id="71416",
                stage_name="Onsite",
                interview_key=interview_key,
                interview_name=name,
                interviewer_key=key,
                interviewer_name=person,
                interviewer_email=address,
                starts_at=T0 if ends_at else None,
                ends_at=ends_at,
            )
            signals.assignment_created.send(session, assignment=assignment)
            ids.append(assignment.id)
        session.commit()
        return application.id, ids


def drain(app: Flask, *, rounds: int = 3) -> list[OutboxJob]:
    """Run due notification jobs the way the worker does: the handler inside a transaction
    per job, done on success, retried on an error, left alone when it parked itself."""
    ran: list[OutboxJob] = []
    for _ in range(rounds):
        with app.app_context():
            session = get_session()
            jobs = session.scalars(
                select(OutboxJob)
                .where(
                    OutboxJob.status == "pending",
                    OutboxJob.run_after <= outbox.now(),
                    OutboxJob.kind.in_((outbox.EMAIL_KIND, outbox.SLACK_KIND)),
                )
                .order_by(OutboxJob.id)
            ).all()
            if not jobs:
                break
            for job in jobs:
                job.attempts += 1
                try:
                    result = job_registry().handlers[job.kind](session, job)
                except sending.WaitingForTransport:
                    pass
                except TransportError as exc:
                    job.last_error = exc.message
                    if not exc.retryable or job.attempts >= job.max_attempts:
                        job.status = "dead"
                else:
                    job.status = "done"
                    job.result = result
                session.commit()
                ran.append(job)
    return ran


def sweep(app: Flask) -> list[str]:
    with app.app_context():
        return reminders.reminders_task(get_session())


def jobs(app: Flask) -> dict[str, OutboxJob]:
    """The outbox as it is now (read in a short transaction: SQLite locks while one is open)."""
    with app.app_context():
        session = get_session()
        found = {job.key: job for job in session.scalars(select(OutboxJob))}
        session.expunge_all()
        session.rollback()
    return found


def fetch(app: Flask, assignment_id: int) -> Assignment:
    with app.app_context():
        session = get_session()
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        session.expunge_all()
        session.rollback()
    return assignment


def bearer(app: Flask, role: str, job_id: str | None = None) -> dict[str, str]:
    with app.app_context():
        token = create_token(get_session(), role, job_id)
        get_session().commit()
    return {"Authorization": f"Bearer {token}"}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "hireloop.test"
    return parts.path


def link_in(message: EmailMessage) -> str:
    text = message.get_body(("plain",))
    assert text is not None
    found = re.search(r"http://hireloop\.test/i/\S+", text.get_content())
    assert found, text.get_content()
    return found.group(0)


# -- the interviewer's link -----------------------------------------------------------------------


def test_assigned_interviewer_gets_one_email_with_a_working_link(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    _application_id, (assignment_id,) = arrange(app)

    drain(app)

    assert len(collector.messages) == 1
    message = collector.messages[0]
    assert message["To"] == "ada@example.com"
    assert message["From"] == "hireloop <hireloop@hireloop.test>"
    assert message["Message-ID"] == f"<hireloop.notify.{assignment_id}.link@hireloop.test>"
    assert "Grace Hopper" in message["Subject"] and "Product sense" in message["Subject"]
    assert collector.envelopes[0] == ("hireloop@hireloop.test", ["ada@example.com"])
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for body in (text, html):
        assert "Grace Hopper" in body
        assert "Product sense" in body
        assert "User Experience Design" in body and "Voice of the Customer" in body
        assert "Tue 3 Mar 2026, 14:00 UTC" in body
    url = link_in(message)
    assert f'href="{url}"' in html

    page = app.test_client().get(path_of(url))
    assert page.status_code == 200
    assert "Product sense" in page.get_data(as_text=True)
    # The link is the interviewer's bearer token for their own scorecard.
    token = path_of(url).rsplit("/", 1)[1]
    api = app.test_client().get("/api/scorecard", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert jobs(app)[f"notify:{assignment_id}:link"].status == "done"


def test_one_message_per_assignment_and_kind_across_worker_restarts(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    _application_id, (assignment_id,) = arrange(app)
    drain(app)

    # The worker restarted (a new session and connection; the state is in the database) and
    # the same assignment is seen again: nothing new.
    restarted = app
    with restarted.app_context():
        session = get_session()
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        signals.assignment_created.send(session, assignment=assignment)
        signals.assignment_created.send(session, assignment=assignment)
        session.commit()
    drain(restarted)
    drain(app)

    assert len(collector.messages) == 1
    assert [k for k in jobs(app) if k.startswith("notify:")] == [f"notify:{assignment_id}:link"]


def test_a_send_whose_outcome_is_unknown_is_repeated_with_the_same_message_id(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    _application_id, (assignment_id,) = arrange(app)
    # The worker sends, then dies before committing: the job is still pending.
    with app.app_context():
        session = get_session()
        job = session.scalar(select(OutboxJob).where(OutboxJob.key.endswith(":link")))
        assert job is not None
        job_registry().handlers[job.kind](session, job)
        session.rollback()
    # A temporary refusal (4xx) is retried too.
    collector.fail_next.append("451 4.3.0 try again later")
    ran = drain(app)
    assert jobs(app)[f"notify:{assignment_id}:link"].status == "done"
    assert len(ran) == 2
    ids = {m["Message-ID"] for m in collector.messages}
    assert len(collector.messages) == 2 and ids == {
        f"<hireloop.notify.{assignment_id}.link@hireloop.test>"
    }


def test_no_link_after_the_interviewer_submitted_and_none_once_cancelled(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    _app_id, (first, second) = arrange(
        app, interviewers=(("101", "Ada", "ada@example.com"), ("102", "Bob", "bob@example.com"))
    )
    with app.app_context():
        session = get_session()
        a = session.get(Assignment, first)
        b = session.get(Assignment, second)
        assert a is not None and b is not None
        a.status = "submitted"  # submitted before the worker got to the link
        b.status = "cancelled"
        signals.assignment_cancelled.send(session, assignment=b)
        session.commit()
    drain(app)
    assert collector.messages == []
    assert jobs(app)[f"notify:{first}:link"].result == {"skipped": "submitted"}
    assert jobs(app)[f"notify:{second}:link"].result == {"skipped": "cancelled"}


# -- reminders ------------------------------------------------------------------------------------


def test_reminders_follow_the_schedule_and_stop_at_submission(
    make_app: Callable[..., Flask],
    smtp: tuple[Collector, int],
    clock: Callable[[datetime], None],
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    app_id, (ada, bob) = arrange(
        app, interviewers=(("101", "Ada", "ada@example.com"), ("102", "Bob", "bob@example.com"))
    )
    drain(app)
    assert len(collector.messages) == 2  # the links

    clock(T_END + timedelta(minutes=59))
    assert sweep(app) == []
    clock(T_END + timedelta(hours=1))
    assert sorted(sweep(app)) == [f"notify:{ada}:reminder-1", f"notify:{bob}:reminder-1"]
    drain(app)
    first = collector.to("ada@example.com")[-1]
    assert first["Subject"].startswith("Reminder - your scorecard for Grace Hopper")
    assert "about 1 hour ago" in first.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert app.test_client().get(path_of(link_in(first))).status_code == 200

    clock(T_END + timedelta(hours=5))
    assert sweep(app) == []  # nothing between the reminders

    # Ada submits; Bob does not.
    with app.app_context():
        session = get_session()
        assignment = session.get(Assignment, ada)
        assert assignment is not None
        assignment.status = "submitted"
        assignment.submitted_at = T_END + timedelta(hours=6)
        signals.scorecards_changed.send(session, application_id=app_id)
        session.commit()

    clock(T_END + timedelta(hours=24))
    assert sweep(app) == [f"notify:{bob}:reminder-2"]
    drain(app)
    clock(T_END + timedelta(hours=48))
    assert sweep(app) == [f"notify:{bob}:escalation"]
    drain(app)
    clock(T_END + timedelta(hours=72))
    assert sweep(app) == []
    drain(app)

    assert [m["Subject"].split(" - ")[0] for m in collector.to("ada@example.com")] == [
        "Your interview with Grace Hopper",
        "Reminder",
    ]
    assert [m["Subject"].split(" - ")[0] for m in collector.to("bob@example.com")] == [
        "Your interview with Grace Hopper",
        "Reminder",
        "Second reminder",
    ]
    (escalation,) = collector.to("rec@example.com")
    assert "Bob" in escalation["Subject"] and "48 h" in escalation["Subject"]
    body = escalation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "bob@example.com" in body
    assert "/i/" not in body  # the interviewer's token never goes to someone else
    assert f"http://hireloop.test/review/applications/{app_id}" in body


def test_a_queued_reminder_is_not_sent_after_submission(
    make_app: Callable[..., Flask],
    smtp: tuple[Collector, int],
    clock: Callable[[datetime], None],
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    _app_id, (ada,) = arrange(app)
    drain(app)
    clock(T_END + timedelta(hours=2))
    sweep(app)  # reminder-1 queued, not yet sent
    with app.app_context():
        session = get_session()
        assignment = session.get(Assignment, ada)
        assert assignment is not None
        assignment.status = "submitted"
        session.commit()  # submitted without the hook: the handler re-checks at send time
    drain(app)
    assert len(collector.messages) == 1
    assert jobs(app)[f"notify:{ada}:reminder-1"].result == {"skipped": "submitted"}


def test_reminder_schedule_is_configurable_per_loop(
    make_app: Callable[..., Flask],
    smtp: tuple[Collector, int],
    clock: Callable[[datetime], None],
) -> None:
    _collector, port = smtp
    app = make_app(**smtp_config(port))
    definition = {**LOOP, "settings": {"reminder_hours": [3], "escalate_after_hours": 6}}
    _app_id, (ada,) = arrange(app, definition=definition)
    clock(T_END + timedelta(hours=2))
    assert sweep(app) == []
    clock(T_END + timedelta(hours=3))
    assert sweep(app) == [f"notify:{ada}:reminder-1"]
    clock(T_END + timedelta(hours=6))
    assert sweep(app) == [f"notify:{ada}:escalation"]
    # A sweep that was down for days sends the latest reminder only, not every one at once.
    assert reminders.due_kinds(T_END, notify_settings(LOOP), T_END + timedelta(hours=30)) == (
        "reminder-2",
        False,
    )


# -- the hiring manager ---------------------------------------------------------------------------


def _submit(session: Session, assignment: Assignment, ratings: dict[str, str], rec: str) -> None:
    card = Scorecard(
        application_id=assignment.application_id,
        assignment_id=assignment.id,
        source="hireloop",
        interviewer_key=assignment.interviewer_key,
        interviewer_name=assignment.interviewer_name,
        interview_name=assignment.interview_name,
        recommendation=rec,
        status="submitted",
        submitted_at=T_END + timedelta(hours=2),
    )
    session.add(card)
    session.flush()
    for competency, rating in ratings.items():
        session.add(
            Rating(
                scorecard_id=card.id,
                application_id=assignment.application_id,
                competency_id=competency,
                rating=rating,
                evidence=f"Evidence for {competency}.",
            )
        )
    assignment.status = "submitted"
    assignment.submitted_at = card.submitted_at


def test_complete_verdict_emails_the_hiring_manager_once(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    app_id, (ada, bob) = arrange(
        app, interviewers=(("101", "Ada", "ada@example.com"), ("102", "Bob", "bob@example.com"))
    )
    ratings = {"user-experience-design": "on_track", "voice-of-the-customer": "outperforming"}
    with app.app_context():
        session = get_session()
        a = session.get(Assignment, ada)
        assert a is not None
        _submit(session, a, ratings, "yes")
        signals.scorecards_changed.send(
            session, application_id=app_id
        )  # one of two: provisional, no message
        session.commit()
    drain(app)
    assert collector.to("hm@example.com") == []
    with app.app_context():
        session = get_session()
        b = session.get(Assignment, bob)
        assert b is not None
        _submit(session, b, {**ratings, "voice-of-the-customer": "needs_focus"}, "no")
        signals.scorecards_changed.send(session, application_id=app_id)
        signals.scorecards_changed.send(
            session, application_id=app_id
        )  # the same verdict seen twice
        session.commit()
    drain(app)
    with app.app_context():  # seen again later (an import, a restart): no second message
        signals.scorecards_changed.send(get_session(), application_id=app_id)
        get_session().commit()
    drain(app)

    (message,) = collector.to("hm@example.com")
    assert message["Subject"].startswith("Verdict ready for Grace Hopper")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Recommendation:" in text
    assert "Splits to discuss in the debrief: Voice of the Customer" in text
    assert "Gaps nobody assessed:" in text and "Functional Specification" in text
    assert "Scorecards: 2 of 2" in text
    review = f"http://hireloop.test/review/applications/{app_id}"
    assert review in text and f'href="{review}"' in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    # The review link opens the candidate's review for a signed-in hiring manager.
    client = app.test_client()
    with app.app_context():
        token = create_token(get_session(), "hiring_manager", "3485")
        get_session().commit()
    signed_in = sign_in(client, token, path_of(review))
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == path_of(review)
    page = client.get(path_of(review))
    assert page.status_code == 200 and "Grace Hopper" in page.get_data(as_text=True)
    verdict_jobs = [k for k in jobs(app) if k.startswith(f"notify-hm:{app_id}:")]
    assert len(verdict_jobs) == 1


def test_a_verdict_that_changes_back_is_announced_again(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    app_id, (ada, bob) = arrange(
        app, interviewers=(("101", "Ada", "ada@example.com"), ("102", "Bob", "bob@example.com"))
    )
    ratings = {"user-experience-design": "on_track", "voice-of-the-customer": "on_track"}
    with app.app_context():
        session = get_session()
        for assignment_id in (ada, bob):
            assignment = session.get(Assignment, assignment_id)
            assert assignment is not None
            _submit(session, assignment, ratings, "yes")
        signals.scorecards_changed.send(session, application_id=app_id)
        session.commit()
    drain(app)
    # A change moves the verdict (needs_focus), and a second change moves it back. (Both
    # raters change: with two ratings, one alone is no veto under the monotone bar.)
    for rating in ("needs_focus", "on_track"):
        with app.app_context():
            session = get_session()
            rows = session.scalars(
                select(Rating).where(
                    Rating.application_id == app_id,
                    Rating.competency_id == "voice-of-the-customer",
                )
            ).all()
            assert len(rows) == 2
            for row in rows:
                row.rating = rating
            signals.scorecards_changed.send(session, application_id=app_id)
            session.commit()
        drain(app)
    subjects = [m["Subject"] for m in collector.to("hm@example.com")]
    assert len(subjects) == 3, subjects
    verdict_jobs = [k for k in jobs(app) if k.startswith(f"notify-hm:{app_id}:")]
    assert len(verdict_jobs) == 3


# -- no transport ---------------------------------------------------------------------------------


def test_without_a_transport_messages_wait_and_the_recruiter_sees_them(
    make_app: Callable[..., Flask],
    smtp: tuple[Collector, int],
    clock: Callable[[datetime], None],
) -> None:
    collector, port = smtp
    app = make_app()
    _app_id, (ada,) = arrange(app)
    for _ in range(12):  # far more runs than attempts allowed: still waiting, never dead
        clock(outbox.now() + timedelta(days=30))
        drain(app)
    job = jobs(app)[f"notify:{ada}:link"]
    assert job.status == "pending" and job.run_after >= outbox.PARKED

    client = app.test_client()
    with app.app_context():
        token = create_token(get_session(), "recruiter")
        get_session().commit()
    sign_in(client, token)
    page = client.get("/recruiter/messages")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="no-transport"' in html
    assert "Link to the interviewer" in html and "waiting" in html and "ada@example.com" in html
    assert "Waiting (1)" in html

    # SMTP is configured and the worker restarted: the sweep releases what waited.
    configured = app
    configured.config.update(smtp_config(port))
    sweep(configured)
    drain(configured)
    assert len(collector.messages) == 1 and collector.messages[0]["To"] == "ada@example.com"
    assert jobs(app)[f"notify:{ada}:link"].status == "done"


def test_an_interviewer_without_an_address_is_listed_for_the_recruiter(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:
    collector, port = smtp
    app = make_app(**smtp_config(port))
    _app_id, (ada,) = arrange(app, interviewers=(("101", "Ada Lovelace", None),))
    drain(app)
    assert collector.messages == []
    assert jobs(app)[f"notify:{ada}:link"].result == {"skipped": "no_address"}

    client = app.test_client()
    with app.app_context():
        token = create_token(get_session(), "recruiter", "3485")
        get_session().commit()
    sign_in(client, token)
    html = client.get("/recruiter/messages").get_data(as_text=True)
    assert 'id="missing-addresses"' in html and "Ada Lovelace" in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert csrf
    saved = client.post(
        f"/recruiter/messages/assignments/{ada}/email",
        data={"email": "ada@example.com", "csrf_token": csrf.group(1)},
    )
    assert saved.status_code == 302
    drain(app)
    assert [m["To"] for m in collector.messages] == ["ada@example.com"]
    assert 'id="no-missing"' in client.get("/recruiter/messages").get_data(as_text=True)


def test_addresses_come_from_the_ats_and_are_cached(
    make_app: Callable[..., Flask],
    smtp: tuple[Collector, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collector, port = smtp
    calls: list[str] = []

    class FakeAts:
        name = "greenhouse"

        def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
            calls.append(f"scheduled:{application_id}")
            return [
                AtsScheduledInterview(
                    id="5001",
                    interview_id="113101",
                    interview_name="Product sense",
                    starts_at=T0,
                    ends_at=T_END,
                    interviewers=(AtsUser("101", "Ada Lovelace", "ada@example.com"),),
                )
            ]

        def user(self, user_id: str) -> AtsUser | None:
            calls.append(f"user:{user_id}")
            return AtsUser(user_id, "Bob", "bob@example.com" if user_id == "102" else None)

    monkeypatch.setattr(addresses, "client_factory", lambda config, ats: FakeAts())
    app = make_app(**smtp_config(port))
    _app_id, (ada, _bob) = arrange(
        app, interviewers=(("101", "Ada Lovelace", None), ("102", "Bob", None)), ends_at=None
    )
    drain(app)
    assert sorted(m["To"] for m in collector.messages) == ["ada@example.com", "bob@example.com"]
    cached = fetch(app, ada)
    assert cached.interviewer_email == "ada@example.com"
    # The scheduled interview also gave the time, which the reminders need.
    assert cached.ends_at == T_END and cached.scheduled_interview_id == "5001"
    assert "user:101" not in calls and "user:102" in calls
    assert "Tue 3 Mar 2026" in collector.to("ada@example.com")[0]["Subject"]


# -- transports -----------------------------------------------------------------------------------


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_smtp_starttls_and_login(tls_files: tuple[Path, Path]) -> None:
    import ssl

    cert, key = tls_files
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    collector = Collector()

    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        collector.logins.append((data.login, data.password))
        ok = data.login == b"mailer" and data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)

    controller = LoopbackController(
        collector,
        hostname="127.0.0.1",
        port=0,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    controller.start()
    try:

        def transport(password: str) -> SmtpTransport:
            made = smtp_from_config(
                {
                    "SMTP_HOST": "127.0.0.1",
                    "SMTP_PORT": controller.port,
                    "SMTP_FROM": "hireloop@hireloop.test",
                    "SMTP_USERNAME": "mailer",
                    "SMTP_PASSWORD": password,
                    "SMTP_STARTTLS": "true",
                    "SMTP_CA_FILE": str(cert),
                    "HTTP_TIMEOUT_SECONDS": 3,
                }
            )
            assert made is not None
            return made

        mail = OutgoingEmail(
            to=("ada@example.com",),
            subject="Hello",
            text="plain",
            html="<p>html</p>",
            message_id="<x@hireloop.test>",
        )
        result = transport("s3cret").send(mail)
        assert result["message_id"] == "<x@hireloop.test>"
        assert collector.logins == [(b"mailer", b"s3cret")]
        assert collector.messages[0]["Message-ID"] == "<x@hireloop.test>"
        with pytest.raises(TransportError, match="login refused"):
            transport("wrong").send(mail)
        assert len(collector.messages) == 1
    finally:
        controller.stop()


def test_smtp_down_is_a_retryable_error() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = SmtpTransport(
        "127.0.0.1", port, from_address="h@hireloop.test", starttls=False, timeout=2
    )
    with pytest.raises(TransportError) as caught:
        transport.send(OutgoingEmail(("a@example.com",), "s", "t", "<p>h</p>", "<m@h>"))
    assert caught.value.retryable and not caught.value.uncertain


class SlackRecorder(BaseHTTPRequestHandler):
    posts: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        SlackRecorder.posts.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def slack() -> Iterator[str]:
    SlackRecorder.posts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlackRecorder)
    # A short poll: shutdown() waits for the loop to look again (0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/services/T000/B000/XXXX"
    finally:
        server.shutdown()
        server.server_close()


def test_slack_gets_escalations_and_verdicts_but_never_interviewer_links(
    make_app: Callable[..., Flask],
    smtp: tuple[Collector, int],
    slack: str,
    clock: Callable[[datetime], None],
) -> None:
    _collector, port = smtp
    app = make_app(**smtp_config(port), SLACK_WEBHOOK_URL=slack)
    definition = {**LOOP, "notify": {}}  # no addresses: Slack is the only channel
    app_id, (ada,) = arrange(app, definition=definition)
    drain(app)
    assert SlackRecorder.posts == []  # the link is email only
    clock(T_END + timedelta(hours=48))
    sweep(app)
    drain(app)
    (post,) = SlackRecorder.posts
    assert "Late scorecard: Ada Lovelace" in post["text"]
    assert f"http://hireloop.test/review/applications/{app_id}" in post["text"]
    assert "/i/" not in post["text"]
    assert jobs(app)[f"notify:{ada}:escalation"].result == {
        "skipped": "no recruiter address in the loop"
    }
    with app.app_context():
        session = get_session()
        assignment = session.get(Assignment, ada)
        assert assignment is not None
        _submit(session, assignment, {"user-experience-design": "on_track"}, "yes")
        signals.scorecards_changed.send(session, application_id=app_id)
        session.commit()
    drain(app)
    assert len(SlackRecorder.posts) == 2
    assert "Verdict ready for Grace Hopper" in SlackRecorder.posts[1]["text"]


# -- submission rates -----------------------------------------------------------------------------


def test_submission_rate_figures() -> None:
    now = T_END + timedelta(days=10)
    s = submission_rates.Sample
    samples = [
        s("1", "Ada", 1, T_END, T_END + timedelta(hours=2)),
        s("1", "Ada", 1, T_END, T_END + timedelta(hours=23)),
        s("1", "Ada", 1, T_END, T_END + timedelta(hours=30)),
        s("1", "Ada", 1, T_END, None),  # open, late
        s("1", "Ada", 1, now - timedelta(hours=2), None),  # open, can still make it
    ]
    figures = submission_rates.figures(samples, now)
    assert figures.to_dict() == {
        "interviews": 5,
        "counted": 4,
        "submitted": 3,
        "submitted_within_24h": 2,
        "open_overdue": 1,
        "share_within_24h": 0.5,
        "median_hours_to_submit": 23.0,
        "meets_benchmark": False,
    }


def test_submission_rates_api_and_calibration_page(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    now = datetime.now(UTC)
    with app.app_context():
        session = get_session()
        loop = Loop(
            name="Senior PM",
            framework_id="pm",
            level="senior-pm",
            ats="greenhouse",
            job_id="3485",
            definition=LOOP,
        )
        session.add(loop)
        session.flush()
        application = Application(ats="greenhouse", external_id="1", job_id="3485", loop_id=loop.id)
        session.add(application)
        session.flush()
        for index, (who, delay) in enumerate(
            [("101", 1), ("101", 3), ("101", 10), ("102", 30), ("102", None)]
        ):
            ended = now - timedelta(days=3)
            session.add(
                Assignment(
                    application_id=application.id,
                    interview_key=f"i{index}",
                    interview_name=f"Interview {index}",
                    interviewer_key=who,
                    interviewer_name={"101": "Ada", "102": "Bob"}[who],
                    status="submitted" if delay is not None else "pending",
                    ends_at=ended,
                    submitted_at=ended + timedelta(hours=delay) if delay is not None else None,
                )
            )
        session.commit()
    client = app.test_client()
    response = client.get("/api/calibration/submission-rates", headers=bearer(app, "recruiter"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["benchmark"] == 0.9
    by_name = {row["name"]: row for row in body["interviewers"]}
    assert by_name["Ada"]["share_within_24h"] == 1.0 and by_name["Ada"]["meets_benchmark"]
    assert by_name["Ada"]["median_hours_to_submit"] == 3.0
    assert by_name["Bob"]["share_within_24h"] == 0.0 and by_name["Bob"]["open_overdue"] == 1
    assert body["interviewers"][0]["name"] == "Bob"  # worst first
    (loop_row,) = body["loops"]
    assert loop_row["name"] == "Senior PM" and loop_row["share_within_24h"] == 0.6
    assert body["overall"]["median_hours_to_submit"] == 6.5

    other = client.get("/api/calibration/submission-rates", headers=bearer(app, "recruiter", "999"))
    assert other.get_json()["interviewers"] == []
    forbidden = client.get(
        "/api/calibration/submission-rates?job_id=3485", headers=bearer(app, "recruiter", "999")
    )
    assert forbidden.status_code == 404
    assert forbidden.get_json()["error"]["fields"] == {"job_id": "unknown"}
    assert client.get("/api/calibration/submission-rates").status_code == 401
    assert (
        client.get(
            "/api/calibration/submission-rates", headers=bearer(app, "hiring_manager")
        ).status_code
        == 403
    )

    token = bearer(app, "admin")["Authorization"].split()[1]
    sign_in(client, token)
    page = client.get("/admin/calibration")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="submission-rates"' in html and "below 90%" in html


# -- with the real worker -------------------------------------------------------------------------


def test_the_worker_sends_each_message_once_across_restarts(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:

    collector, port = smtp
    app = make_app(**smtp_config(port))
    _app_id, (ada, bob) = arrange(
        app, interviewers=(("101", "Ada", "ada@example.com"), ("102", "Bob", "bob@example.com"))
    )
    Worker(app, worker_id="w1").run(once=True)
    assert sorted(m["To"] for m in collector.messages) == ["ada@example.com", "bob@example.com"]

    restarted = app  # a new Worker: new id, new sessions, the state in the database
    with restarted.app_context():
        session = get_session()
        for assignment_id in (ada, bob):
            assignment = session.get(Assignment, assignment_id)
            assert assignment is not None
            signals.assignment_created.send(session, assignment=assignment)
        session.commit()
    Worker(restarted, worker_id="w2").run(once=True)
    assert len(collector.messages) == 2
    found = jobs(app)
    assert found[f"notify:{ada}:link"].status == "done"
    assert found[f"notify:{ada}:link"].result["message_id"] == (  # type: ignore[index]
        f"<hireloop.notify.{ada}.link@hireloop.test>"
    )


def test_the_worker_leaves_messages_waiting_without_a_transport(
    make_app: Callable[..., Flask], smtp: tuple[Collector, int]
) -> None:

    collector, port = smtp
    app = make_app()
    _app_id, (ada,) = arrange(app)
    for _ in range(3):
        Worker(app).run(once=True)
    job = jobs(app)[f"notify:{ada}:link"]
    assert (job.status, job.attempts) == ("pending", 0)

    # A transport appears and a parked job that the worker did claim is parked again, not
    # counted as an attempt (a transport removed after the job was queued).
    with app.app_context():
        session = get_session()
        row = session.get(OutboxJob, job.id)
        assert row is not None
        row.run_after = outbox.now()
        session.commit()
    Worker(app).run(once=True)
    job = jobs(app)[f"notify:{ada}:link"]
    assert (job.status, job.attempts, job.run_after) == ("pending", 0, outbox.PARKED)

    app.config.update(smtp_config(port))
    Worker(app).run(once=True)  # the sweep releases it
    assert [m["To"] for m in collector.messages] == ["ada@example.com"]
    assert jobs(app)[f"notify:{ada}:link"].status == "done"
