"""The sandbox's records rendered in the shapes of Harvest v1: user, job, job stage,
application, candidate, scheduled interview and activity feed, so hireloop's Greenhouse
client reads them as it would read Greenhouse.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from plugin.demo.sandbox import seed
from plugin.demo.sandbox.records import (
    SandboxApplication,
    SandboxInterview,
    SandboxJob,
    SandboxStage,
    iso,
)
from plugin.demo.sandbox.store import SandboxStore

KIT_QUESTIONS: dict[str, list[str]] = {
    "product-sense": [
        "Tell me about a product that you love.",
        "What would you change about it, and how would you know it worked?",
    ],
    "spec-writing": [
        "Sales tells you: 'Customers want to save their searches.' Outline a spec for it.",
    ],
    "past-experience": [
        "Tell me about the most complex launch you led.",
        "Tell me about a project that missed its date.",
    ],
    "analytics-case": [
        "Checkout conversion dropped 4% last week. How do you find out why?",
    ],
}


def kit_questions(interview: SandboxInterview) -> list[dict[str, Any]]:
    return [
        {"id": interview.kit_id * 10 + n, "question": text}
        for n, text in enumerate(KIT_QUESTIONS.get(interview.format, []), start=1)
    ]


def user_object(store: SandboxStore, user_id: int) -> dict[str, Any]:
    user = store.users[user_id]
    created = iso(store.job.created_at - timedelta(days=400))
    return {
        "id": user.id,
        "name": user.name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "primary_email_address": user.email,
        "updated_at": created,
        "created_at": created,
        "disabled": False,
        "site_admin": user.site_admin,
        "emails": [user.email],
        "employee_id": user.employee_id,
        "linked_candidate_ids": [],
        "offices": [],
        "departments": [],
    }


def job_object(store: SandboxStore, job: SandboxJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "requisition_id": "PAY-042",
        "notes": "Payments platform team",
        "confidential": False,
        "status": "open",
        "created_at": iso(job.created_at),
        "opened_at": iso(job.created_at),
        "closed_at": None,
        "updated_at": iso(job.created_at),
        "is_template": False,
        "copied_from_id": None,
        "departments": [{"id": 237, "name": "Product", "parent_id": None, "external_id": None}],
        "offices": [{"id": 54, "name": "Remote", "location": {"name": "Remote"}}],
        "hiring_team": {
            "hiring_managers": [{**store.user_ref(seed.HIRING_MANAGER.id), "responsible": True}],
            "recruiters": [{**store.user_ref(seed.RECRUITER.id), "responsible": True}],
            "coordinators": [],
            "sourcers": [],
        },
        "custom_fields": {},
        "keyed_custom_fields": {},
        "openings": [{"id": 123, "opening_id": "PAY-042-1", "status": "open"}],
    }


def stage_object(store: SandboxStore, job: SandboxJob, stage: SandboxStage) -> dict[str, Any]:
    """Shaped like Harvest's job stage object (``GET /v1/jobs/{id}/stages``)."""
    return {
        "id": stage.id,
        "name": stage.name,
        "created_at": iso(job.created_at),
        "updated_at": iso(job.created_at),
        "active": True,
        "job_id": job.id,
        "priority": stage.priority,
        "interviews": [_stage_interview(store, job, interview) for interview in stage.interviews],
    }


def _stage_interview(
    store: SandboxStore, job: SandboxJob, interview: SandboxInterview
) -> dict[str, Any]:
    return {
        "id": interview.id,
        "name": interview.name,
        "schedulable": True,
        "estimated_minutes": interview.estimated_minutes,
        "default_interviewer_users": [store.user_ref(uid) for uid in interview.interviewer_ids],
        "interview_kit": {
            "id": interview.kit_id,
            "content": f"<h5>Purpose</h5><span>{interview.name} for the {job.name} loop.</span>",
            "questions": kit_questions(interview),
        },
    }


def application_object(store: SandboxStore, application: SandboxApplication) -> dict[str, Any]:
    job = store.jobs[application.job_id]
    stage = store.find_stage(job.id, application.stage_id)
    return {
        "id": application.id,
        "candidate_id": application.candidate_id,
        "prospect": False,
        "applied_at": iso(application.applied_at),
        "rejected_at": None,
        "last_activity_at": iso(application.last_activity_at),
        "location": None,
        "source": {"id": 31, "public_name": "Referral"},
        "credited_to": store.user_ref(seed.RECRUITER.id),
        "rejection_reason": None,
        "rejection_details": None,
        "jobs": [{"id": job.id, "name": job.name}],
        "job_post_id": None,
        "status": application.status,
        "current_stage": {"id": stage.id, "name": stage.name},
        "answers": [],
        "prospective_office": None,
        "prospective_department": None,
        "prospect_detail": {
            "prospect_pool": None,
            "prospect_stage": None,
            "prospect_owner": None,
        },
        "custom_fields": {},
        "keyed_custom_fields": {},
        "attachments": [],
    }


def candidate_object(store: SandboxStore, candidate_id: int) -> dict[str, Any]:
    candidate = store.candidates[candidate_id]
    return {
        "id": candidate["id"],
        "first_name": candidate["first_name"],
        "last_name": candidate["last_name"],
        "company": candidate["company"],
        "title": candidate["title"],
        "created_at": iso(candidate["created_at"]),
        "updated_at": iso(candidate["created_at"]),
        "last_activity": iso(store.application.last_activity_at),
        "is_private": False,
        "photo_url": None,
        "attachments": [],
        "application_ids": [
            a.id for a in store.applications.values() if a.candidate_id == candidate_id
        ],
        "phone_numbers": [],
        "addresses": [],
        "email_addresses": [{"value": candidate["email"], "type": "personal"}],
        "website_addresses": [],
        "social_media_addresses": [],
        "recruiter": store.user_ref(seed.RECRUITER.id),
        "coordinator": None,
        "can_email": True,
        "tags": [],
        "custom_fields": {},
        "keyed_custom_fields": {},
    }


def scheduled_interview(
    store: SandboxStore,
    application: SandboxApplication,
    interview: SandboxInterview,
    moment: datetime,
    starts: datetime,
) -> dict[str, Any]:
    """One interview of a stage, scheduled at ``starts`` and now awaiting feedback."""
    ends = starts + timedelta(minutes=interview.estimated_minutes)
    return {
        "id": store.next_id(),
        "application_id": application.id,
        "external_event_id": f"sandbox-{secrets.token_hex(6)}",
        "created_at": iso(moment),
        "updated_at": iso(moment),
        "start": {"date_time": iso(starts)},
        "end": {"date_time": iso(ends)},
        "location": "Video call",
        "video_conferencing_url": "https://meet.example.com/sandbox",
        "status": "awaiting_feedback",
        "interview": {"id": interview.id, "name": interview.name},
        "organizer": store.user_ref(seed.RECRUITER.id),
        "interviewers": [
            {
                "id": uid,
                "employee_id": store.users[uid].employee_id,
                "name": store.users[uid].name,
                "email": store.users[uid].email,
                "response_status": "accepted",
                "scorecard_id": None,
            }
            for uid in interview.interviewer_ids
        ],
    }


def activity_feed(store: SandboxStore, candidate_id: int) -> dict[str, Any]:
    return {
        "notes": list(reversed(store.notes.get(candidate_id, []))),
        "emails": [],
        "activities": [],
    }
