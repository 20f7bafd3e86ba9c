"""Harvest v1 reads hireloop makes: jobs and their stages, applications with their
scorecards and scheduled interviews, users, candidates and their activity feed."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, jsonify, request

from plugin.demo.sandbox import harvest
from plugin.demo.sandbox.harvest_http import (
    HarvestError,
    int_arg,
    paginated,
    sandbox_state,
    updated_after,
)
from plugin.demo.sandbox.records import SandboxApplication, SandboxJob
from plugin.demo.sandbox.state import SandboxState

reads = Blueprint("harvest_reads", __name__, url_prefix="/v1")


def find_application(state: SandboxState, application_id: str) -> SandboxApplication:
    found = state.applications.get(int_arg(application_id, "Application"))
    if found is None:
        raise HarvestError(404, "Application not found")
    return found


def find_candidate(state: SandboxState, candidate_id: str) -> int:
    cid = int_arg(candidate_id, "Candidate")
    if cid not in state.candidates:
        raise HarvestError(404, "Candidate not found")
    return cid


def _find_job(state: SandboxState, job_id: str) -> SandboxJob:
    found = state.jobs.get(int_arg(job_id, "Job"))
    if found is None:
        raise HarvestError(404, "Job not found")
    return found


# -- jobs ------------------------------------------------------------------------------------


@reads.get("/jobs")
def jobs() -> Response:
    state = sandbox_state()
    with state.lock:
        return paginated([harvest.job_object(state, job) for job in state.jobs.values()])


@reads.get("/jobs/<job_id>")
def job(job_id: str) -> Response:
    state = sandbox_state()
    with state.lock:
        return jsonify(harvest.job_object(state, _find_job(state, job_id)))


@reads.get("/jobs/<job_id>/stages")
def job_stages(job_id: str) -> Response:
    state = sandbox_state()
    with state.lock:
        found = _find_job(state, job_id)
        return paginated([harvest.stage_object(state, found, stage) for stage in found.stages])


@reads.get("/job_stages/<stage_id>")
def job_stage(stage_id: str) -> Response:
    state = sandbox_state()
    wanted = int_arg(stage_id, "Job stage")
    with state.lock:
        for job_ in state.jobs.values():
            for stage in job_.stages:
                if stage.id == wanted:
                    return jsonify(harvest.stage_object(state, job_, stage))
    raise HarvestError(404, "Job stage not found")


# -- applications ----------------------------------------------------------------------------


@reads.get("/applications")
def applications() -> Response:
    state = sandbox_state()
    job_filter = request.args.get("job_id")
    status = request.args.get("status")
    with state.lock:
        found = [
            harvest.application_object(state, a)
            for a in state.applications.values()
            if (job_filter is None or str(a.job_id) == job_filter)
            and (status is None or a.status == status)
        ]
    return paginated(found)


@reads.get("/applications/<application_id>")
def application(application_id: str) -> Response:
    state = sandbox_state()
    with state.lock:
        return jsonify(harvest.application_object(state, find_application(state, application_id)))


@reads.get("/applications/<application_id>/scorecards")
def application_scorecards(application_id: str) -> Response:
    state = sandbox_state()
    with state.lock:
        found = find_application(state, application_id)
        cards = [s for s in state.scorecards if s.get("application_id") == found.id]
    return paginated(cards)


@reads.get("/scorecards")
def scorecards() -> Response:
    state = sandbox_state()
    after = updated_after()
    with state.lock:
        cards = [
            s
            for s in state.scorecards
            if after is None
            or datetime.fromisoformat(str(s["updated_at"]).replace("Z", "+00:00")) > after
        ]
    return paginated(cards)


@reads.get("/applications/<application_id>/scheduled_interviews")
def application_scheduled_interviews(application_id: str) -> Response:
    state = sandbox_state()
    with state.lock:
        found = find_application(state, application_id)
        return paginated(state.scheduled_of(found.id))


# -- people ----------------------------------------------------------------------------------


@reads.get("/users")
def users() -> Response:
    state = sandbox_state()
    email = request.args.get("email")
    with state.lock:
        found = [
            harvest.user_object(state, uid)
            for uid, user in state.users.items()
            if email is None or user.email.lower() == email.lower()
        ]
    return paginated(found)


@reads.get("/users/<user_id>")
def user(user_id: str) -> Response:
    state = sandbox_state()
    uid = int_arg(user_id, "User")
    with state.lock:
        if uid not in state.users:
            raise HarvestError(404, "User not found")
        return jsonify(harvest.user_object(state, uid))


@reads.get("/candidates/<candidate_id>")
def candidate(candidate_id: str) -> Response:
    state = sandbox_state()
    with state.lock:
        return jsonify(harvest.candidate_object(state, find_candidate(state, candidate_id)))


@reads.get("/candidates/<candidate_id>/activity_feed")
def activity_feed(candidate_id: str) -> Response:
    state = sandbox_state()
    with state.lock:
        return jsonify(harvest.activity_feed(state, find_candidate(state, candidate_id)))
