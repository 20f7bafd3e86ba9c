"""The sandbox's records as Harvest v3 rows: flat objects that refer to others by id (v3
embeds no children), with v3's names (``sort_order``, ``starts_at``, ``primary_email``,
``candidate_rating`` with ``strong_no``, note visibilities ``*_visible``). Each function
gives every row of one resource; ``v3_routes`` filters and pages them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from plugin.demo.sandbox import seed
from plugin.demo.sandbox.records import iso
from plugin.demo.sandbox.state import SandboxState

Row = dict[str, Any]
STATUS = {"active": "in_process", "rejected": "rejected", "hired": "hired"}
VISIBLE = {"public": "publicly_visible", "private": "privately_visible"}
RATING = {"definitely_not": "strong_no"}


def application_stage_id(application_id: int, stage_id: int) -> int:
    """v3's application-stage row id (not the job's stage id, which webhooks send)."""
    return int(f"{application_id}{stage_id:07d}")


def applications(state: SandboxState) -> Iterator[Row]:
    for app in state.applications.values():
        stage = state.find_stage(app.job_id, app.stage_id)
        yield {
            "id": app.id,
            "candidate_id": app.candidate_id,
            "job_id": app.job_id,
            "status": STATUS.get(app.status, app.status),
            "prospect": False,
            "stage_id": application_stage_id(app.id, stage.id),
            "stage_name": stage.name,
            "last_activity_at": iso(app.last_activity_at),
            "rejected_at": None,
            "custom_fields": {},
            "created_at": iso(app.applied_at),
            "updated_at": iso(app.last_activity_at),
        }


def application_stages(state: SandboxState) -> Iterator[Row]:
    for app in state.applications.values():
        yield {
            "id": application_stage_id(app.id, app.stage_id),
            "application_id": app.id,
            "job_interview_stage_id": app.stage_id,
            "current": True,
            "entered_at": iso(app.last_activity_at),
            "exited_at": None,
        }


def job_interview_stages(state: SandboxState) -> Iterator[Row]:
    for job in state.jobs.values():
        for stage in job.stages:
            yield {
                "id": stage.id,
                "job_id": job.id,
                "name": stage.name,
                "sort_order": stage.priority,
                "active": True,
            }


def job_interviews(state: SandboxState) -> Iterator[Row]:
    for job in state.jobs.values():
        for stage in job.stages:
            for order, interview in enumerate(stage.interviews):
                yield {
                    "id": interview.id,
                    "job_id": job.id,
                    "job_interview_stage_id": stage.id,
                    "name": interview.name,
                    "sort_order": order,
                    "duration": interview.estimated_minutes,
                    "scheduling_type": "needs_scheduling",
                    "require_scorecard": True,
                    "active": True,
                }


def interview_kits(state: SandboxState) -> Iterator[Row]:
    for row in job_interviews(state):
        interview = _interview(state, row["id"])
        if interview is not None:
            yield {"id": interview.kit_id, "job_interview_id": interview.id}


def _interview(state: SandboxState, interview_id: int) -> Any:
    for job in state.jobs.values():
        for stage in job.stages:
            for interview in stage.interviews:
                if interview.id == interview_id:
                    return interview
    return None


def interviews(state: SandboxState) -> Iterator[Row]:
    for app in state.applications.values():
        for item in state.scheduled_of(app.id):
            yield {
                "id": item["id"],
                "application_id": app.id,
                "job_id": app.job_id,
                "job_interview_id": item["interview"]["id"],
                "status": item["status"],
                "starts_at": item["start"]["date_time"],
                "ends_at": item["end"]["date_time"],
                "all_day_start_on": None,
                "organizer_id": seed.RECRUITER.id,
                "external_event_id": item["external_event_id"],
                "scheduled_at": item["created_at"],
            }


def interviewers(state: SandboxState) -> Iterator[Row]:
    for app in state.applications.values():
        for item in state.scheduled_of(app.id):
            for position, person in enumerate(item["interviewers"]):
                yield {
                    "id": item["id"] * 100 + position,
                    "interview_id": item["id"],
                    "user_id": person["id"],
                    "email": person["email"],
                    "response_status": person["response_status"],
                    "scorecard_id": person["scorecard_id"],
                }


def users(state: SandboxState) -> Iterator[Row]:
    for user in state.users.values():
        yield {
            "id": user.id,
            "name": user.name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "primary_email": user.email,
            "emails": [user.email],
            "deactivated": False,
            "site_admin": user.site_admin,
            "employee_id": user.employee_id,
        }


def note_row(candidate_id: int, note: Row) -> Row:
    return {
        "id": note["id"],
        "candidate_id": candidate_id,
        "application_id": note.get("application_id"),
        "user_id": (note.get("user") or {}).get("id"),
        "type": "NOTE",
        "visibility": VISIBLE.get(note["visibility"], "admin_only_visible"),
        "body": note["body"],
        "subject": None,
        "created_at": note["created_at"],
        "updated_at": note["created_at"],
    }


def notes(state: SandboxState) -> Iterator[Row]:
    for candidate_id, kept in state.notes.items():
        for note in kept:
            yield note_row(candidate_id, note)


# -- scorecards: the v1-shaped scorecards the sandbox keeps, split the v3 way ------------------


def _attribute_ids(state: SandboxState) -> dict[str, int]:
    names = sorted(
        {str(a.get("name")) for card in state.scorecards for a in card.get("attributes") or []}
    )
    return {name: 700001 + n for n, name in enumerate(names)}


def scorecards(state: SandboxState) -> Iterator[Row]:
    for card in state.scorecards:
        step = card.get("interview_step") or {}
        interview = _interview(state, int(step.get("id") or 0))
        person = card.get("interviewer") or card.get("submitted_by") or {}
        rating = str(card.get("overall_recommendation") or "") or None
        yield {
            "id": card["id"],
            "application_id": card.get("application_id"),
            "candidate_id": card.get("candidate_id"),
            "interviewer_id": person.get("id"),
            "interview_kit_id": interview.kit_id if interview is not None else None,
            "candidate_rating": RATING.get(rating or "", rating),
            "status": "complete",
            "submitted_at": card.get("submitted_at"),
            "interviewed_at": card.get("interviewed_at"),
            "updated_at": card.get("updated_at"),
            "public_notes": "",
        }


def scorecard_candidate_attributes(state: SandboxState) -> Iterator[Row]:
    ids = _attribute_ids(state)
    for card in state.scorecards:
        for n, attribute in enumerate(card.get("attributes") or []):
            yield {
                "id": card["id"] * 100 + n,
                "scorecard_id": card["id"],
                "job_candidate_attribute_id": ids[str(attribute.get("name"))],
                "candidate_attribute_rating": attribute.get("rating"),
                "note": attribute.get("note") or "",
            }


def job_candidate_attributes(state: SandboxState) -> Iterator[Row]:
    for name, attribute_id in _attribute_ids(state).items():
        yield {"id": attribute_id, "name": name}


def candidate_tags(state: SandboxState) -> Iterator[Row]:
    for tag_id, name in state.tags.items():
        yield {"id": tag_id, "name": name}


RESOURCES: dict[str, Callable[[SandboxState], Iterator[Row]]] = {
    "applications": applications,
    "application_stages": application_stages,
    "job_interview_stages": job_interview_stages,
    "job_interviews": job_interviews,
    "interview_kits": interview_kits,
    "interviews": interviews,
    "interviewers": interviewers,
    "users": users,
    "notes": notes,
    "scorecards": scorecards,
    "scorecard_candidate_attributes": scorecard_candidate_attributes,
    "job_candidate_attributes": job_candidate_attributes,
    "candidate_tags": candidate_tags,
}
