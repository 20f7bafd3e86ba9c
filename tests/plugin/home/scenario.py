"""A deployment with something on every list: two jobs, a complete verdict, a provisional one
with a late interviewer, a hired candidate, a loop with lint warnings, a message that failed,
a webhook waiting and a verdict note written back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from plugin.applications.models import Application, ApplicationStatus, Assignment
from plugin.core.links import make_link_token
from plugin.core.models import utcnow
from plugin.inbound.models import DeliveryStatus, WebhookDelivery
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.loops.models import Loop
from plugin.notify.outbox import EMAIL_KIND, assignment_key
from plugin.verdicts.writeback import KIND as WRITEBACK_KIND
from tests import signin
from tests.plugin.verdicts.data import DATA, SPEC, make_application, make_loop

STRONG = [
    (
        "201",
        "Grace Hopper",
        "Spec",
        {SPEC: ("outperforming", "Phased spec."), DATA: ("on_track", "Denominator.")},
    ),
    (
        "202",
        "Alan Turing",
        "Data",
        {DATA: ("outperforming", "Sized it."), SPEC: ("on_track", "Scoped it.")},
    ),
]
PAYMENTS, GROWTH = "3485", "7777"


def sign_in(client: FlaskClient, token: str) -> None:
    """Sign the test client in (the one place that knows how a token becomes a session)."""
    signin.sign_in(client, token)


def sign_in_page(page: Any, url: str, token: str, path: str = "/") -> None:
    """Sign a browser page in at the live server ``url`` and open ``path``."""
    signin.browser_sign_in(page, url, token, path)


@dataclass
class Home:
    loop: Loop
    other_loop: Loop
    complete: Application
    provisional: Application
    hired: Application
    other: Application
    late: Assignment
    late_other: Assignment
    dead_job: OutboxJob

    @property
    def link_token(self) -> str:
        """The late interviewer's own link (for the interviewer's page)."""
        return make_link_token(self.late.id, self.late.link_version)


def _late(db: Session, application: Application, hours: float) -> Assignment:
    """The application's pending assignment, its interview ended ``hours`` ago."""
    pending = next(a for a in _assignments(db, application) if a.status == "pending")
    pending.ends_at = utcnow() - timedelta(hours=hours)
    pending.starts_at = pending.ends_at - timedelta(hours=1)
    pending.interviewer_email = "pending@example.com"
    return pending


def _assignments(db: Session, application: Application) -> list[Assignment]:
    db.flush()
    return list(
        db.query(Assignment)
        .filter(Assignment.application_id == application.id)
        .order_by(Assignment.id)
    )


def arrange_home(db: Session) -> Home:
    loop = make_loop(db, PAYMENTS)
    other_loop = make_loop(db, GROWTH, name="Staff PM, Growth")
    complete = make_application(db, loop, "1", "Amy Complete", STRONG)
    provisional = make_application(db, loop, "2", "Ada Lovelace", pending=1)
    hired = make_application(db, loop, "3", "Hal Hired", STRONG)
    hired.status = ApplicationStatus.HIRED
    other = make_application(db, other_loop, "4", "Zed Other", pending=1)
    other.job_name = "Staff PM, Growth"
    late = _late(db, provisional, hours=5)
    late_other = _late(db, other, hours=30)
    dead_job = OutboxJob(
        kind=EMAIL_KIND,
        key=assignment_key(late.id, "link"),
        payload={"assignment_id": late.id, "kind": "link"},
        status=JobStatus.DEAD,
        attempts=8,
        last_error="SMTP 550 mailbox unavailable",
    )
    db.add(dead_job)
    db.add(
        OutboxJob(
            kind=WRITEBACK_KIND,
            key=f"{WRITEBACK_KIND}:{complete.id}:abc",
            payload={"application_id": complete.id},
            status=JobStatus.DONE,
        )
    )
    db.add(
        WebhookDelivery(
            provider="greenhouse",
            event_type="candidate_stage_change",
            dedupe_key="waiting-1",
            body=b"{}",
            headers={},
            status=DeliveryStatus.PENDING,
            received_at=utcnow() - timedelta(minutes=10),
        )
    )
    db.commit()
    return Home(loop, other_loop, complete, provisional, hired, other, late, late_other, dead_job)
