"""After the upgrade to the monotone bar: open applications get their verdict under the new
bar (a changed complete verdict is written back once); hired and rejected ones keep theirs."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.core.db import get_session
from plugin.jobs.models import OutboxJob
from plugin.jobs.registry import job_registry
from plugin.verdicts import upgrade
from plugin.verdicts.models import VerdictRecord
from scorecards.hiring_bar import BAR_VERSION, OLD_BAR_VERSION
from tests.plugin.verdicts.data import make_application, make_loop

# What the old bar recorded for the debrief scenario: no_decision (the split must-have).
OLD_FINGERPRINT = "0" * 64


def old_record(db: Session, application: Application) -> VerdictRecord:
    record = VerdictRecord(
        application_id=application.id,
        fingerprint=OLD_FINGERPRINT,
        recommendation="no_decision",
        summary={"recommendation": "no_decision", "rule": "no_decision when a must-have is split"},
        bar_version=None,  # as migration 0006 leaves the rows it found
    )
    db.add(record)
    return record


def notes(db: Session, application_id: int) -> list[OutboxJob]:
    db.expire_all()
    return list(
        db.scalars(
            select(OutboxJob).where(OutboxJob.key.startswith(f"verdict-note:{application_id}:"))
        )
    )


def test_open_applications_get_the_new_bar_once_and_closed_ones_keep_theirs(
    app: Flask, db: Session
) -> None:
    loop = make_loop(db)
    active = make_application(db, loop, "1", "Ada Active")
    hired = make_application(db, loop, "2", "Hal Hired")
    rejected = make_application(db, loop, "3", "Rex Rejected")
    hired.status, rejected.status = "hired", "rejected"
    unchanged = make_application(db, loop, "4", "Uma Unchanged")
    for application in (active, hired, rejected):
        old_record(db, application)
    db.commit()
    with app.app_context():  # a record the new bar agrees with: nothing to write
        from plugin.verdicts.service import complete_verdict

        verdict = complete_verdict(get_session(), unchanged.id)
        assert verdict is not None
    db.add(
        VerdictRecord(
            application_id=unchanged.id,
            fingerprint=verdict.fingerprint(),
            recommendation=verdict.recommendation,
            summary=verdict.to_dict(),
        )
    )
    db.commit()
    assert upgrade.SWEEP in job_registry(app).sweeps

    with app.app_context():
        session = get_session()
        result = upgrade.rebar(session)
        session.commit()
    assert result == {"recomputed": 2, "written": 1, "kept": 2}

    (job,) = notes(db, active.id)
    assert job.payload["recommendation"] == "yes"  # the split must-have no longer decides
    records = db.scalars(
        select(VerdictRecord).where(VerdictRecord.application_id == active.id)
    ).all()
    assert sorted(r.bar_version or 0 for r in records) == [BAR_VERSION, BAR_VERSION]
    for closed in (hired, rejected):
        assert notes(db, closed.id) == []
        (record,) = db.scalars(
            select(VerdictRecord).where(VerdictRecord.application_id == closed.id)
        ).all()
        assert (record.fingerprint, record.bar_version) == (OLD_FINGERPRINT, OLD_BAR_VERSION)
    assert notes(db, unchanged.id) == []
    db.commit()

    with app.app_context():  # once: a second pass finds nothing left to do
        session = get_session()
        assert upgrade.rebar(session) == {"recomputed": 0, "written": 0, "kept": 0}
        session.commit()
    assert len(notes(db, active.id)) == 1
    db.commit()
