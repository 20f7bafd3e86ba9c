from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.ats.errors import AtsAuthError, AtsRateLimited, AtsServerError
from plugin.cli import main
from plugin.core.models import utcnow
from plugin.jobs.cli import STATUSES
from plugin.jobs.models import OutboxJob
from plugin.jobs.queue import enqueue
from plugin.jobs.registry import job_registry
from plugin.jobs.worker import Shutdown, Worker, WorkerSettings, backoff_delay

FAST = WorkerSettings(
    lease_seconds=3, poll_seconds=0.01, backoff_seconds=0.01, backoff_max_seconds=0.05
)
calls: list[tuple[str, int]] = []


@pytest.fixture(autouse=True)
def test_handlers(app: Flask) -> Iterator[None]:
    calls.clear()
    behaviour: dict[str, Any] = {}

    def make(kind: str) -> Any:
        def run(session: Session, job: OutboxJob) -> dict[str, Any]:
            calls.append((kind, job.attempts))
            action = behaviour.get(kind)
            if callable(action):
                return action(session, job)  # type: ignore[no-any-return]
            return {"ok": job.key}

        return run

    for kind in ("t-ok", "t-flaky", "t-auth", "t-always", "t-wait", "t-stop", "t-429"):
        job_registry(app).add_handler(kind, make(kind))

    def flaky(session: Session, job: OutboxJob) -> dict[str, Any]:
        if job.attempts < 3:
            raise AtsServerError("503 from the ATS", 503)
        return {"note_id": "n1"}

    def always(session: Session, job: OutboxJob) -> dict[str, Any]:
        raise RuntimeError("bug")

    def auth(session: Session, job: OutboxJob) -> dict[str, Any]:
        raise AtsAuthError("bad key", 401, "req-7")

    def wait(session: Session, job: OutboxJob) -> dict[str, Any]:
        job.status = "pending"
        job.locked_by = None
        job.run_after = utcnow() + timedelta(days=365)
        raise RuntimeError("waiting for a transport")

    def stop(session: Session, job: OutboxJob) -> dict[str, Any]:
        raise Shutdown()

    def limited(session: Session, job: OutboxJob) -> dict[str, Any]:
        raise AtsRateLimited("429", 429, retry_after=120.0)

    behaviour.update(
        {
            "t-flaky": flaky,
            "t-always": always,
            "t-auth": auth,
            "t-wait": wait,
            "t-stop": stop,
            "t-429": limited,
        }
    )
    yield


def add(db: Session, kind: str, key: str, **fields: Any) -> OutboxJob:
    # Due a moment ago: the worker compares with the database's clock, which on SQLite has
    # millisecond precision, so a job due "now" (microseconds) may not be due yet at once.
    fields.setdefault("run_after", utcnow() - timedelta(milliseconds=5))
    job = enqueue(db, kind, key, {"n": 1}, **fields)
    db.commit()
    return job


def reload(db: Session, job: OutboxJob) -> OutboxJob:
    fresh = db.get(OutboxJob, job.id, populate_existing=True)
    assert fresh is not None
    db.commit()  # hold no transaction (on SQLite it would hold the write lock)
    return fresh


def drain(app: Flask, settings: WorkerSettings = FAST, worker_id: str = "w1") -> Worker:
    worker = Worker(app, worker_id=worker_id, settings=settings)
    worker.run(once=True)
    return worker


