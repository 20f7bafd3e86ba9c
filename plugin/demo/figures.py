"""What the demo's pipeline shows through the API: the job's candidates side by side, the
inter-rater agreement, and, after Jordan Avery is hired, his development plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import click

from plugin.demo.client import Api
from plugin.demo.errors import DemoError
from plugin.demo.report import Progress, render_table
from plugin.demo.sandbox import Sandbox

ORDER = ("strong_yes", "yes", "no_decision", "no", "definitely_not")


def show_job(api: Api, token: str, job_id: str, progress: Progress) -> dict[str, int]:
    """The job page's data; how many candidates have each recommendation."""
    progress.begin("job")
    path = f"/api/jobs/greenhouse/{quote(job_id)}/candidates?per_page=50"
    body = api.call("GET", path, token)
    counts = Counter(str(c.get("recommendation")) for c in body.get("candidates") or [])
    splits = sum(1 for c in body.get("candidates") or [] for _ in c.get("splits") or [])
    spread = ", ".join(f"{r.replace('_', ' ')} {counts[r]}" for r in ORDER)
    progress.ok(f"Job page: {body.get('total')} candidates side by side (GET {path})")
    progress.detail(f"recommendations: {spread}; splits to discuss: {splits}")
    return dict(counts)


def show_agreement(api: Api, admin: str, job_id: str, progress: Progress) -> list[dict[str, Any]]:
    """The calibration report's agreement per competency (two ratings or more per candidate)."""
    progress.begin("agreement")
    path = f"/api/calibration?job_id={quote(job_id)}"
    body = api.call("GET", path, admin)
    rows = [row for row in body.get("agreement") or [] if row.get("units", 0) >= 2]
    progress.ok(
        f"Calibration (GET {path}): {len(body.get('interviewers') or [])} interviewers; "
        "agreement where two or more interviewers rated the same candidate:"
    )
    table = [
        [
            str(row.get("competency_name") or row.get("competency")),
            "-" if row.get("alpha") is None else f"{row['alpha']:.2f}",
            str(row.get("units")),
        ]
        for row in rows
    ]
    click.echo("")
    click.echo(render_table(table, ["Competency", "Krippendorff's alpha", "Candidates"]))
    click.echo("")
    return rows


def hire_and_plan(
    api: Api,
    manager: str,
    sandbox: Sandbox,
    application_id: int,
    run_worker: Callable[[], None],
    progress: Progress,
) -> dict[str, Any]:
    """Jordan Avery hired in the ATS (a signed stage change to Offer, status hired); his
    development plan, built from the verdict."""
    progress.begin("hire")
    state = sandbox.state
    with state.lock:
        state.application.status = "hired"
    delivery = sandbox.move(state.job.stages[-1].id)
    if not delivery.ok:
        raise DemoError(f"hireloop answered {delivery.status or delivery.error} to the hire")
    run_worker()
    path = f"/api/applications/{application_id}/development-plan"
    plan = api.call("GET", path, manager)
    goals = plan.get("goals") or []
    progress.ok(f"Jordan Avery hired; his development plan has {len(goals)} goals (GET {path}):")
    for day in (30, 60, 90):
        due = [g for g in goals if g.get("by_day") == day]
        if due:
            names = ", ".join(f"{g['competency']} ({g['verdict']})" for g in due)
            progress.detail(f"by day {day}: {names}")
    return dict(plan)
