"""Greenhouse's ``scorecard_deleted``: the imported scorecard is voided (kept, no longer
counted), the assignment it completed waits again, and the verdict is recomputed."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.core import signals
from plugin.core.db import get_session
from plugin.scorecards.models import Scorecard
from plugin.verdicts.service import compute_verdict
from tests.plugin.outbound import arrange, verdict_jobs
from tests.plugin.scorecards.test_imports import PM_NAMES, renamed, run_import
from tests.webhooks.helpers import INBOUND_CONFIG, greenhouse_headers, payload_bytes
from webhooks.events import EventKind
from webhooks.normalise import normalise, parse_body

DELETED = payload_bytes("greenhouse/scorecard_deleted.json")


def test_the_verbatim_payload_names_the_scorecard() -> None:
    event = normalise("greenhouse", parse_body(DELETED))
    assert event.kind is EventKind.SCORECARD_DELETED
    assert (event.scorecard_id, event.candidate_id) == ("6036088", "29843272")


def deliver(app: Flask) -> Any:
    return app.test_client().post(
        "/webhooks/greenhouse", data=DELETED, headers=greenhouse_headers(DELETED)
    )


def fluency_count(app: Flask, application_id: int) -> tuple[int, bool]:
    with app.app_context():
        verdict = compute_verdict(get_session(), application_id)
    return verdict.competency("fluency-with-data").count, verdict.complete


def test_a_deleted_extra_scorecard_is_voided_and_the_verdict_recomputed(
    make_app: Any, db: Session
) -> None:
    app = make_app(**INBOUND_CONFIG)
    application = arrange(db)
    # A guest's scorecard (no assignment of theirs) is the only one to rate strategic impact.
    extra = renamed(
        {**PM_NAMES, "Analytical": "strategic-impact"},
        id=6036088,
        interviewer={"id": 999, "name": "Guest"},
        interview_step={},
    )
    run_import(app, application.id, [renamed(PM_NAMES), renamed(PM_NAMES, id=124,
        interviewer={"id": 4080, "name": "Kate"}, interview_step={"id": 6002}), extra])  # fmt: skip
    assert fluency_count(app, application.id) == (3, True)
    notes_before = len(verdict_jobs(db))
    changed: list[int] = []

    def spy(_session: Session, *, application_id: int) -> None:
        changed.append(application_id)

    signals.scorecards_changed.connect(spy)
    try:
        assert deliver(app).get_json()["status"] == "done"
    finally:
        signals.scorecards_changed.disconnect(spy)
    assert changed == [application.id]
    card = db.scalar(select(Scorecard).where(Scorecard.ats_scorecard_id == "6036088"))
    assert card is not None and card.status == "voided" and card.amended_at is not None
    db.commit()  # release SQLite's write lock before the app reads
    assert fluency_count(app, application.id) == (2, True)  # still complete, one rating less
    # The complete verdict changed: its note is queued, as for any change.
    assert len(verdict_jobs(db)) == notes_before + 1
    assert deliver(app).get_json()["status"] == "duplicate"


def test_a_deleted_scorecard_that_completed_an_assignment_reopens_it(
    make_app: Any, db: Session
) -> None:
    app = make_app(**INBOUND_CONFIG)
    application = arrange(db)
    run_import(app, application.id, [renamed(PM_NAMES, id=6036088), renamed(PM_NAMES, id=124,
        interviewer={"id": 4080, "name": "Kate"}, interview_step={"id": 6002})])  # fmt: skip
    assert fluency_count(app, application.id)[1] is True
    assert deliver(app).status_code == 200
    assert fluency_count(app, application.id) == (1, False)  # provisional again
    db.expire_all()
    mine = db.scalar(select(Assignment).where(Assignment.interviewer_key == "821"))
    assert mine is not None and mine.status == "pending" and mine.submitted_at is None
    card = db.scalar(select(Scorecard).where(Scorecard.ats_scorecard_id == "6036088"))
    assert card is not None and card.assignment_id is None
    db.commit()


def test_a_scorecard_hireloop_never_imported_changes_nothing(make_app: Any, db: Session) -> None:
    app = make_app(**INBOUND_CONFIG)
    arrange(db)
    assert deliver(app).get_json()["status"] == "done"
    assert db.scalars(select(Scorecard)).all() == []
