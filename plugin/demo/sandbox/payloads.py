"""The ``candidate_stage_change`` webhook body, shaped like Greenhouse's documented example,
so hireloop's webhook receiver reads it as it would read Greenhouse's."""

from __future__ import annotations

from typing import Any

from plugin.demo.sandbox import seed
from plugin.demo.sandbox.harvest import kit_questions
from plugin.demo.sandbox.records import SandboxApplication, SandboxJob, SandboxStage, iso
from plugin.demo.sandbox.store import SandboxStore


def stage_change_payload(
    store: SandboxStore, application: SandboxApplication, *, with_interviewers: bool = True
) -> dict[str, Any]:
    """A ``candidate_stage_change`` body for ``application`` at its current stage (its
    interviews with ``"interviewers": []`` when nobody is scheduled yet)."""
    job = store.jobs[application.job_id]
    stage = store.find_stage(job.id, application.stage_id)
    candidate = store.candidates[application.candidate_id]
    person = _recruiter(store)
    return {
        "action": "candidate_stage_change",
        "payload": {
            "application": {
                "id": application.id,
                "rejected_at": None,
                "prospect": False,
                "status": application.status,
                "applied_at": iso(application.applied_at),
                "last_activity_at": iso(application.last_activity_at),
                "url": f"{store.base_url}/people/{candidate['id']}?application_id={application.id}",
                "source": {"id": 31, "name": "Referral"},
                "credited_to": person,
                "rejection_reason": None,
                "rejection_details": None,
                "current_stage": _current_stage(store, job, stage, candidate, with_interviewers),
                "custom_fields": {},
                "candidate": _candidate(store, candidate, person),
                "jobs": [_job(job)],
            }
        },
    }


def _recruiter(store: SandboxStore) -> dict[str, Any]:
    """The recruiter as the webhook names a person (with an email, unlike Harvest refs)."""
    recruiter = store.user_ref(seed.RECRUITER.id)
    return {
        "id": recruiter["id"],
        "email": store.users[seed.RECRUITER.id].email,
        "name": recruiter["name"],
        "employee_id": recruiter["employee_id"],
    }


def _current_stage(
    store: SandboxStore,
    job: SandboxJob,
    stage: SandboxStage,
    candidate: dict[str, Any],
    with_interviewers: bool,
) -> dict[str, Any]:
    return {
        "id": stage.id,
        "name": stage.name,
        "interviews": [
            {
                "id": interview.id,
                "name": interview.name,
                "status": "awaiting_feedback",
                "interview_kit": {
                    "url": f"{store.base_url}/guides/{interview.kit_id}/people/{candidate['id']}",
                    "content": f"{interview.name} for the {job.name} loop.",
                    "questions": kit_questions(interview),
                },
                "interviewers": [
                    {"id": uid, "display_name": store.users[uid].name, "status": "accepted"}
                    for uid in (interview.interviewer_ids if with_interviewers else [])
                ],
            }
            for interview in stage.interviews
        ],
    }


def _candidate(
    store: SandboxStore, candidate: dict[str, Any], person: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": candidate["id"],
        "first_name": candidate["first_name"],
        "last_name": candidate["last_name"],
        "title": candidate["title"],
        "company": candidate["company"],
        "created_at": iso(candidate["created_at"]),
        "external_id": None,
        "photo_url": None,
        "url": f"{store.base_url}/people/{candidate['id']}",
        "is_private": False,
        "can_email": True,
        "phone_numbers": [],
        "email_addresses": [{"value": candidate["email"], "type": "personal"}],
        "addresses": [],
        "website_addresses": [],
        "social_media_addresses": [],
        "educations": [],
        "employments": [],
        "recruiter": person,
        "coordinator": person,
        "attachments": [],
        "tags": [],
        "custom_fields": {},
    }


def _job(job: SandboxJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "requisition_id": "PAY-042",
        "notes": "Payments platform team",
        "confidential": False,
        "job_post_id": None,
        "status": "open",
        "created_by_id": seed.RECRUITER.id,
        "created_at": iso(job.created_at),
        "opened_at": iso(job.created_at),
        "closed_at": None,
        "departments": [{"id": 237, "name": "Product", "external_id": None}],
        "offices": [{"id": 54, "name": "Remote", "location": "Remote", "external_id": None}],
        "custom_fields": {},
    }
