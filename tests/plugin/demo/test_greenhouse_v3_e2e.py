"""Greenhouse as it is today, end to end: the sandbox speaks Harvest v3 only (v1 refused),
the stage change lists its interviews with no interviewers, the interviewers are scheduled
later with no webhook, and three ``hireloop worker`` processes (real subprocesses sharing the
database) find them with the interview sweep, send the links, and write one verdict note
once the scorecards are in, having minted one OAuth token between them. A cancelled
interview on the way is matched by the scheduled-interview id the sweep recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from plugin import create_app
from plugin.auth.tokens import create_token
from plugin.core.db import get_session
from plugin.core.migrate import upgrade
from plugin.demo.client import Api, items
from plugin.demo.report import Progress
from plugin.demo.sandbox import Sandbox, ServerThread
from plugin.demo.sandbox.seed import DEMO_LOOP, RECRUITER
from plugin.demo.scorecards import submit_all
from tests.conftest import ROOT

WORKERS = 3
WAIT = 90.0  # seconds; a loaded CI machine starts three Python processes slowly


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A database of its own (the workers are other processes): PostgreSQL when the suite
    runs on it, else a SQLite file."""
    server = os.environ.get("HIRELOOP_TEST_DATABASE_URL")
    if not server:
        url = f"sqlite:///{tmp_path / 'e2e.db'}"
        upgrade(url)
        yield url
        return
    name = f"hireloop_e2e_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def wait_for(what: str, check: Callable[[], Any], logs: Path, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            text = "\n".join(p.read_text()[-3000:] for p in sorted(logs.glob("worker-*.log")))
            raise AssertionError(f"timed out waiting for {what}; the workers said:\n{text}")
        time.sleep(0.2)


def start_workers(config: dict[str, str], tmp_path: Path) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIRELOOP_")}
    env.update({f"HIRELOOP_{key}": value for key, value in config.items()})
    # The workers run this checkout's code, whatever the environment's install points at.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return [
        subprocess.Popen(
            [sys.executable, "-m", "plugin.cli", "worker"],
            cwd=tmp_path,
            env=env,
            stdout=(tmp_path / f"worker-{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for n in range(WORKERS)
    ]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


@pytest.mark.slow
def test_v3_stage_change_without_interviewers_to_one_verdict_note_with_three_workers(
    fresh_database: str, tmp_path: Path
) -> None:
    hireloop = ServerThread()
    sandbox = Sandbox(
        DEMO_LOOP,
        client_secret="e2e-client-secret",
        webhook_secret="e2e-webhook-secret",
        webhook_url=f"{hireloop.url}/webhooks/greenhouse",
        interviewer_delay=float("inf"),  # scheduled when the test says so
    )
    state = sandbox.state
    config = {
        "DATABASE_URL": fresh_database,
        "SECRET_KEY": "e2e-secret-key",
        "PUBLIC_URL": hireloop.url,
        "GREENHOUSE_WEBHOOK_SECRET": state.webhook_secret,
        "GREENHOUSE_API_URL": sandbox.url,
        "GREENHOUSE_AUTH_URL": f"{sandbox.url}/token",
        "GREENHOUSE_CLIENT_ID": state.client_id,
        "GREENHOUSE_CLIENT_SECRET": state.client_secret,
        "GREENHOUSE_USER_ID": str(RECRUITER.id),
        "INTERVIEW_SWEEP_SECONDS": "1",
        "IMPORT_SWEEP_SECONDS": "3600",
        "OUTBOX_POLL_SECONDS": "0.2",
        "OUTBOX_BACKOFF_SECONDS": "0.5",
        "WORKER_NICE": "0",
    }
    app = create_app(config)
    hireloop.app = app
    sandbox.start()
    hireloop.start()
    workers = start_workers(config, tmp_path)
    try:
        with app.app_context():
            session = get_session()
            admin = create_token(session, "admin", None, "e2e admin")
            session.commit()
        api = Api(hireloop.url)
        api.call("POST", "/api/loops", admin, expect=(200, 201), json=DEMO_LOOP)
        assert sandbox.ping().ok  # Greenhouse's ping when a webhook is saved: 200

        # The recruiter moves the candidate to Onsite; nobody is scheduled yet.
        delivery = sandbox.move("Onsite")
        assert delivery.ok, delivery
        sent = json.loads(delivery.body)["payload"]["application"]["current_stage"]
        assert [i["interviewers"] for i in sent["interviews"]] == [[], [], []]
        external = state.application.id
        query = f"/api/applications?ats=greenhouse&external_id={external}"

        def assignments() -> list[dict[str, Any]]:
            found = items(api.call("GET", query, admin), "applications")
            if not found:
                return []
            path = f"/api/applications/{found[0]['id']}/assignments"
            return [a for a in items(api.call("GET", path, admin), "assignments")]

        waiting = wait_for("three assignments waiting", lambda: len(assignments()) == 3, tmp_path)
        assert waiting and all(a["interviewer_id"] is None for a in assignments())

        # Greenhouse schedules the interviewers later and sends no webhook about it.
        sandbox.schedule_interviewers(external)
        named = wait_for(
            "the sweep to name the interviewers",
            lambda: (
                [a for a in assignments() if a["interviewer_id"]]
                if all(a["interviewer_id"] for a in assignments())
                else None
            ),
            tmp_path,
        )
        assert sorted(a["interviewer_id"] for a in named) == ["4102", "4103", "4104"]

        # One interview is cancelled: interview_deleted names the scheduled interview only,
        # which the sweep recorded on its assignment.
        dropped = next(r["id"] for r in state.scheduled[external] if r["interview"]["id"] == 113103)
        assert sandbox.delete_interview(dropped).ok
        named = wait_for(
            "the cancelled interview's assignment to go",  # listed: the ones not cancelled
            lambda: (lambda open_: open_ if len(open_) == 2 else None)(assignments()),
            tmp_path,
        )
        assert sorted(a["interviewer_id"] for a in named) == ["4102", "4103"]

        submit_all(api, DEMO_LOOP, named, Progress())
        candidate = state.application.candidate_id
        wait_for("the verdict note", lambda: state.notes.get(candidate), tmp_path)
        time.sleep(3)  # time for a second note to appear, were one to be written
    finally:
        stop(workers)
        hireloop.stop()
        sandbox.stop()
    logs = "\n".join(p.read_text() for p in sorted(tmp_path.glob("worker-*.log")))
    assert len(state.notes[candidate]) == 1, logs
    assert "/review/applications/" in state.notes[candidate][0]["body"]
    assert state.tokens_minted == 1, logs
    paths = [(method, path) for method, path, _status in state.requests]
    assert not [p for p in paths if p[1].startswith("/v1/")], paths
    assert ("POST", "/v3/notes") in paths
    assert any(p[1].startswith("/v3/interviewers?") for p in paths)
    assert all(w.returncode is not None for w in workers)
