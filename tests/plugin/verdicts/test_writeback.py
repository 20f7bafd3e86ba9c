from __future__ import annotations

import time
from collections.abc import Callable

import requests
import responses
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.jobs.worker import Worker, WorkerSettings
from plugin.scorecards.models import Rating
from plugin.verdicts.models import VerdictRecord
from tests.plugin.outbound import GH_CONFIG, arrange, submit, verdict_changed, verdict_jobs

FAST = WorkerSettings(
    lease_seconds=5, poll_seconds=0.01, backoff_seconds=0.01, backoff_max_seconds=0.02
)
NOTES = "https://harvest.test/v1/candidates/1234/activity_feed/notes"
FEED = "https://harvest.test/v1/candidates/1234/activity_feed"


def test_provisional_verdicts_are_never_written(app: Flask, db: Session) -> None:
    application = arrange(db)
    submit(db, application, "821", fluency_with_data="on_track")
    assert verdict_changed(app, application.id) is None
    assert verdict_jobs(db) == [] and db.scalar(select(VerdictRecord)) is None


def test_a_complete_verdict_is_queued_once_with_marker_and_link(app: Flask, db: Session) -> None:
    application = arrange(db)
    submit(db, application, "821", fluency_with_data="on_track")
    submit(db, application, "4080", fluency_with_data="on_track")
    job = verdict_changed(app, application.id)
    assert job is not None
    (row,) = verdict_jobs(db)
    fingerprint = row.payload["fingerprint"]
    assert row.key == f"verdict-note:{application.id}:{fingerprint}"
    marker = f"[hireloop:verdict:{application.id}:{fingerprint}]"
    body = row.payload["body"]
    assert row.payload["marker"] == marker and body.endswith(marker)
    assert f"Review: http://hireloop.test/review/applications/{application.id}" in body
    assert "hireloop verdict:" in body and "Fluency with Data (must-have): on track" in body
    assert verdict_changed(app, application.id) is None  # same verdict: nothing new
    assert len(verdict_jobs(db)) == 1
    record = db.scalar(select(VerdictRecord))
    assert record is not None and record.fingerprint == fingerprint


def rate_all(db: Session, application_id: int, point: str) -> None:
    """Every rating of the application at ``point`` (with two raters, one changed rating
    alone no longer moves the verdict: the median resolves towards on track)."""
    for rating in db.scalars(select(Rating).where(Rating.application_id == application_id)):
        rating.rating = point
    db.commit()


def test_a_changed_verdict_gets_a_new_note_and_a_reverted_one_too(app: Flask, db: Session) -> None:
    application = arrange(db)
    submit(db, application, "821", fluency_with_data="on_track")
    submit(db, application, "4080", fluency_with_data="on_track")
    verdict_changed(app, application.id)
    rate_all(db, application.id, "needs_focus")
    verdict_changed(app, application.id)
    rate_all(db, application.id, "on_track")
    verdict_changed(app, application.id)
    keys = [job.key for job in verdict_jobs(db)]
    assert len(keys) == 3 and len(set(keys)) == 3
    assert keys[2] == keys[0] + ":1"  # the same verdict announced a second time
    assert verdict_jobs(db)[2].payload["marker"].endswith(":1]")


@responses.activate
def test_the_worker_writes_the_note_and_keeps_the_ats_id(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(**GH_CONFIG)
    application = arrange(db)
    submit(db, application, "821", fluency_with_data="outperforming")
    submit(db, application, "4080", fluency_with_data="outperforming")
    verdict_changed(app, application.id)
    responses.post(NOTES, status=201, json={"id": 9001, "body": "x"})
    Worker(app, worker_id="w", settings=FAST).run(once=True)
    (job,) = verdict_jobs(db)
    assert job.status == "done"
    assert job.result == {
        "ats": "greenhouse",
        "target": "1234",
        "note_id": "9001",
        "found_by_marker": False,
    }
    sent = responses.calls[0].request
    assert sent.headers["On-Behalf-Of"] == "4080"
    assert job.payload["marker"] in sent.body.decode()


@responses.activate
def test_after_an_uncertain_attempt_the_marker_is_looked_for_first(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(**GH_CONFIG)
    application = arrange(db)
    submit(db, application, "821", fluency_with_data="on_track")
    submit(db, application, "4080", fluency_with_data="on_track")
    verdict_changed(app, application.id)
    (job,) = verdict_jobs(db)
    # The first attempt times out after the ATS stored the note; the second looks first.
    responses.post(NOTES, body=requests.exceptions.ReadTimeout("slow"))
    responses.get(
        FEED,
        json={
            "notes": [
                {"id": 5, "body": "other"},
                {"id": 777, "body": "verdict\n" + job.payload["marker"]},
            ]
        },
    )
    for _ in range(100):
        Worker(app, worker_id="w", settings=FAST).run(once=True)
        (job,) = verdict_jobs(db)
        if job.status == "done":
            break
        time.sleep(0.02)
    assert job.status == "done" and job.attempts == 2
    assert job.result is not None and job.result["note_id"] == "777"
    assert job.result["found_by_marker"] is True
    assert [c.request.method for c in responses.calls] == ["POST", "GET"]


@responses.activate
def test_a_superseded_verdict_is_not_written(make_app: Callable[..., Flask], db: Session) -> None:
    app = make_app(**GH_CONFIG)
    application = arrange(db)
    submit(db, application, "821", fluency_with_data="on_track")
    submit(db, application, "4080", fluency_with_data="on_track")
    verdict_changed(app, application.id)
    rate_all(db, application.id, "needs_focus")
    verdict_changed(app, application.id)
    responses.post(NOTES, status=201, json={"id": 2})
    Worker(app, worker_id="w", settings=FAST).run(once=True)
    old, new = verdict_jobs(db)
    assert old.result == {"skipped": "superseded by a newer verdict"}
    assert new.result is not None and new.result["note_id"] == "2"
    assert len(responses.calls) == 1


@responses.activate
def test_greenhouse_custom_field_and_tag_when_configured(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(
        **GH_CONFIG,
        GREENHOUSE_VERDICT_FIELD="hireloop_verdict",
        GREENHOUSE_VERDICT_TAG="hireloop: {recommendation}",
    )
    application = arrange(db)
    submit(db, application, "821", fluency_with_data="on_track")
    submit(db, application, "4080", fluency_with_data="on_track")
    verdict_changed(app, application.id)
    responses.post(NOTES, status=201, json={"id": 3})
    responses.patch("https://harvest.test/v1/applications/3456", json={})
    responses.post("https://harvest.test/v1/tags/candidate", status=201, json={"id": 44})
    responses.put("https://harvest.test/v1/candidates/1234/tags/44", status=204)
    Worker(app, worker_id="w", settings=FAST).run(once=True)
    (job,) = verdict_jobs(db)
    assert job.status == "done", job.last_error
    assert job.result is not None and job.result["tag_id"] == "44"
    tag = responses.calls[2].request.body.decode()
    assert "hireloop: " in tag


def test_without_api_credentials_the_job_is_skipped(app: Flask, db: Session) -> None:
    application = arrange(db)
    submit(db, application, "821", fluency_with_data="on_track")
    submit(db, application, "4080", fluency_with_data="on_track")
    verdict_changed(app, application.id)
    Worker(app, worker_id="w", settings=FAST).run(once=True)
    (job,) = verdict_jobs(db)
    assert job.status == "done" and job.result == {"skipped": "greenhouse API not configured"}
