"""The demo's steps, in order: a fresh SQLite database, the sandbox ATS and hireloop on local
ports, API tokens, the example loop applied, the sample candidate moved through the loop's
stages with signed webhooks, four scorecards submitted, the worker writing the verdict note
back, the verdict printed; six more candidates through the loop (``pipeline``), the job's
comparison and agreement figures, Jordan Avery hired and his development plan (``figures``);
the pages checked; then, unless ``once``, serving on.

Everything after the setup goes through hireloop's public HTTP contract only.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask import Flask

from plugin import create_app
from plugin.auth.tokens import create_token
from plugin.core.db import get_session
from plugin.core.migrate import upgrade
from plugin.demo.client import Api, find_id
from plugin.demo.errors import DemoError
from plugin.demo.figures import hire_and_plan, show_agreement, show_job
from plugin.demo.loops import find_loop
from plugin.demo.pages import check_pages, demo_pages, print_pages
from plugin.demo.pipeline import run_pipeline
from plugin.demo.report import Progress, label, verdict_report
from plugin.demo.sandbox import Sandbox, ServerThread
from plugin.demo.sandbox import seed as sample
from plugin.demo.scorecards import submit_all
from plugin.demo.waits import (
    drain_until_note,
    wait_for_assignments,
    wait_for_panel,
    wait_healthy,
)
from plugin.jobs.worker import Worker

PREFIX = "HIRELOOP_"
#: Seconds between a stage change and its interviewers being scheduled in the sandbox.
INTERVIEWER_DELAY = 1.0
# The demo sweeps scheduled interviews every second (so interviewers are named a second after
# the move) for seven candidates: about 28 requests a second on v3 (docs/greenhouse.md). The
# sandbox is local, so it allows that; a real account's limit is learnt from its headers.
DEMO_RATE_LIMIT = 3000
CANDIDATE = f"{sample.CANDIDATE['first_name']} {sample.CANDIDATE['last_name']}"


@dataclass(frozen=True)
class Tokens:
    admin: str
    recruiter: str
    manager: str


@dataclass
class Demo:
    once: bool
    port: int | None
    progress: Progress = field(default_factory=Progress)
    workdir: Path | None = None
    hireloop: ServerThread | None = None
    sandbox: Sandbox | None = None
    background: Worker | None = None  # the worker while serving

    def run(self) -> None:
        loop, loop_source = find_loop()
        job_id = str(loop["job_id"])
        hireloop, sandbox, config = self._database(loop)
        app = self._servers(hireloop, sandbox, config, job_id)
        tokens = self._tokens(app, job_id)
        api = Api(hireloop.url)
        loop_id = self._apply_loop(api, tokens, loop, loop_source)
        external_id = str(sandbox.state.application.id)
        expected = self._move_through_stages(
            sandbox,
            lambda stage: wait_for_panel(
                api, tokens.admin, external_id, stage, lambda: _run_worker_once(app)
            ),
        )
        application_id, assignments = self._assignments(api, tokens, sandbox, app, expected)
        self.progress.begin("scorecards")
        submit_all(api, loop, assignments, self.progress)
        note = self._write_back(sandbox, app)
        self._show_verdict(api, tokens, application_id)
        self._show_note(sandbox, note)
        self._pipeline(api, tokens, sandbox, app, loop, application_id)
        pages = demo_pages(
            hireloop.url,
            assignments,
            application_id=application_id,
            loop_id=loop_id,
            manager=tokens.manager,
            recruiter=tokens.recruiter,
            app=app,
        )
        self.progress.begin("pages")
        self.progress.ok(f"Pages answer 200: {check_pages(pages)}")
        click.echo("")
        if self.once:
            click.echo("Demo complete. Run `hireloop demo` (without --once) to open the pages.")
            return
        print_pages(pages, tokens.admin, sandbox)
        self._serve(app)

    # -- steps -------------------------------------------------------------------------------

    def _database(self, loop: Mapping[str, Any]) -> tuple[ServerThread, Sandbox, dict[str, str]]:
        """A fresh database, hireloop's port bound and the sandbox built; the configuration
        that ties them together."""
        self.progress.begin("database")
        self.workdir = Path(tempfile.mkdtemp(prefix="hireloop-demo-"))
        database_url = f"sqlite:///{self.workdir / 'hireloop.db'}"
        self.hireloop = hireloop = _bind_hireloop(self.port, self.once)
        self.sandbox = sandbox = Sandbox(
            loop, port=0, interviewer_delay=INTERVIEWER_DELAY, rate_limit=DEMO_RATE_LIMIT
        )
        state = sandbox.state
        state.webhook_url = f"{hireloop.url}/webhooks/greenhouse"
        config = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "PUBLIC_URL": hireloop.url,
            "GREENHOUSE_WEBHOOK_SECRET": state.webhook_secret,
            "GREENHOUSE_API_URL": sandbox.url,
            "GREENHOUSE_AUTH_URL": f"{sandbox.url}/token",
            "GREENHOUSE_CLIENT_ID": state.client_id,
            "GREENHOUSE_CLIENT_SECRET": state.client_secret,
            "GREENHOUSE_USER_ID": str(sample.RECRUITER.id),
            "INTERVIEW_SWEEP_SECONDS": "1",
        }
        ignored = _own_environment(config)
        upgrade(database_url)
        self.progress.ok(
            f"Fresh SQLite database at {self.workdir / 'hireloop.db'} (db upgrade: head)"
        )
        if ignored:
            self.progress.detail(f"(your {', '.join(sorted(ignored))} are ignored by the demo)")
        return hireloop, sandbox, config

    def _servers(
        self, hireloop: ServerThread, sandbox: Sandbox, config: Mapping[str, str], job_id: str
    ) -> Flask:
        self.progress.begin("servers")
        sandbox.start()
        app = create_app(config)
        hireloop.app = app
        hireloop.start()
        wait_healthy(hireloop.url)
        self.progress.ok(f"Sandbox ATS (Greenhouse Harvest v3) at {sandbox.url}; job {job_id}")
        self.progress.detail(f"hireloop at {hireloop.url}, webhooks signed with a fresh secret")
        return app

    def _tokens(self, app: Flask, job_id: str) -> Tokens:
        self.progress.begin("tokens")
        with app.app_context():
            session = get_session()
            tokens = Tokens(
                admin=create_token(session, "admin", None, "demo admin"),
                recruiter=create_token(session, "recruiter", None, "demo recruiter"),
                manager=create_token(session, "hiring_manager", job_id, "demo hiring manager"),
            )
            session.commit()
        self.progress.ok(
            "API tokens created: admin, recruiter, hiring manager (job " + job_id + ")"
        )
        return tokens

    def _apply_loop(
        self, api: Api, tokens: Tokens, loop: Mapping[str, Any], loop_source: str
    ) -> int:
        self.progress.begin("loop")
        created = api.call("POST", "/api/loops", tokens.recruiter, expect=(200, 201), json=loop)
        loop_id = find_id(created, "loop")
        stage_names = " -> ".join(str(s.get("name")) for s in loop["stages"])
        self.progress.ok(f"Loop '{loop.get('name')}' applied from {loop_source} (id {loop_id})")
        self.progress.detail(f"level {loop.get('level')}, stages: {stage_names}")
        return loop_id

    def _move_through_stages(self, sandbox: Sandbox, panel: Callable[[str], int]) -> int:
        """Each of the loop's stages in turn, with its signed webhook (listing the stage's
        interviews without interviewers, as Greenhouse does), then the interviewers scheduled
        a moment later and found by the interview sweep (``panel``); the number of
        assignments the moves should create."""
        self.progress.begin("moves")
        expected = 0
        for stage in sandbox.state.loop_stages():
            delivery = sandbox.move(stage.id)
            if not delivery.ok:
                raise DemoError(
                    f"hireloop answered {delivery.status or delivery.error} to the signed "
                    f"candidate_stage_change webhook for {stage.name}: "
                    f"{delivery.response_text[:300]}"
                )
            expected += sum(len(i.interviewer_ids) for i in stage.interviews)
            self.progress.ok(
                f"{CANDIDATE} moved to {stage.name}: signed candidate_stage_change "
                f"(Greenhouse-Event-ID {delivery.event_id[:8]}...) answered 200"
            )
            named = panel(stage.name)
            self.progress.detail(
                f"interviewers scheduled {INTERVIEWER_DELAY:g} s later (Greenhouse sends no "
                f"webhook for that): the interview sweep named {named}"
            )
        return expected

    def _assignments(
        self, api: Api, tokens: Tokens, sandbox: Sandbox, app: Flask, expected: int
    ) -> tuple[int, list[dict[str, Any]]]:
        self.progress.begin("assignments")
        external_id = str(sandbox.state.application.id)
        application_id, assignments = wait_for_assignments(
            api, tokens.admin, external_id, expected, lambda: _run_worker_once(app)
        )
        self.progress.ok(
            f"Application {application_id} has {len(assignments)} assignments "
            f"(GET /api/applications?ats=greenhouse&external_id={external_id})"
        )
        for assignment in assignments:
            self.progress.detail(
                f"{label(assignment.get('interviewer'))}: {label(assignment.get('interview'))}"
            )
        return application_id, assignments

    def _write_back(self, sandbox: Sandbox, app: Flask) -> dict[str, Any]:
        self.progress.begin("worker")
        candidate_id = sandbox.state.application.candidate_id
        note = drain_until_note(sandbox, candidate_id, lambda: _run_worker_once(app))
        self.progress.ok(
            f"Worker ran: the verdict note was written to the sandbox (note {note['id']})"
        )
        return note

    def _show_verdict(self, api: Api, tokens: Tokens, application_id: int) -> None:
        self.progress.begin("verdict")
        path = f"/api/applications/{application_id}/verdict"
        verdict = api.call("GET", path, tokens.admin)
        self.progress.ok(f"Verdict for {CANDIDATE} (GET {path}):")
        click.echo("")
        click.echo(verdict_report(verdict))
        click.echo("")

    def _show_note(self, sandbox: Sandbox, note: Mapping[str, Any]) -> None:
        self.progress.begin("note")
        notes = sandbox.state.all_notes()
        user = note.get("user") or {}
        self.progress.ok(
            f"Sandbox ATS holds {len(notes)} verdict note(s) on candidate "
            f"{sandbox.state.application.candidate_id}; note {note['id']} by {user.get('name')}, "
            f"visibility {note.get('visibility')}:"
        )
        for text in str(note.get("body", "")).splitlines()[:20]:
            click.echo(f"       | {text}")
        click.echo("")

    def _pipeline(
        self,
        api: Api,
        tokens: Tokens,
        sandbox: Sandbox,
        app: Flask,
        loop: Mapping[str, Any],
        application_id: int,
    ) -> None:
        """Six more candidates, so the job page and the calibration report compare
        something; then the first candidate hired and his development plan."""
        job_id = str(loop["job_id"])

        def run_worker() -> None:
            _run_worker_once(app)

        run_pipeline(api, tokens.admin, sandbox, loop, run_worker, self.progress)
        self.progress.begin("notes")
        self.progress.ok(
            f"Sandbox ATS holds {len(sandbox.state.all_notes())} verdict notes, "
            f"one per complete verdict, on {len(sandbox.state.notes)} candidates"
        )
        show_job(api, tokens.manager, job_id, self.progress)
        show_agreement(api, tokens.admin, job_id, self.progress)
        hire_and_plan(api, tokens.manager, sandbox, application_id, run_worker, self.progress)

    def _serve(self, app: Flask) -> None:
        """Serve until Ctrl-C, with a worker that keeps writing back while you change
        scorecards in the pages."""
        self.background = Worker(app)
        threading.Thread(target=self.background.run, name="worker", daemon=True).start()
        click.echo("Serving; a worker runs beside it. Press Ctrl-C to stop.")
        _wait_for_stop()
        click.echo("Stopping.")

    def close(self) -> None:
        if self.background is not None:
            self.background.stop()
        for server in (self.hireloop, self.sandbox):
            if server is not None:
                with suppress(Exception):
                    server.stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _bind_hireloop(port: int | None, once: bool) -> ServerThread:
    """hireloop's port, bound now so its URL is known before the app exists: the one asked
    for, else 5000 when serving (a free one if taken), else any free one."""
    ports = [port] if port is not None else ([0] if once else [5000, 0])
    last: OSError | None = None
    for candidate in ports:
        try:
            return ServerThread(None, "127.0.0.1", candidate or 0)
        except OSError as exc:
            last = exc
    raise DemoError(f"cannot listen on 127.0.0.1:{ports[-1]}: {last}")


def _wait_for_stop() -> None:
    """Until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with suppress(KeyboardInterrupt):
        while not stop.wait(1.0):
            pass


def _own_environment(config: Mapping[str, str]) -> list[str]:
    """The demo configures itself; the caller's HIRELOOP_* settings would point it at a
    real ATS or mail server, so they are set aside for this process (and its worker).
    Returns the ones that were set and are not replaced by the demo's own."""
    ignored = [name for name in os.environ if name.startswith(PREFIX)]
    for name in ignored:
        os.environ.pop(name, None)
    for key, value in config.items():
        os.environ[PREFIX + key] = value
    return [name for name in ignored if name[len(PREFIX) :] not in config]


def _run_worker_once(app: Flask) -> None:
    """The worker's drain, in this process, as ``hireloop worker --once`` would run it."""
    Worker(app).run(once=True)
