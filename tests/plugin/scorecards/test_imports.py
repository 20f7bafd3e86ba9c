from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import responses
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.ats.greenhouse import scorecard_from_v1
from plugin.core import signals
from plugin.core.db import get_session
from plugin.jobs.models import OutboxJob
from plugin.jobs.worker import Worker, WorkerSettings
from plugin.scorecards.imports import framework_for, import_scorecards, sweep
from plugin.scorecards.models import Scorecard
from plugin.verdicts.service import compute_verdict
from tests.plugin.ats.conftest import payload
from tests.plugin.outbound import GH_CONFIG, arrange, submit

VERBATIM = payload("greenhouse/harvest_v1_scorecard_object.json")
FAST = WorkerSettings(lease_seconds=5, poll_seconds=0.01, backoff_seconds=0.01)


def renamed(names: dict[str, str], **changes: Any) -> dict[str, Any]:
    """The verbatim object with its attribute names replaced by the loop's competencies."""
    card = copy.deepcopy(VERBATIM)
    for attribute in card["attributes"]:
        attribute["name"] = names.get(attribute["name"], attribute["name"])
    card.update(changes)
    return card


PM_NAMES = {
    "Communication": "Fluency with Data",
    "Adaptable": "Feature Specification",  # an alias of functional-specification
    "Relationship Manager": "stakeholder-inclusion",  # by id
}


def run_import(app: Flask, application_id: int, cards: list[dict[str, Any]]) -> dict[str, Any]:
    with app.app_context():
        session = get_session()
        application = session.get(Application, application_id)
        assert application is not None
        result = import_scorecards(
            session,
            application,
            [scorecard_from_v1(c) for c in cards],
            framework_for(session, application),
        )
        session.commit()
        return result.to_dict()


def test_the_verbatim_scorecard_reports_every_unmapped_attribute(app: Flask, db: Session) -> None:
    application = arrange(db)
    result = run_import(app, application.id, [VERBATIM])
    assert result["created"] == ["123"]
    assert sorted(u["attribute"] for u in result["unmapped"]) == sorted(
        a["name"] for a in VERBATIM["attributes"]
    )
    card = db.scalar(select(Scorecard).where(Scorecard.ats_scorecard_id == "123"))
    assert card is not None and card.source == "greenhouse" and card.ratings == []
    assert card.recommendation == "yes" and card.interviewer_key == "821"


def test_harvest_v1_scorecards_become_ratings_in_the_verdict(app: Flask, db: Session) -> None:
    application = arrange(db)
    first = renamed(PM_NAMES)
    second = renamed(
        {"Communication": "Fluency with Data"},
        id=124,
        interviewer={"id": 4080, "name": "Kate Austen"},
        interview_step={"id": 6002, "name": "Executive Interview"},
    )
    result = run_import(app, application.id, [first, second])
    assert result["created"] == ["123", "124"]
    assert {u["attribute"] for u in result["unmapped"]} == {
        "Project Management",
        "Problem Solver",
        "Analytical",
        "Adaptable",
        "Relationship Manager",
    }  # the second card's unrenamed ones
    card = db.scalar(select(Scorecard).where(Scorecard.ats_scorecard_id == "123"))
    assert card is not None
    assert {r.competency_id: r.rating for r in card.ratings} == {
        "fluency-with-data": "on_track",  # yes
        "functional-specification": "on_track",  # yes
        "stakeholder-inclusion": "needs_focus",  # mixed
    }
    assert card.ratings[0].evidence == "What a great communicator!"
    # The imported scorecards fill the assignments: the verdict is complete.
    assignments = db.scalars(
        select(Assignment).where(Assignment.application_id == application.id)
    ).all()
    assert {a.status for a in assignments} == {"submitted"}
    db.commit()  # release SQLite's write lock before the app reads
    with app.app_context():
        verdict = compute_verdict(get_session(), application.id)
    assert verdict.complete
    fluency = verdict.competency("fluency-with-data")
    assert fluency.count == 2 and fluency.verdict == "on_track"
    assert {r.source for r in fluency.ratings} == {"greenhouse"}
    # ... and the write-back was queued by the import, in the same transaction.
    job = db.scalar(select(OutboxJob).where(OutboxJob.kind == "verdict-note"))
    assert job is not None


def test_imports_are_idempotent_and_follow_changes(app: Flask, db: Session) -> None:
    application = arrange(db)
    card = renamed(PM_NAMES)
    run_import(app, application.id, [card])
    again = run_import(app, application.id, [card])
    assert again["unchanged"] == ["123"] and again["created"] == []
    card["attributes"][0]["rating"] = "strong_yes"
    changed = run_import(app, application.id, [card])
    assert changed["updated"] == ["123"]
    rows = db.scalars(select(Scorecard).where(Scorecard.ats_scorecard_id == "123")).all()
    assert len(rows) == 1
    db.commit()
    assert {r.competency_id: r.rating for r in rows[0].ratings}["fluency-with-data"] == (
        "outperforming"
    )


def test_a_scorecard_already_submitted_in_hireloop_is_not_counted_twice(
    app: Flask, db: Session
) -> None:

    application = arrange(db)
    submit(db, application, "821", fluency_with_data="on_track")
    result = run_import(app, application.id, [renamed(PM_NAMES)])
    assert result["created"] == [] and result["skipped"][0]["scorecard"] == "123"


@responses.activate
def test_stage_change_queues_an_import_that_the_worker_runs(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(**GH_CONFIG)
    application = arrange(db)
    with app.app_context():
        session = get_session()
        row = session.get(Application, application.id)
        assert row is not None
        signals.application_stage_changed.send(session, application=row)
        session.commit()
    responses.get("https://harvest.test/v1/applications/3456/scorecards", json=[renamed(PM_NAMES)])
    Worker(app, worker_id="w", settings=FAST).run(once=True)
    job = db.scalar(select(OutboxJob).where(OutboxJob.kind == "import-scorecards"))
    assert job is not None and job.status == "done", job.last_error if job else None
    assert job.result is not None and job.result["created"] == ["123"]
    assert len(job.result["unmapped"]) == 3


def test_the_sweep_queues_applications_awaiting_feedback(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(**GH_CONFIG)
    waiting = arrange(db)
    done = arrange(db, external_id="999", interviewers=(("821", "432", "Application Review"),))
    for assignment in db.scalars(select(Assignment).where(Assignment.application_id == done.id)):
        assignment.status = "submitted"
    db.commit()
    with app.app_context():
        session = get_session()
        assert sweep(session) == 1
        assert sweep(session) == 1  # same slot: the same job
        session.commit()
    keys = db.scalars(select(OutboxJob.key).where(OutboxJob.kind == "import-scorecards")).all()
    assert len(keys) == 1 and keys[0].startswith(f"import:{waiting.id}:sweep:")