def test_a_backlog_of_jobs_does_not_keep_the_inbox_waiting(
    app: Flask, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(30):
        add(db, "t-ok", f"backlog-{n}")
    worker = Worker(app, worker_id="w1", settings=FAST)
    monkeypatch.setattr(worker, "outbox_slice_seconds", 0.0)  # one job per pass
    inbox_visits: list[int] = []  # jobs done at each look at the inbox

    def look_at_inbox() -> int:
        inbox_visits.append(len(calls))
        return 0

    monkeypatch.setattr(worker, "process_inbox", look_at_inbox)
    worker.run(once=True)
    assert len(calls) == 30  # every job done in the end
    assert [n for n in inbox_visits if 0 < n < 30]  # and the inbox seen in between


def test_enqueue_is_idempotent_by_key(db: Session) -> None:
    first = add(db, "t-ok", "k1")
    assert enqueue(db, "t-ok", "k1", {"other": 2}).id == first.id


def test_a_job_runs_once_and_keeps_its_result(app: Flask, db: Session) -> None:
    job = add(db, "t-ok", "k1")
    drain(app)
    drain(app)
    job = reload(db, job)
    assert (job.status, job.attempts, job.result) == ("done", 1, {"ok": "k1"})
    assert job.locked_by is None and job.lease_expires_at is None
    assert calls == [("t-ok", 1)]


def test_retries_with_backoff_until_it_succeeds(app: Flask, db: Session) -> None:
    job = add(db, "t-flaky", "k2")
    worker = Worker(app, worker_id="w1", settings=FAST)
    outcomes = []
    for _ in range(3):
        job_id = None
        for _ in range(200):
            job_id = worker.claim()
            if job_id:
                break
            worker.sleep(0.01)
        assert job_id == job.id
        outcomes.append(worker.process(job_id))
    assert outcomes == ["retry", "retry", "done"]
    job = reload(db, job)
    assert job.status == "done" and job.result == {"note_id": "n1"} and job.last_error is None


def test_dead_after_max_attempts_with_the_error_kept(app: Flask, db: Session) -> None:
    job = add(db, "t-always", "k3", max_attempts=2)
    worker = Worker(app, worker_id="w1", settings=FAST)
    for _ in range(2):
        job_id = None
        for _ in range(200):
            job_id = worker.claim()
            if job_id:
                break
            worker.sleep(0.01)
        assert job_id is not None
        worker.process(job_id)
    job = reload(db, job)
    assert job.status == "dead" and job.attempts == 2
    assert "RuntimeError: bug" in (job.last_error or "")


def test_an_error_retrying_cannot_fix_is_dead_at_once(app: Flask, db: Session) -> None:
    job = add(db, "t-auth", "k4")
    drain(app)
    job = reload(db, job)
    assert job.status == "dead" and job.attempts == 1
    assert "bad key" in (job.last_error or "") and "req-7" in (job.last_error or "")


def test_retry_waits_at_least_the_ats_retry_after(app: Flask, db: Session) -> None:
    job = add(db, "t-429", "k5")
    drain(app)
    job = reload(db, job)
    assert job.status == "pending"
    assert job.run_after >= utcnow() + timedelta(seconds=110)


def test_a_handler_may_reschedule_its_own_job(app: Flask, db: Session) -> None:
    job = add(db, "t-wait", "k6")
    drain(app)
    job = reload(db, job)
    assert job.status == "pending" and job.attempts == 0
    assert job.run_after > utcnow() + timedelta(days=300)


def test_a_lapsed_lease_is_taken_over_and_counts_as_an_attempt(app: Flask, db: Session) -> None:
    job = add(db, "t-ok", "k7")
    first = Worker(app, worker_id="dead-worker", settings=FAST)
    assert first.claim() == job.id  # ... and the worker dies here
    second = Worker(app, worker_id="w2", settings=FAST)
    assert second.claim() is None  # the lease still holds
    stale = db.get(OutboxJob, job.id, populate_existing=True)
    assert stale is not None
    stale.lease_expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert second.claim() == job.id
    assert second.process(job.id) == "done"
    job = reload(db, job)
    assert job.attempts == 2 and calls == [("t-ok", 2)]


def test_a_lapsed_job_without_attempts_left_is_dead_and_the_next_one_still_runs(
    app: Flask, db: Session
) -> None:
    lapsed = add(db, "t-ok", "k7a", max_attempts=1)
    assert Worker(app, worker_id="dead-worker", settings=FAST).claim() == lapsed.id
    stale = db.get(OutboxJob, lapsed.id, populate_existing=True)
    assert stale is not None
    stale.lease_expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    waiting = add(db, "t-ok", "k7b")
    drain(app, worker_id="w2")
    lapsed, waiting = reload(db, lapsed), reload(db, waiting)
    assert lapsed.status == "dead" and "dead-worker stopped" in (lapsed.last_error or "")
    assert waiting.status == "done" and calls == [("t-ok", 1)]


def test_the_lease_is_renewed_while_a_job_runs(app: Flask, db: Session) -> None:
    import time

    def slow(session: Session, job: OutboxJob) -> dict[str, Any]:
        time.sleep(1.3)
        return {}

    job_registry(app).add_handler("t-slow", slow)
    job = add(db, "t-slow", "k8")
    settings = WorkerSettings(lease_seconds=1.5, poll_seconds=0.01)
    worker = Worker(app, worker_id="w1", settings=settings)
    assert worker.claim() == job.id
    claimed = reload(db, job).lease_expires_at
    assert worker.process(job.id) == "done"
    assert claimed is not None


def test_shutdown_releases_the_claimed_job(app: Flask, db: Session) -> None:
    job = add(db, "t-stop", "k9")
    worker = Worker(app, worker_id="w1", settings=FAST)
    assert worker.claim() == job.id
    with pytest.raises(Shutdown):
        worker.process(job.id)
    job = reload(db, job)
    assert job.status == "pending" and job.locked_by is None


def test_periodic_sweeps_run_when_due(app: Flask, db: Session) -> None:
    ran: list[int] = []
    job_registry(app).add_sweep("t-sweep", 3600, lambda session: ran.append(1))
    worker = Worker(app, worker_id="w1", settings=FAST)
    worker.run_periodic()
    worker.run_periodic()
    assert ran == [1]
    app.config["T_SWEEP_SECONDS"] = 0.0001
    worker.run_periodic()
    assert ran == [1, 1]


def test_backoff_grows_with_jitter_and_respects_retry_after() -> None:
    delays = [backoff_delay(n, 5, 3600) for n in (1, 2, 3, 4)]
    assert 2.5 <= delays[0] <= 5 and 20 <= delays[3] <= 40
    assert backoff_delay(1, 5, 3600, retry_after=30) >= 30
    assert backoff_delay(30, 5, 60) <= 60


def test_cli_outbox_list_and_retry(app: Flask, db: Session) -> None:
    job = add(db, "t-auth", "k10")
    drain(app)
    runner = CliRunner()
    env = {"HIRELOOP_DATABASE_URL": app.config["DATABASE_URL"], "HIRELOOP_SECRET_KEY": "x"}
    listed = runner.invoke(main, ["outbox", "list", "--status", "dead"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "k10" in listed.output and "bad key" in listed.output
    retried = runner.invoke(main, ["outbox", "retry", "--dead"], env=env)
    assert retried.exit_code == 0, retried.output
    job = reload(db, job)
    assert job.status == "pending" and job.attempts == 1 and job.max_attempts == 9
    missing = runner.invoke(main, ["outbox", "retry", "999999"], env=env)
    assert missing.exit_code == 1
    done = add(db, "t-ok", "k11")
    drain(app)
    refused = runner.invoke(main, ["outbox", "retry", str(done.id)], env=env)
    assert refused.exit_code == 1 and "not retried" in refused.output


@pytest.mark.parametrize(("setting", "niced"), [(None, [10]), ("0", [])])
def test_cli_worker_once(
    app: Flask,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    setting: str | None,
    niced: list[int],
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(os, "nice", calls.append)  # not this test process's own priority
    add(db, "t-ok", "k12")
    if setting is not None:
        monkeypatch.setitem(app.config, "WORKER_NICE", int(setting))
    # The command runs on this test's app: it is the one that knows the test's job kinds.
    script = ScriptInfo(create_app=lambda: app)
    result = CliRunner().invoke(main, ["worker", "--once", "--id", "cli"], obj=script)
    assert result.exit_code == 0, result.output
    assert db.scalar(select(OutboxJob.status).where(OutboxJob.key == "k12")) == "done"
    assert calls == niced  # the worker takes the CPU after the web processes


def test_the_cli_status_choices_are_the_job_states_as_text() -> None:

    assert STATUSES == ("pending", "running", "done", "dead")
    assert all(type(status) is str for status in STATUSES)


def test_worker_settings_default_and_name_a_bad_variable() -> None:
    settings = WorkerSettings.from_config({"OUTBOX_LEASE_SECONDS": 600, "OUTBOX_POLL_SECONDS": ""})
    assert settings.lease_seconds == 60.0 and settings.poll_seconds == 1.0
    with pytest.raises(RuntimeError, match="HIRELOOP_OUTBOX_BACKOFF_SECONDS must be a number"):
        WorkerSettings.from_config({"OUTBOX_BACKOFF_SECONDS": "soon"})
    with pytest.raises(RuntimeError, match="HIRELOOP_INBOX_POLL_SECONDS must be positive"):
        WorkerSettings.from_config({"INBOX_POLL_SECONDS": 0})
