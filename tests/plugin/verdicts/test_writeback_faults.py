"""Fault tests against a real local HTTP server standing in for Greenhouse Harvest v1.

- the ATS answers 503, 503, 429 (Retry-After: 1), then 201: exactly one note, after the pause;
- the worker process is killed (SIGKILL) after the ATS stored the note but before the commit,
  then restarted: still exactly one note (the marker is found);
- two worker processes on PostgreSQL with a flaky ATS: every verdict written exactly once.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from plugin.core.models import utcnow
from plugin.jobs.worker import Worker, WorkerSettings
from tests.plugin.outbound import GH_CONFIG, arrange, submit, verdict_changed, verdict_jobs

NOTE_PATH = re.compile(r"^/v1/candidates/([^/]+)/activity_feed(/notes)?$")


class FakeHarvest:
    """Notes per candidate; POST answers follow ``script`` (then 201); thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.notes: dict[str, list[dict[str, Any]]] = {}
        self.script: list[tuple[int, dict[str, str]]] = []
        self.posts: list[tuple[float, int]] = []
        self.hang_after_store = threading.Event()  # set: store the note, then never answer
        self.stored = threading.Event()
        self.release = threading.Event()
        self.flaky = 0.0  # chance of a 503 before (or, half the time, after) storing
        self.next_id = 1000

    def store(self, candidate: str, body: str) -> dict[str, Any]:
        with self.lock:
            self.next_id += 1
            note = {"id": self.next_id, "body": body, "created_at": "2026-01-01T00:00:00Z"}
            self.notes.setdefault(candidate, []).append(note)
            return note

    def all_bodies(self) -> list[str]:
        with self.lock:
            return [n["body"] for notes in self.notes.values() for n in notes]


