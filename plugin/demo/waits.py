"""The demo's waits, each with a deadline and a message saying what was missing: hireloop
healthy, the webhooks' assignments present, the verdict note in the sandbox ATS."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests

from plugin.demo.client import Api, items
from plugin.demo.errors import DemoError
from plugin.demo.sandbox import Sandbox

WAIT_SECONDS = 45.0


def wait_healthy(url: str) -> None:
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


def wait_for_assignments(
    api: Api, token: str, external_id: str, expected: int, run_worker: Callable[[], None]
) -> tuple[int, list[dict[str, Any]]]:
    """Wait until the webhooks' assignments exist (handled right after the commit, or
    by the worker from the inbox), then list them."""
    deadline = time.monotonic() + WAIT_SECONDS
    worker_ran = False
    query = f"/api/applications?ats=greenhouse&external_id={quote(external_id)}"
    found: list[dict[str, Any]] = []
    application_id: int | None = None
    while True:
        apps = items(api.call("GET", query, token), "applications")
        if apps:
            application_id = int(apps[0]["id"])
            found = _open_assignments(api, token, application_id)
            if len(found) >= expected:
                return application_id, found
        if not worker_ran and time.monotonic() > deadline - WAIT_SECONDS + 3:
            run_worker()  # the inbox may be handled by the worker
            worker_ran = True
        if time.monotonic() > deadline:
            what = f"{len(found)} of {expected} assignments" if application_id else "no application"
            raise DemoError(
                f"after the webhooks hireloop has {what} for Greenhouse application "
                f"{external_id} ({query})"
            )
        time.sleep(0.3)


def wait_for_panel(
    api: Api, token: str, external_id: str, stage: str, run_worker: Callable[[], None]
) -> int:
    """Run the worker until every assignment of ``stage`` has its interviewer: Greenhouse
    schedules them after the stage change and sends no webhook, so the interview sweep
    finds them. How many interviewers it named."""
    deadline = time.monotonic() + WAIT_SECONDS
    query = f"/api/applications?ats=greenhouse&external_id={quote(external_id)}"
    while True:
        run_worker()
        apps = items(api.call("GET", query, token), "applications")
        mine = [
            a
            for a in (_open_assignments(api, token, int(apps[0]["id"])) if apps else [])
            if (a.get("stage") or {}).get("name") == stage
        ]
        if mine and all(a.get("interviewer_id") for a in mine):
            return len(mine)
        if time.monotonic() > deadline:
            raise DemoError(
                f"the interview sweep did not name the interviewers of {stage} for Greenhouse "
                f"application {external_id} ({len(mine)} assignments, some still waiting)"
            )
        time.sleep(0.5)


def _open_assignments(api: Api, token: str, application_id: int) -> list[dict[str, Any]]:
    """The application's assignments an interviewer can open (not cancelled, with a token)."""
    body = api.call("GET", f"/api/applications/{application_id}/assignments", token)
    return [
        a for a in items(body, "assignments") if a.get("status") != "cancelled" and a.get("token")
    ]


def drain_until_note(
    sandbox: Sandbox, candidate_id: int, run_worker: Callable[[], None]
) -> dict[str, Any]:
    """Run the worker until the verdict note is in the sandbox ATS; the newest note."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        run_worker()
        notes = sandbox.state.notes.get(candidate_id) or []
        if notes:
            return notes[-1]
        if time.monotonic() > deadline:
            calls = [f"{m} {p} -> {s}" for m, p, s in sandbox.state.requests[-8:]]
            seen = "\n       ".join(calls) if calls else "(no Harvest calls at all)"
            raise DemoError(
                "the worker ran but no verdict note reached the sandbox ATS "
                f"(POST /v3/notes for candidate {candidate_id}). Last Harvest "
                f"calls:\n       {seen}"
            )
        time.sleep(1.0)
