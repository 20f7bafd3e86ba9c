"""Ashby webhooks: the signature, the inbox envelope and the normalised event.

Ashby signs the whole raw body (``Ashby-Signature: sha256=<hex>``) and names each delivery
by ``webhookActionId``. Its application events name nobody who interviews; interview
schedules do, so they carry who runs each interview of a stage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from webhooks.events import (
    ApplicationSnapshot,
    Envelope,
    EventKind,
    InboundEvent,
    InterviewerRef,
    InterviewRef,
)
from webhooks.payload import (
    MalformedPayload,
    array,
    event_name,
    hash_key,
    iso_time,
    make_envelope,
    optional_id,
    optional_mapping,
    required_id,
    required_mapping,
    text,
)
from webhooks.signing import require_secrets, verify_body

PROVIDER = "ashby"

APPLICATION_ACTIONS = {
    "candidateStageChange": EventKind.APPLICATION_STAGE_CHANGED,
    "applicationUpdate": EventKind.APPLICATION_UPDATED,
    "applicationSubmit": EventKind.APPLICATION_UPDATED,
    "candidateHire": EventKind.APPLICATION_HIRED,
}
# Ashby's application status -> ours (plugin.ats.ashby keeps its own copy: the outbound
# clients never import the inbound edge).
ASHBY_STATUSES = {"Active": "active", "Lead": "active", "Hired": "hired", "Archived": "rejected"}
SCHEDULE_ACTIONS = ("interviewScheduleCreate", "interviewScheduleUpdate")


def verify_ashby(body: bytes, header: str | None, secrets: Sequence[str]) -> None:
    """``Ashby-Signature: sha256=<hex>`` over the entire raw body."""
    require_secrets(secrets, "HIRELOOP_ASHBY_WEBHOOK_SECRET")
    verify_body(body, header, secrets, separator="=", header_name="Ashby-Signature")


def envelope(document: Mapping[str, Any], body: bytes) -> Envelope:
    event_type = str(document.get("action") or "")
    action_id = document.get("webhookActionId")
    if isinstance(action_id, str | int) and str(action_id):
        key = f"action:{action_id}:{event_type}"
    else:
        key = _resource_key(event_type, document) or hash_key(body)
    return make_envelope(PROVIDER, event_type, key)


def _resource_key(action: str, document: Mapping[str, Any]) -> str | None:
    """Without an action id, the resource's id and ``updatedAt`` name one change of it."""
    data = document.get("data")
    if not isinstance(data, Mapping):
        return None
    for name in ("application", "interviewSchedule", "candidate"):
        resource = data.get(name)
        if isinstance(resource, Mapping) and resource.get("id") and resource.get("updatedAt"):
            return f"resource:{action}:{resource['id']}:{resource['updatedAt']}"
    return None


def normalise(document: Mapping[str, Any]) -> InboundEvent:
    action = event_name(document.get("action"), "action")
    if action == "ping":
        return InboundEvent(PROVIDER, EventKind.PING, action)
    data = required_mapping(document.get("data"), "data")
    kind = APPLICATION_ACTIONS.get(action)
    if kind is not None:
        return _application_event(action, kind, data)
    if action in ("candidateDelete", "candidateMerge"):
        return _candidate_removed(action, data)
    if action in SCHEDULE_ACTIONS:
        return _schedule_event(action, data)
    return InboundEvent(PROVIDER, EventKind.IGNORED, action)


def _application_event(action: str, kind: EventKind, data: Mapping[str, Any]) -> InboundEvent:
    path = "data.application"
    app = required_mapping(data.get("application"), path)
    candidate = optional_mapping(app.get("candidate"), f"{path}.candidate") or {}
    job = optional_mapping(app.get("job"), f"{path}.job") or {}
    stage = (
        optional_mapping(app.get("currentInterviewStage"), f"{path}.currentInterviewStage") or {}
    )
    status = ASHBY_STATUSES.get(str(app.get("status")))
    if kind is EventKind.APPLICATION_HIRED:
        status = "hired"
    snapshot = ApplicationSnapshot(
        external_id=required_id(app.get("id"), f"{path}.id"),
        candidate_external_id=optional_id(candidate.get("id"), f"{path}.candidate.id"),
        candidate_name=text(candidate.get("name")),
        job_id=optional_id(job.get("id"), f"{path}.job.id"),
        job_name=text(job.get("title")),
        stage_id=optional_id(stage.get("id"), f"{path}.currentInterviewStage.id"),
        stage_name=text(stage.get("title")),
        status=status,
    )
    occurred = iso_time(app.get("updatedAt"), f"{path}.updatedAt")
    # Who interviews in the stage is not in the payload: read it where the API is set.
    thin = kind in (EventKind.APPLICATION_STAGE_CHANGED, EventKind.APPLICATION_UPDATED)
    return InboundEvent(PROVIDER, kind, action, occurred, application=snapshot, thin=thin)


