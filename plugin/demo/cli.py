"""``hireloop demo``: the whole product in one command, with nothing configured.

A fresh SQLite database in a temporary folder, the sandbox ATS (a local Greenhouse), and
hireloop on a local port; then, through the public HTTP contract only: apply the example
Senior PM loop, move the sample candidate through the loop's stages with signed webhooks,
submit four interviewers' scorecards with their link tokens, run the worker so the verdict
note lands in the sandbox, and print the verdict. Without ``--once`` it keeps serving and
prints the pages to open; with ``--once`` it exits 0 when every step worked, 1 otherwise.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import click
import requests
import yaml
from flask import Flask

from plugin import create_app
from plugin.auth.tokens import create_token
from plugin.core.db import get_session
from plugin.core.migrate import upgrade
from plugin.demo.sandbox import Sandbox, ServerThread
from plugin.demo.sandbox import seed as sample
from plugin.jobs.worker import Worker

PREFIX = "HIRELOOP_"
TIMEOUT = (5.0, 60.0)
WAIT_SECONDS = 45.0
PREFERRED_LOOPS = ("senior-pm-payments.yaml", "demo-senior-pm.yaml")


class DemoError(Exception):
    """A step failed; the message says which and what to look at."""


# -- output ----------------------------------------------------------------------------------


@dataclass
class Progress:
    step: int = 0
    title: str = ""

    def begin(self, title: str) -> None:
        self.step += 1
        self.title = title

    def ok(self, text: str) -> None:
        click.echo(f"{self.step:>2}. \u2713 {text}")

    def detail(self, text: str) -> None:
        click.echo(f"       {text}")


def _label(value: Any) -> str:
    if isinstance(value, Mapping):
        for key in ("name", "id", "competency", "rating", "interview"):
            if value.get(key):
                return str(value[key])
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _rating_text(value: Any) -> str:
    if isinstance(value, Mapping):
        rating = value.get("rating") or value.get("point") or value.get("value")
        return str(rating) if rating is not None else _label(value)
    return str(value)


def render_table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join("    " + text.rstrip() for text in out)


def verdict_report(verdict: Mapping[str, Any]) -> str:
    """The verdict as a terminal table, tolerant of extra fields."""
    rows = []
    for competency in verdict.get("competencies") or []:
        ratings = competency.get("ratings") or []
        median = competency.get("median")
        rows.append(
            [
                str(competency.get("name") or competency.get("id")),
                str(competency.get("area") or ""),
                str(competency.get("verdict") or ""),
                str(competency.get("count") if competency.get("count") is not None else ""),
                "" if median is None else _rating_text(median),
                ", ".join(_rating_text(r) for r in ratings),
            ]
        )
    text = [render_table(rows, ["Competency", "Area", "Verdict", "n", "Median", "Ratings"]), ""]
    recommendation = str(verdict.get("recommendation") or "?")
    text.append(f"    Recommendation: {recommendation.upper().replace('_', ' ')}")
    if verdict.get("rule"):
        text.append(f"    Rule: {verdict['rule']}")
    for key, title in (("splits", "Splits to discuss"), ("gaps", "Gaps (nobody assessed)")):
        items = verdict.get(key) or []
        text.append(f"    {title}: {', '.join(_label(i) for i in items) if items else 'none'}")
    cards = verdict.get("scorecards")
    if isinstance(cards, Mapping):
        text.append(
            f"    Scorecards: {cards.get('submitted')} of {cards.get('expected')} submitted"
        )
    return "\n".join(text)


# -- the hireloop HTTP API -------------------------------------------------------------------


class Api:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        token: str,
        *,
        expect: tuple[int, ...] = (200,),
        json: Any = None,
    ) -> Any:
        url = self.base_url + path
        try:
            response = self.http.request(
                method,
                url,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise DemoError(f"{method} {path} got no answer: {exc}") from None
        if response.status_code not in expect:
            raise DemoError(f"{method} {path} answered {response.status_code}: {_why(response)}")
        try:
            return response.json()
        except ValueError:
            raise DemoError(f"{method} {path} did not answer JSON: {response.text[:200]}") from None


def _why(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        fields = error.get("fields")
        extra = f" (fields: {fields})" if fields else ""
        return f"{error.get('message')}{extra}"
    return str(body)[:300]


def _items(body: Any, key: str) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return list(body[key])
    raise DemoError(f"expected a list of {key}, got: {str(body)[:200]}")


# -- the loop --------------------------------------------------------------------------------


def find_loop(search: list[Path] | None = None) -> tuple[dict[str, Any], str]:
    """The example loop to apply: the project's Senior PM example if present, else the demo's
    own copy, else the copy built into the package."""
    roots = search or [
        Path.cwd() / "examples" / "loops",
        Path(__file__).resolve().parents[2] / "examples" / "loops",
    ]
    for name in PREFERRED_LOOPS:
        for root in roots:
            path = root / name
            if path.is_file():
                try:
                    loop = yaml.safe_load(path.read_text(encoding="utf-8"))
                except yaml.YAMLError:
                    continue
                if _usable(loop):
                    return loop, str(path)
    return dict(sample.DEMO_LOOP), "the built-in demo loop"


def _usable(loop: Any) -> bool:
    return (
        isinstance(loop, dict)
        and loop.get("ats") == "greenhouse"
        and isinstance(loop.get("stages"), list)
        and any(isinstance(s, dict) and s.get("interviews") for s in loop["stages"])
    )


def _loop_interviews(loop: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [i for s in loop.get("stages") or [] for i in s.get("interviews") or []]


# -- running ---------------------------------------------------------------------------------


@dataclass
class Demo:
    once: bool
    port: int | None
    progress: Progress = field(default_factory=Progress)
    workdir: Path | None = None
    hireloop: ServerThread | None = None
    sandbox: Sandbox | None = None
    worker: subprocess.Popen[bytes] | None = None
    app: Flask | None = None
    background: Any = None  # the in-process worker while serving
    env: dict[str, str] = field(default_factory=dict)

    def run(self) -> None:
        p = self.progress
        loop, loop_source = find_loop()
        job_id = str(loop["job_id"])

        p.begin("database")
        self.workdir = Path(tempfile.mkdtemp(prefix="hireloop-demo-"))
        database_url = f"sqlite:///{self.workdir / 'hireloop.db'}"
        self.hireloop = self._bind_hireloop()
        self.sandbox = Sandbox(loop, port=0)
        state = self.sandbox.state
        state.webhook_url = f"{self.hireloop.url}/webhooks/greenhouse"
        config = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "PUBLIC_URL": self.hireloop.url,
            "GREENHOUSE_WEBHOOK_SECRET": state.webhook_secret,
            "GREENHOUSE_API_URL": self.sandbox.url,
            "GREENHOUSE_API_KEY": state.api_key,
            "GREENHOUSE_ON_BEHALF_OF": str(sample.RECRUITER.id),
        }
        ignored = self._own_environment(config)

        upgrade(database_url)
        p.ok(f"Fresh SQLite database at {self.workdir / 'hireloop.db'} (db upgrade: head)")
        if ignored:
            p.detail(f"(your {', '.join(sorted(ignored))} are ignored by the demo)")

        p.begin("servers")
        self.sandbox.start()

        app = create_app(config)
        self.hireloop.app = app
        self.app = app
        self.hireloop.start()
        self._wait_healthy(self.hireloop.url)
        p.ok(f"Sandbox ATS (Greenhouse Harvest v1) at {self.sandbox.url}; job {job_id}")
        p.detail(f"hireloop at {self.hireloop.url}, webhooks signed with a fresh secret")

        p.begin("tokens")
        with app.app_context():
            session = get_session()
            admin = create_token(session, "admin", None, "demo admin")
            recruiter = create_token(session, "recruiter", None, "demo recruiter")
            manager = create_token(session, "hiring_manager", job_id, "demo hiring manager")
            session.commit()
        p.ok("API tokens created: admin, recruiter, hiring manager (job " + job_id + ")")

        api = Api(self.hireloop.url)
        p.begin("loop")
        created = api.call("POST", "/api/loops", recruiter, expect=(200, 201), json=loop)
        loop_id = _find_id(created, "loop")
        stage_names = " -> ".join(str(s.get("name")) for s in loop["stages"])
        p.ok(f"Loop '{loop.get('name')}' applied from {loop_source} (id {loop_id})")
        p.detail(f"level {loop.get('level')}, stages: {stage_names}")

        candidate = f"{sample.CANDIDATE['first_name']} {sample.CANDIDATE['last_name']}"
        application_external = str(state.application.id)
        p.begin("moves")
        expected = 0
        for stage in state.loop_stages():
            delivery = self.sandbox.move(stage.id)
            if not delivery.ok:
                raise DemoError(
                    f"hireloop answered {delivery.status or delivery.error} to the signed "
                    f"candidate_stage_change webhook for {stage.name}: "
                    f"{delivery.response_text[:300]}"
                )
            expected += sum(len(i.interviewer_ids) for i in stage.interviews)
            p.ok(
                f"{candidate} moved to {stage.name}: signed candidate_stage_change "
                f"(Greenhouse-Event-ID {delivery.event_id[:8]}...) answered 200"
            )

        p.begin("assignments")
        application_id, assignments = self._assignments(api, admin, application_external, expected)
        p.ok(
            f"Application {application_id} has {len(assignments)} assignments "
            f"(GET /api/applications?ats=greenhouse&external_id={application_external})"
        )
        for assignment in assignments:
            p.detail(
                f"{_label(assignment.get('interviewer'))}: {_label(assignment.get('interview'))}"
            )

        p.begin("scorecards")
        self._submit_all(api, loop, assignments)

        p.begin("worker")
        note = self._drain_until_note(state.application.candidate_id)
        p.ok(f"Worker ran: the verdict note was written to the sandbox (note {note['id']})")

        p.begin("verdict")
        verdict = api.call("GET", f"/api/applications/{application_id}/verdict", admin)
        p.ok(f"Verdict for {candidate} (GET /api/applications/{application_id}/verdict):")
        click.echo("")
        click.echo(verdict_report(verdict))
        click.echo("")

        p.begin("note")
        notes = state.all_notes()
        user = note.get("user") or {}
        p.ok(
            f"Sandbox ATS holds {len(notes)} verdict note(s) on candidate "
            f"{state.application.candidate_id}; note {note['id']} by {user.get('name')}, "
            f"visibility {note.get('visibility')}:"
        )
        for text in str(note.get("body", "")).splitlines()[:20]:
            click.echo(f"       | {text}")
        click.echo("")

        hl = self.hireloop.url
        review = f"/review/applications/{application_id}"
        editor = f"/recruiter/loops/{loop_id}"
        pages = {
            "interviewer": [str(a.get("url")) for a in assignments],
            "review": f"{hl}/login?{urlencode({'token': manager, 'next': review})}",
            "editor": f"{hl}/login?{urlencode({'token': recruiter, 'next': editor})}",
        }
        p.begin("pages")
        checked = self._check_pages(pages)
        p.ok(f"Pages answer 200: {checked}")
        click.echo("")
        if self.once:
            click.echo("Demo complete. Run `hireloop demo` (without --once) to open the pages.")
            return
        self._serve(pages, admin)

    # -- steps -------------------------------------------------------------------------------

    def _bind_hireloop(self) -> ServerThread:
        ports = [self.port] if self.port is not None else ([0] if self.once else [5000, 0])
        last: OSError | None = None
        for port in ports:
            try:
                return ServerThread(None, "127.0.0.1", port or 0)
            except OSError as exc:
                last = exc
        raise DemoError(f"cannot listen on 127.0.0.1:{ports[-1]}: {last}")

    def _own_environment(self, config: Mapping[str, str]) -> list[str]:
        """The demo configures itself; the caller's HIRELOOP_* settings would point it at a
        real ATS or mail server, so they are set aside for this process and its worker."""
        ignored = [name for name in os.environ if name.startswith(PREFIX)]
        for name in ignored:
            os.environ.pop(name, None)
        for key, value in config.items():
            os.environ[PREFIX + key] = value
        self.env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        return [name for name in ignored if name[len(PREFIX) :] not in config]

    def _wait_healthy(self, url: str) -> None:
        deadline = time.monotonic() + 15
        while True:
            try:
                response = requests.get(url + "/healthz", timeout=5)
                if response.status_code == 200:
                    return
                problem = f"answered {response.status_code}"
            except requests.RequestException as exc:
                problem = str(exc)
            if time.monotonic() > deadline:
                raise DemoError(f"hireloop did not become healthy at {url}/healthz: {problem}")
            time.sleep(0.2)

    def _assignments(
        self, api: Api, token: str, external_id: str, expected: int
    ) -> tuple[int, list[dict[str, Any]]]:
        """Wait until the webhooks' assignments exist (handled right after the commit, or
        by the worker from the inbox), then list them."""
        deadline = time.monotonic() + WAIT_SECONDS
        worker_ran = False
        query = f"/api/applications?ats=greenhouse&external_id={quote(external_id)}"
        found: list[dict[str, Any]] = []
        application_id: int | None = None
        while True:
            apps = _items(api.call("GET", query, token), "applications")
            if apps:
                application_id = int(apps[0]["id"])
                body = api.call("GET", f"/api/applications/{application_id}/assignments", token)
                found = [
                    a
                    for a in _items(body, "assignments")
                    if a.get("status") != "cancelled" and a.get("token")
                ]
                if len(found) >= expected:
                    return application_id, found
            if not worker_ran and time.monotonic() > deadline - WAIT_SECONDS + 3:
                self._run_worker_once()  # the inbox may be handled by the worker
                worker_ran = True
            if time.monotonic() > deadline:
                what = (
                    f"{len(found)} of {expected} assignments"
                    if application_id
                    else "no application"
                )
                raise DemoError(
                    f"after the webhooks hireloop has {what} for Greenhouse application "
                    f"{external_id} ({query})"
                )
            time.sleep(0.3)

    def _submit_all(
        self, api: Api, loop: Mapping[str, Any], assignments: list[dict[str, Any]]
    ) -> None:
        order = {}
        for position, interview in enumerate(_loop_interviews(loop)):
            for key in (interview.get("ats_interview_id"), interview.get("name")):
                if key is not None:
                    order[str(key)] = position
        assignments = sorted(
            assignments, key=lambda a: order.get(_label(a.get("interview")), len(order))
        )
        used: dict[str, int] = {}
        for number, assignment in enumerate(assignments):
            token = str(assignment["token"])
            card = api.call("GET", "/api/scorecard", token)
            competencies = [str(c["id"]) for c in card.get("competencies") or [] if "id" in c]
            if not competencies:
                competencies = _competencies_from_loop(loop, assignment)
            ratings = {}
            for competency in competencies:
                bank = sample.EVIDENCE.get(competency, [])
                index = used.get(competency, 0)
                used[competency] = index + 1
                rating, evidence = bank[index] if index < len(bank) else sample.DEFAULT_EVIDENCE
                ratings[competency] = {"rating": rating, "evidence": evidence}
            body = {
                "ratings": ratings,
                "recommendation": sample.RECOMMENDATIONS[number % len(sample.RECOMMENDATIONS)],
                "notes": sample.TAKEAWAYS[number % len(sample.TAKEAWAYS)],
                "submit": True,
            }
            api.call("PUT", "/api/scorecard", token, expect=(200, 201), json=body)
            who = _label(assignment.get("interviewer"))
            summary = ", ".join(f"{c} {r['rating']}" for c, r in ratings.items())
            self.progress.ok(f"{who} submitted '{_label(assignment.get('interview'))}'")
            self.progress.detail(summary)

    def _run_worker_once(self) -> None:
        """The worker's drain, in this process when ``plugin.jobs.worker`` offers it (as
        ``hireloop worker --once`` would run it), else ``hireloop worker --once`` itself."""
        worker_class = _in_process_worker()
        if worker_class is not None and self.app is not None:
            worker_class(self.app).run(once=True)
            return
        try:
            result = subprocess.run(
                [sys.executable, "-m", "plugin.cli", "worker", "--once"],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DemoError("`hireloop worker --once` did not finish within 180 s") from None
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-8:]
            raise DemoError(
                "`hireloop worker --once` failed (exit "
                f"{result.returncode}):\n       " + "\n       ".join(tail)
            )

    def _drain_until_note(self, candidate_id: int) -> dict[str, Any]:
        assert self.sandbox is not None
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            self._run_worker_once()
            notes = self.sandbox.state.notes.get(candidate_id) or []
            if notes:
                return notes[-1]
            if time.monotonic() > deadline:
                calls = [f"{m} {p} -> {s}" for m, p, s in self.sandbox.state.requests[-8:]]
                seen = "\n       ".join(calls) if calls else "(no Harvest calls at all)"
                raise DemoError(
                    "the worker ran but no verdict note reached the sandbox ATS "
                    f"(POST /v1/candidates/{candidate_id}/activity_feed/notes). Last Harvest "
                    f"calls:\n       {seen}"
                )
            time.sleep(1.0)

    def _serve(self, pages: Mapping[str, Any], admin: str) -> None:
        click.echo("Open these pages (each sign-in link signs you in with that role's token):")
        click.echo("")
        click.echo("  Interviewers' scorecards and guides:")
        for url in pages["interviewer"]:
            click.echo(f"    {url}")
        click.echo("  The hiring manager's review:")
        click.echo(f"    {pages['review']}")
        click.echo("  The recruiter's loop editor:")
        click.echo(f"    {pages['editor']}")
        click.echo("")
        click.echo(f"  Admin API token (for curl): {admin}")
        assert self.sandbox is not None
        click.echo(
            f"  Sandbox ATS notes: {self.sandbox.url}/v1/candidates/"
            f"{self.sandbox.state.application.candidate_id}/activity_feed "
            f"(Basic auth user: {self.sandbox.state.api_key})"
        )
        click.echo("")
        # A worker keeps writing back while you change scorecards in the pages.
        worker_class = _in_process_worker()
        if worker_class is not None and self.app is not None:
            self.background = worker_class(self.app)
            threading.Thread(target=self.background.run, name="worker", daemon=True).start()
        else:
            self.worker = subprocess.Popen(
                [sys.executable, "-m", "plugin.cli", "worker"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        click.echo("Serving; a worker runs beside it. Press Ctrl-C to stop.")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        with suppress(KeyboardInterrupt):
            while not stop.wait(1.0):
                pass
        click.echo("Stopping.")

    def _check_pages(self, pages: Mapping[str, Any]) -> str:
        """Open each page as its user would (a fresh browser session per role)."""
        targets = [
            ("interviewer page", str(pages["interviewer"][0]) if pages["interviewer"] else ""),
            ("hiring manager's review", str(pages["review"])),
            ("recruiter's loop editor", str(pages["editor"])),
        ]
        for name, url in targets:
            try:
                response = requests.Session().get(url, timeout=TIMEOUT)
            except requests.RequestException as exc:
                raise DemoError(f"the {name} did not answer ({url}): {exc}") from None
            if response.status_code != 200 or "html" not in response.headers.get(
                "Content-Type", ""
            ):
                raise DemoError(
                    f"the {name} answered {response.status_code} at {response.url} "
                    f"(opened from {url})"
                )
        return ", ".join(name for name, _ in targets)

    def close(self) -> None:
        if self.background is not None:
            self.background.stop()
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.worker.kill()
        for server in (self.hireloop, self.sandbox):
            if server is not None:
                with suppress(Exception):
                    server.stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _in_process_worker() -> Any:
    return Worker


def _find_id(body: Any, key: str) -> int:
    if isinstance(body, dict):
        if isinstance(body.get("id"), int):
            return int(body["id"])
        nested = body.get(key)
        if isinstance(nested, dict) and isinstance(nested.get("id"), int):
            return int(nested["id"])
    raise DemoError(f"the {key} was created but its id is not in the answer: {str(body)[:200]}")


def _competencies_from_loop(loop: Mapping[str, Any], assignment: Mapping[str, Any]) -> list[str]:
    wanted = _label(assignment.get("interview"))
    for interview in _loop_interviews(loop):
        if wanted in (str(interview.get("ats_interview_id")), str(interview.get("name"))):
            return [str(c) for c in interview.get("competencies") or []]
    raise DemoError(f"assignment for interview {wanted!r} matches no interview of the loop")


@contextmanager
def _quiet_logging() -> Iterator[None]:
    """The demo prints its own progress; library chatter goes only where it is asked for."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    previous = root.level
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.setLevel(previous)


@click.command("demo")
@click.option("--once", is_flag=True, help="Run the whole demo, print the verdict and exit.")
@click.option("--port", type=int, default=None, help="hireloop's port (default 5000, or free).")
def demo_command(once: bool, port: int | None) -> None:
    """A sandbox Greenhouse, a Senior PM loop, four interviewers, and a verdict written back."""
    with suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    click.echo("hireloop demo: a sandbox Greenhouse, a Senior PM loop, four interviewers.\n")
    demo = Demo(once=once, port=port)
    failure: str | None = None
    with _quiet_logging():
        try:
            demo.run()
        except DemoError as exc:
            failure = str(exc)
        except Exception as exc:  # the demo must end with a message, not a traceback
            failure = f"{type(exc).__name__}: {exc}"
        finally:
            demo.close()
    if failure is not None:
        step = demo.progress.step
        click.echo(f"{step:>2}. \u2717 {failure}", err=True)
        click.echo("The demo stopped; nothing outside its temporary folder was changed.", err=True)
        sys.exit(1)