def serve(fake: FakeHarvest) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-RateLimit-Limit", "50")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            match = NOTE_PATH.match(self.path.split("?")[0])
            if not match or match.group(2):
                self.reply(404, {"message": "Resource not found"})
                return
            with fake.lock:
                notes = list(fake.notes.get(match.group(1), []))
            self.reply(200, {"notes": notes, "emails": [], "activities": []})

        def do_POST(self) -> None:
            match = NOTE_PATH.match(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not match or not match.group(2):
                self.reply(404, {"message": "Resource not found"})
                return
            if not self.headers.get("On-Behalf-Of"):
                self.reply(403, {"message": "On-Behalf-Of required"})
                return
            with fake.lock:
                status, headers = fake.script.pop(0) if fake.script else (201, {})
                fake.posts.append((time.monotonic(), status))
            if status == 201 and fake.flaky and random.random() < fake.flaky:
                if random.random() < 0.5:
                    fake.store(match.group(1), body["body"])  # stored, answer lost
                self.reply(503, {"message": "unavailable"})
                return
            if status != 201:
                self.reply(status, {"message": "try later"}, headers)
                return
            note = fake.store(match.group(1), body["body"])
            if fake.hang_after_store.is_set():
                fake.stored.set()
                fake.release.wait(20)
                return
            self.reply(201, note)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # A short poll: shutdown() waits for the loop to look again (0.5 s by default).
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def harvest() -> Iterator[tuple[FakeHarvest, str]]:
    fake = FakeHarvest()
    server, url = serve(fake)
    yield fake, url
    fake.release.set()
    server.shutdown()
    server.server_close()


def queue_verdicts(app: Flask, db: Session, count: int = 1) -> list[str]:
    markers = []
    for index in range(count):
        application = arrange(db, external_id=f"a{index}", candidate_id=f"c{index}")
        submit(db, application, "821", fluency_with_data="on_track")
        submit(db, application, "4080", fluency_with_data="outperforming")
        job = verdict_changed(app, application.id)
        assert job is not None
        markers.append(job.payload["marker"])
    return markers


def worker_env(database_url: str, api_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIRELOOP_")}
    env.update(
        HIRELOOP_DATABASE_URL=database_url,
        HIRELOOP_SECRET_KEY="test-secret-key",
        HIRELOOP_PUBLIC_URL="http://hireloop.test",
        HIRELOOP_GREENHOUSE_API_URL=api_url,
        HIRELOOP_GREENHOUSE_API_VERSION="v1",
        HIRELOOP_GREENHOUSE_API_KEY=GH_CONFIG["GREENHOUSE_API_KEY"],
        HIRELOOP_GREENHOUSE_ON_BEHALF_OF=GH_CONFIG["GREENHOUSE_ON_BEHALF_OF"],
        HIRELOOP_GREENHOUSE_WEBHOOK_SECRET="whsec",
        HIRELOOP_OUTBOX_BACKOFF_SECONDS="0.2",
        HIRELOOP_OUTBOX_BACKOFF_MAX_SECONDS="0.5",
        HIRELOOP_OUTBOX_POLL_SECONDS="0.1",
        HIRELOOP_IMPORT_SWEEP_SECONDS="3600",
        **extra,
    )
    return env


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_503_503_429_then_201_writes_one_note_after_the_retry_after(
    make_app: Callable[..., Flask], db: Session, harvest: tuple[FakeHarvest, str]
) -> None:
    fake, url = harvest
    app = make_app(**{**GH_CONFIG, "GREENHOUSE_API_URL": url})
    (marker,) = queue_verdicts(app, db)
    fake.script = [(503, {}), (503, {}), (429, {"Retry-After": "1"})]
    settings = WorkerSettings(
        lease_seconds=10, poll_seconds=0.01, backoff_seconds=0.05, backoff_max_seconds=0.1
    )
    done = wait_for(
        lambda: (
            Worker(app, worker_id="w", settings=settings).run(once=True) >= 0
            and verdict_jobs(db)[0].status == "done"
        ),
        timeout=20,
    )
    (job,) = verdict_jobs(db)
    assert done and job.status == "done", job.last_error
    bodies = fake.all_bodies()
    assert len(bodies) == 1 and marker in bodies[0]
    statuses = [status for _, status in fake.posts]
    assert statuses == [503, 503, 429, 201]
    refused_at, written_at = fake.posts[2][0], fake.posts[3][0]
    assert written_at - refused_at >= 0.95  # after the Retry-After, not before
    assert job.attempts == 3 and job.result is not None
    assert job.result["note_id"] == str(fake.notes["c0"][0]["id"])


@pytest.mark.slow
def test_worker_killed_between_send_and_commit_writes_one_note(
    make_app: Callable[..., Flask],
    db: Session,
    database_url: str,
    harvest: tuple[FakeHarvest, str],
) -> None:
    fake, url = harvest
    app = make_app(**{**GH_CONFIG, "GREENHOUSE_API_URL": url})
    (marker,) = queue_verdicts(app, db)
    fake.hang_after_store.set()
    env = worker_env(database_url, url, HIRELOOP_OUTBOX_LEASE_SECONDS="2")
    process = subprocess.Popen(
        [sys.executable, "-m", "plugin.cli", "worker", "--id", "doomed"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert fake.stored.wait(60), "the worker never sent the note"
        process.send_signal(signal.SIGKILL)  # the ATS has the note; the worker never commits
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    fake.hang_after_store.clear()
    fake.release.set()
    (job,) = verdict_jobs(db)
    assert job.status == "running" and job.locked_by == "doomed"
    assert wait_for(lambda: (verdict_jobs(db)[0].lease_expires_at or utcnow()) < utcnow(), 10)
    time.sleep(0.2)
    restarted = subprocess.run(
        [sys.executable, "-m", "plugin.cli", "worker", "--once", "--id", "restarted"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert restarted.returncode == 0, restarted.stderr
    (job,) = verdict_jobs(db)
    assert job.status == "done", job.last_error
    assert job.attempts == 2
    assert job.result is not None and job.result["found_by_marker"] is True
    bodies = fake.all_bodies()
    assert len(bodies) == 1 and marker in bodies[0]
    assert job.result["note_id"] == str(fake.notes["c0"][0]["id"])


@pytest.mark.slow
def test_two_workers_on_postgresql_write_every_verdict_exactly_once(
    make_app: Callable[..., Flask],
    db: Session,
    database_url: str,
    harvest: tuple[FakeHarvest, str],
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers share the outbox on PostgreSQL only")
    fake, url = harvest
    app = make_app(**{**GH_CONFIG, "GREENHOUSE_API_URL": url})
    markers = queue_verdicts(app, db, count=12)
    fake.flaky = 0.3
    env = worker_env(database_url, url)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "plugin.cli", "worker", "--id", f"w{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(2)
    ]
    try:
        finished = wait_for(
            lambda: all(job.status == "done" for job in verdict_jobs(db)), timeout=90
        )
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)  # graceful: finish, then leave
        outputs = [process.communicate(timeout=30) for process in workers]
    assert all(process.returncode == 0 for process in workers), outputs[0][1][-2000:]
    jobs = verdict_jobs(db)
    assert finished, [(j.key, j.status, j.last_error) for j in jobs]
    assert {j.status for j in jobs} == {"done"}
    bodies = fake.all_bodies()
    for marker in markers:
        assert sum(marker in body for body in bodies) == 1, marker
    assert len(bodies) == len(markers)
    owners = {
        json.loads(line)["worker"]
        for out in outputs
        for line in re.findall(r"\{.*\"event\": \"outbox.claimed\".*\}", out[1].decode())
    }
    assert owners == {"w0", "w1"}  # both took a share
