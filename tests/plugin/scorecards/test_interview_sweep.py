"""The interview sweep as the worker runs it: one refresh job per eligible application and
pass, for every configured ATS, and the job applying what the ATS answers."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.ats.base import AtsScheduledInterview, AtsUser
from plugin.jobs.models import OutboxJob
from plugin.jobs.registry import job_registry
from plugin.scorecards import ats_reads, interview_sweep
from tests.plugin.inbound.support import add_loop, application, assignments
from tests.plugin.inbound.test_inbound import gh_variant, post_gh
from tests.webhooks.helpers import INBOUND_CONFIG

CONFIG = {
    **INBOUND_CONFIG,
    "GREENHOUSE_CLIENT_ID": "cid",
    "GREENHOUSE_CLIENT_SECRET": "secret",
    "GREENHOUSE_USER_ID": "4080",
    "INTERVIEW_SWEEP_SECONDS": 1,
}


@pytest.fixture
def app(make_app: Any) -> Flask:
    return make_app(**CONFIG)


class FakeGreenhouse:
    def __init__(self) -> None:
        self.asked: list[str] = []
        self.panel: tuple[str, ...] = ()

    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
        self.asked.append(application_id)
        people = tuple(AtsUser(p, f"User {p}", f"{p}@example.com") for p in self.panel)
        return [AtsScheduledInterview("7000", "113101", "Assessment", None, None, people)]


def test_the_sweep_is_registered_with_its_setting(app: Flask) -> None:
    registry = job_registry(app)
    assert registry.handlers[interview_sweep.KIND] is interview_sweep.refresh_interviews
    assert registry.sweeps[interview_sweep.SWEEP].every_seconds == 300.0


def test_one_job_per_application_and_pass_then_the_panel_applied(
    app: Flask, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_loop(db)
    post_gh(app, gh_variant(interviewers=[]))
    found = application(db, "greenhouse", "265277")
    assert found is not None
    with app.app_context():
        assert interview_sweep.sweep(db) == 1
        assert interview_sweep.sweep(db) == 1  # the same pass: the same job
        db.commit()
        jobs = db.scalars(select(OutboxJob).where(OutboxJob.kind == interview_sweep.KIND)).all()
        assert len(jobs) == 1 and jobs[0].payload == {"application_id": found.id}
        fake = FakeGreenhouse()
        monkeypatch.setattr(ats_reads, "client_for", lambda config, ats: fake)
        assert interview_sweep.refresh_interviews(db, jobs[0])["assigned"] == 0
        fake.panel = ("2622",)  # scheduled since
        result = interview_sweep.refresh_interviews(db, jobs[0])
        db.commit()
    assert fake.asked == ["265277", "265277"]
    assert result == {"scheduled": 1, "assigned": 1, "recorded": 1}
    first = assignments(db, found.id)[0]
    assert (first.interviewer_key, first.scheduled_interview_id) == ("2622", "7000")


def test_without_api_credentials_nothing_is_queued(make_app: Any, db: Session) -> None:
    app = make_app(**INBOUND_CONFIG)
    with app.app_context():
        assert interview_sweep.sweep(db) == 0