def _candidate_removed(action: str, data: Mapping[str, Any]) -> InboundEvent:
    """candidateDelete (``data.candidate.id``) and candidateMerge (``data.deletedCandidate``
    merged into ``data.mergedCandidate``), as Ashby's webhook schemas name them."""
    if action == "candidateMerge":
        deleted = required_mapping(data.get("deletedCandidate"), "data.deletedCandidate")
        merged = required_mapping(data.get("mergedCandidate"), "data.mergedCandidate")
        return InboundEvent(
            PROVIDER,
            EventKind.CANDIDATE_MERGED,
            action,
            candidate_id=required_id(deleted.get("id"), "data.deletedCandidate.id"),
            merged_into=required_id(merged.get("id"), "data.mergedCandidate.id"),
        )
    candidate = required_mapping(data.get("candidate"), "data.candidate")
    candidate_id = required_id(candidate.get("id"), "data.candidate.id")
    return InboundEvent(PROVIDER, EventKind.CANDIDATE_DELETED, action, candidate_id=candidate_id)


def _schedule_event(action: str, data: Mapping[str, Any]) -> InboundEvent:
    """A schedule names who interviews in its stage (Ashby's stage changes name nobody); a
    cancelled one cancels its interviews (those it names; all of its stage's when it names
    none). The schedule's ``updatedAt`` is the schedule's time, not the application's, so a
    scheduling carries no time: it orders none of the application's own events."""
    path = "data.interviewSchedule"
    schedule = required_mapping(data.get("interviewSchedule"), path)
    stage_id = optional_id(schedule.get("interviewStageId"), f"{path}.interviewStageId")
    if schedule.get("status") == "Cancelled":
        return _schedule_cancelled(action, schedule, path, stage_id)
    if stage_id is None:
        raise MalformedPayload(f"{path}.interviewStageId", "is missing")
    snapshot = ApplicationSnapshot(
        external_id=required_id(schedule.get("applicationId"), f"{path}.applicationId"),
        interviews=_schedule_interviews(schedule, path),
    )
    return InboundEvent(
        PROVIDER,
        EventKind.INTERVIEWS_SCHEDULED,
        action,
        application=snapshot,
        interview_id=optional_id(schedule.get("id"), f"{path}.id"),
        stage_id=stage_id,
    )


def _schedule_cancelled(
    action: str, schedule: Mapping[str, Any], path: str, stage_id: str | None
) -> InboundEvent:
    try:
        interviews = _schedule_interviews(schedule, path)
    except MalformedPayload:
        interviews = ()  # the whole stage's, rather than refuse a cancellation
    application_id = optional_id(schedule.get("applicationId"), f"{path}.applicationId")
    return InboundEvent(
        PROVIDER,
        EventKind.INTERVIEW_CANCELLED,
        action,
        iso_time(schedule.get("updatedAt"), f"{path}.updatedAt"),
        interview_id=required_id(schedule.get("id"), f"{path}.id"),
        application_ids=(application_id,) if application_id else (),
        stage_id=stage_id,
        interviews=interviews,
    )


def _schedule_interviews(schedule: Mapping[str, Any], path: str) -> tuple[InterviewRef, ...]:
    """The schedule's interview events, one per interview (Ashby names an interview by its
    id only: the loop's ``ats_interview_id``) with all its interviewers: ``interviewers``
    (user objects) first, the deprecated ``interviewerUserIds`` where that is absent. An
    event with neither names nobody, which is not "nobody interviews": its interview's
    panel is unknown (``panel_known``), so nobody is cancelled for it."""
    interviewers: dict[str, list[InterviewerRef]] = {}
    unknown: set[str] = set()
    for index, item in enumerate(array(schedule.get("interviewEvents"), f"{path}.interviewEvents")):
        item_path = f"{path}.interviewEvents[{index}]"
        found = required_mapping(item, item_path)
        interview_id = required_id(found.get("interviewId"), f"{item_path}.interviewId")
        people = interviewers.setdefault(interview_id, [])
        named = event_interviewers(found, item_path)
        if named is None:
            unknown.add(interview_id)
            continue
        for person in named:
            if all(known.id != person.id for known in people):
                people.append(person)
    return tuple(
        InterviewRef(
            id=interview_id,
            name="",
            interviewers=tuple(people),
            panel_known=interview_id not in unknown,
        )
        for interview_id, people in interviewers.items()
    )


def event_interviewers(event: Mapping[str, Any], path: str) -> list[InterviewerRef] | None:
    """Who an interview event names: ``interviewers`` first, else ``interviewerUserIds``;
    None when it has neither field."""
    users = event.get("interviewers")
    if users is not None:
        people = []
        for number, user in enumerate(array(users, f"{path}.interviewers")):
            user = required_mapping(user, f"{path}.interviewers[{number}]")
            name = " ".join(
                p for p in (text(user.get("firstName")), text(user.get("lastName"))) if p
            )
            people.append(
                InterviewerRef(
                    required_id(user.get("id"), f"{path}.interviewers[{number}].id"),
                    name or None,
                    text(user.get("email")),
                )
            )
        return people
    user_ids = event.get("interviewerUserIds")
    if user_ids is None:
        return None
    return [
        InterviewerRef(required_id(user, f"{path}.interviewerUserIds[{number}]"))
        for number, user in enumerate(array(user_ids, f"{path}.interviewerUserIds"))
    ]
