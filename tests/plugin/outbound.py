"""Arrangements shared by the write-back, import and fault tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.core.db import get_session
from plugin.jobs.models import OutboxJob
from plugin.scorecards.models import Scorecard
from plugin.verdicts import writeback
from plugin.verdicts.service import complete_verdict
from tests.factories import make_application, make_assignment, make_loop, submit_scorecard

GH_CONFIG: dict[str, Any] = {
    "GREENHOUSE_API_URL": "https://harvest.test",
    "GREENHOUSE_API_VERSION": "v1",
    "GREENHOUSE_API_KEY": "test-key",
    "GREENHOUSE_ON_BEHALF_OF": "4080",
    "GREENHOUSE_WEBHOOK_SECRET": "whsec",
}

LOOP_DEFINITION: dict[str, Any] = {
    "name": "PM loop",
    "framework": "pm",
    "level": "pm",
    "ats": "greenhouse",
    "job_id": "98765",
    "must_have": ["fluency-with-data"],
    "stages": [
        {
            "name": "Face to Face",
            "ats_stage_id": "72200",
            "interviews": [
                {
                    "name": "Application Review",
                    "ats_interview_id": "432",
                    "format": "analytics-case",
                    "competencies": ["fluency-with-data"],
                },
                {
                    "name": "Executive Interview",
                    "ats_interview_id": "6002",
                    "format": "past-experience",
                    "competencies": ["fluency-with-data"],
                },
            ],
        }
    ],
}


def arrange(
    db: Session,
    *,
    external_id: str = "3456",
    candidate_id: str = "1234",
    interviewers: tuple[tuple[str, str, str], ...] = (
        ("821", "432", "Application Review"),
        ("4080", "6002", "Executive Interview"),
    ),
) -> Application:
    loop = make_loop(db, LOOP_DEFINITION, reuse=True)
    application = make_application(
        db,
        loop,
        external_id=external_id,
        candidate_external_id=candidate_id,
        candidate_name="Ada",
        current_stage_id="72200",
    )
    for interviewer, interview_key, name in interviewers:
        make_assignment(
            db,
            application,
            interviewer_key=interviewer,
            interview_key=interview_key,
            interview_name=name,
            stage_id="72200",
        )
    db.commit()
    return application


def submit(db: Session, application: Application, interviewer: str, **ratings: str) -> Scorecard:
    """``interviewer``'s scorecard, submitted: ``fluency_with_data="on_track"``."""
    assignment = (
        db.query(Assignment)
        .filter_by(application_id=application.id, interviewer_key=interviewer)
        .one()
    )
    card = submit_scorecard(
        db,
        assignment,
        {name.replace("_", "-"): (point, "evidence") for name, point in ratings.items()},
    )
    db.commit()
    return card


def verdict_changed(app: Flask, application_id: int) -> OutboxJob | None:
    """The ``scorecards_changed`` hook in its own committed transaction; the queued job."""
    with app.app_context():
        session = get_session()
        verdict = complete_verdict(session, application_id)
        job = writeback.verdict_completed(session, application_id, verdict) if verdict else None
        session.commit()
        return job


def verdict_jobs(db: Session) -> list[OutboxJob]:
    """Every verdict-note job, freshly read; ends the read transaction."""
    rows = list(
        db.scalars(
            select(OutboxJob)
            .where(OutboxJob.kind == "verdict-note")
            .order_by(OutboxJob.id)
            .execution_options(populate_existing=True)
        )
    )
    db.commit()
    return rows
