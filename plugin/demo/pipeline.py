"""The demo's pipeline: the six more candidates of ``candidates`` added to the sandbox ATS,
moved through the loop with signed webhooks, their scorecards submitted with their
interviewers' links, their verdict notes written back; then what the job page and the
calibration report make of them, all through hireloop's public HTTP API.

Done in bulk so the demo stays quick: every move first, one worker pass for the inbox, then
every scorecard, then the worker until each candidate has its note.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import click

from plugin.demo.candidates import PIPELINE, PipelineCandidate, overall
from plugin.demo.client import Api
from plugin.demo.errors import DemoError
from plugin.demo.loops import competencies_from_loop
from plugin.demo.report import Progress, render_table
from plugin.demo.sandbox import Sandbox, SandboxState
from plugin.demo.sandbox.records import SandboxApplication, now
from plugin.demo.waits import WAIT_SECONDS, wait_for_assignments

RunWorker = Callable[[], None]


@dataclass(frozen=True)
class Seen:
    """One pipeline candidate once the worker is done."""

    candidate: PipelineCandidate
    application_id: int
    recommendation: str
    splits: tuple[str, ...]


def add_candidates(state: SandboxState) -> None:
    """The pipeline's candidates and applications on the demo job, at its first stage."""
    job = state.job
    applied = now() - timedelta(days=14)
    with state.lock:
        for candidate in PIPELINE:
            state.candidates[candidate.candidate_id] = {**candidate.record(), "created_at": applied}
            state.applications[candidate.application_id] = SandboxApplication(
                id=candidate.application_id,
                candidate_id=candidate.candidate_id,
                job_id=job.id,
                stage_id=job.stages[0].id,
                status="active",
                applied_at=applied,
                last_activity_at=applied,
            )
            state.scheduled[candidate.application_id] = []


def run_pipeline(
    api: Api,
    token: str,
    sandbox: Sandbox,
    loop: Mapping[str, Any],
    run_worker: RunWorker,
    progress: Progress,
) -> list[Seen]:
    progress.begin("pipeline")
    add_candidates(sandbox.state)
    expected = 0
    for stage in sandbox.state.loop_stages():
        expected += sum(len(i.interviewer_ids) for i in stage.interviews)
        for candidate in PIPELINE:
            delivery = sandbox.move(stage.id, candidate.application_id)
            if not delivery.ok:
                raise DemoError(
                    f"hireloop answered {delivery.status or delivery.error} to the webhook "
                    f"moving {candidate.name} to {stage.name}: {delivery.response_text[:300]}"
                )
    run_worker()  # the webhooks wait in the inbox for the worker
    ids: dict[int, int] = {}
    for candidate in PIPELINE:
        application_id, assignments = wait_for_assignments(
            api, token, str(candidate.application_id), expected, run_worker
        )
        ids[candidate.candidate_id] = application_id
        for assignment in assignments:
            _submit(api, loop, candidate, assignment)
    _drain_until_notes(sandbox, run_worker)
    seen = [_verdict(api, token, c, ids[c.candidate_id]) for c in PIPELINE]
    progress.ok(
        f"{len(PIPELINE)} more candidates moved through the loop with signed webhooks and "
        f"{len(PIPELINE) * expected} scorecards submitted with their interviewers' links"
    )
    rows = [[s.candidate.name, s.recommendation, ", ".join(s.splits) or "-"] for s in seen]
    print_table(rows, ["Candidate", "Recommendation", "Splits"])
    return seen


def _submit(
    api: Api, loop: Mapping[str, Any], candidate: PipelineCandidate, assignment: dict[str, Any]
) -> None:
    """One interviewer's scorecard for ``candidate``: the profile's ratings in loop order."""
    token = str(assignment["token"])
    card = api.call("GET", "/api/scorecard", token)
    competencies = [str(c["id"]) for c in card.get("competencies") or [] if "id" in c]
    competencies = competencies or competencies_from_loop(loop, assignment)
    position = positions(loop, str(assignment.get("interview")))
    ratings = {}
    for competency in competencies:
        point, evidence = candidate.rating(competency, position.get(competency, 0))
        ratings[competency] = {"rating": point, "evidence": evidence}
    body = {
        "ratings": ratings,
        "recommendation": overall([r["rating"] for r in ratings.values()]),
        "notes": f"Interview with {candidate.name}.",
        "submit": True,
    }
    api.call("PUT", "/api/scorecard", token, expect=(200, 201), json=body)


def positions(loop: Mapping[str, Any], wanted: str) -> dict[str, int]:
    """Per competency of the interview ``wanted`` (its ATS id or name), how many earlier
    interviews of the loop assess it too: its index in a candidate's ratings."""
    seen: dict[str, int] = {}
    for stage in loop.get("stages") or []:
        for interview in stage.get("interviews") or []:
            names = (str(interview.get("ats_interview_id")), str(interview.get("name")))
            competencies = [str(c) for c in interview.get("competencies") or []]
            if wanted in names:
                return {c: seen.get(c, 0) for c in competencies}
            for c in competencies:
                seen[c] = seen.get(c, 0) + 1
    return {}


def _drain_until_notes(sandbox: Sandbox, run_worker: RunWorker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    wanted = {c.candidate_id for c in PIPELINE}
    while True:
        run_worker()
        missing = [cid for cid in wanted if not sandbox.state.notes.get(cid)]
        if not missing:
            return
        if time.monotonic() > deadline:
            raise DemoError(f"no verdict note reached the sandbox for candidates {missing}")
        time.sleep(0.2)


def _verdict(api: Api, token: str, candidate: PipelineCandidate, application_id: int) -> Seen:
    verdict = api.call("GET", f"/api/applications/{application_id}/verdict", token)
    if not verdict.get("complete"):
        raise DemoError(f"the verdict for {candidate.name} is not complete: {verdict}")
    return Seen(
        candidate,
        application_id,
        str(verdict.get("recommendation")),
        tuple(str(s) for s in verdict.get("splits") or []),
    )


def print_table(rows: list[list[str]], headers: list[str]) -> None:
    click.echo("")
    click.echo(render_table(rows, headers))
    click.echo("")
