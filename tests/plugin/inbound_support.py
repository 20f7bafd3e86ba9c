"""Fixtures shared by the inbound tests: an app with webhook secrets, loops, hook spies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.models import Application, Assignment, Loop, WebhookDelivery
from plugin.services import hooks
from tests.webhooks.helpers import INBOUND_CONFIG


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """Overrides conftest's ``app`` (so ``db`` shares it): one app per test, with secrets."""
    return make_app(**INBOUND_CONFIG)


@pytest.fixture
def inbound_app(app: Flask) -> Flask:
    return app


@pytest.fixture
def hook_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    calls: list[tuple[str, Any]] = []
    for name in ("assignment_created", "assignment_cancelled", "application_stage_changed"):
        original = getattr(hooks, name)

        def spy(session: Session, obj: Any, _name: str = name, _orig: Any = original) -> None:
            key = (obj.id, obj.interviewer_key) if _name.startswith("assignment") else obj.id
            calls.append((_name, key))
            _orig(session, obj)

        monkeypatch.setattr(hooks, name, spy)
    return calls


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
    loop = Loop(
        name=definition["name"],
        framework_id="pm",
        level="senior-pm",
        ats=ats,
        job_id=job_id,
        definition=definition,
    )
    db.add(loop)
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
    from plugin.services import inbox
    from plugin.services.reread import completer

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
