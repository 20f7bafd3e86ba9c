"""Fixtures shared by the inbound tests: an app with webhook secrets, loops, hook spies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.core import signals
from plugin.inbound import inbox
from plugin.inbound.models import WebhookDelivery
from plugin.inbound.reread import completer
from plugin.loops.models import Loop
from tests.factories import make_loop
from tests.webhooks.helpers import INBOUND_CONFIG


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """Overrides conftest's ``app`` (so ``db`` shares it): one app per test, with secrets."""
    return make_app(**INBOUND_CONFIG)


@pytest.fixture
def inbound_app(app: Flask) -> Flask:
    return app


@pytest.fixture
def hook_calls() -> Iterator[list[tuple[str, Any]]]:
    """What the inbound handling announced: assignments created and cancelled (with their
    interviewer) and stage changes, in order."""
    calls: list[tuple[str, Any]] = []

    def on_assignment(name: str) -> Any:
        def spy(_session: Session, *, assignment: Any) -> None:
            calls.append((name, (assignment.id, assignment.interviewer_key)))

        return spy

    def on_stage_changed(_session: Session, *, application: Any) -> None:
        calls.append(("application_stage_changed", application.id))

    created = on_assignment("assignment_created")
    cancelled = on_assignment("assignment_cancelled")
    with (
        signals.assignment_created.connected_to(created),
        signals.assignment_cancelled.connected_to(cancelled),
        signals.application_stage_changed.connected_to(on_stage_changed),
    ):
        yield calls


def add_loop(
    db: Session,
    *,
    ats: str = "greenhouse",
    job_id: str = "3485",
    stages: list[dict[str, Any]] | None = None,
) -> Loop:
    definition = {
        "name": f"Loop {ats} {job_id}",
        "framework": "pm",
        "level": "senior-pm",
        "ats": ats,
        "job_id": job_id,
        "must_have": ["functional-specification"],
        "stages": stages
        or [
            {
                "name": "Assessment",
                "ats_stage_id": "71416",
                "interviews": [
                    {
                        "name": "Assessment",
                        "ats_interview_id": "113101",
                        "format": "product-sense",
                        "competencies": ["user-experience-design", "voice-of-the-customer"],
                    },
                    {
                        "name": "Spec writing",
                        "format": "spec-writing",
                        "competencies": ["functional-specification"],
                    },
                ],
            }
        ],
    }
    loop = make_loop(db, definition)
    db.commit()
    return loop


def _done(db: Session, result: Any) -> Any:
    """Detach what was read and end the read transaction: on SQLite every transaction takes
    the write lock (BEGIN IMMEDIATE), so a test must not sit on one while requests run."""
    db.expunge_all()
    db.rollback()
    return result


def count(db: Session, model: Any) -> int:
    db.expire_all()
    return int(_done(db, db.scalar(select(func.count()).select_from(model))) or 0)


def deliveries(db: Session) -> list[WebhookDelivery]:
    db.expire_all()
    return _done(db, list(db.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))))


def handle_as_the_worker(app: Flask) -> dict[str, int]:
    """What ``hireloop worker`` does with the inbox: thin events re-read from the ATS."""
    return dict(inbox.process_pending_deliveries(app, complete=completer(app.config)))


#: An Ashby job's onsite stage with two interviews, named by Ashby's interview ids.
ASHBY_INTERVIEWS = [
    {
        "name": "Analytics case",
        "ats_interview_id": "iv-analytics",
        "format": "analytics-case",
        "competencies": ["fluency-with-data"],
    },
    {
        "name": "Spec writing",
        "ats_interview_id": "iv-spec",
        "format": "spec-writing",
        "competencies": ["functional-specification"],
    },
]


def ashby_onsite_loop(db: Session) -> Loop:
    return add_loop(
        db,
        ats="ashby",
        job_id="job-ashby-1",
        stages=[{"name": "Onsite", "ats_stage_id": "stage-onsite", "interviews": ASHBY_INTERVIEWS}],
    )


def application(db: Session, ats: str, external_id: str) -> Application | None:
    db.expire_all()
    return _done(
        db,
        db.scalar(
            select(Application).where(
                Application.ats == ats, Application.external_id == external_id
            )
        ),
    )


def assignments(db: Session, application_id: int) -> list[Assignment]:
    db.expire_all()
    return _done(
        db,
        list(
            db.scalars(
                select(Assignment)
                .where(Assignment.application_id == application_id)
                .order_by(Assignment.id)
            )
        ),
    )
