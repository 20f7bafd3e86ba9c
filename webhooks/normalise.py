"""Verified vendor bodies → ``InboundEvent`` and the inbox ``Envelope`` (dedupe key).

Only called after the signature checked out. A body that is not what the vendor sends
(not JSON, wrong types, a handled event without the ids it needs) raises
``MalformedPayload`` naming the field, which the receiver answers with 400. Extra keys are
always tolerated (Greenhouse adds root keys the docs do not list); events we do not handle
become ``IGNORED`` and pings ``PING``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from webhooks.events import (
    ApplicationSnapshot,
    Envelope,
    EventKind,
    InboundEvent,
    InterviewerRef,
    InterviewRef,
)

MAX_KEY = 200
MAX_EVENT_TYPE = 100


class MalformedPayload(ValueError):
    """A verified body hireloop cannot read; ``field`` is the JSON path of the problem."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --------------------------------------------------------------------------- helpers


def parse_body(body: bytes) -> dict[str, Any]:
    """The body as a JSON object (UTF-8, the bytes exactly as received)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayload("body", f"The body is not valid JSON ({exc}).") from None
    if not isinstance(document, dict):
        raise MalformedPayload("body", "The body must be a JSON object.")
    return document


def _obj(value: Any, path: str, *, required: bool = True) -> Mapping[str, Any] | None:
    if value is None and not required:
        return None
    if not isinstance(value, Mapping):
        raise MalformedPayload(path, "must be an object" if value is not None else "is missing")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedPayload(path, "must be a list")
    return value


def _id(value: Any, path: str) -> str:
    found = _opt_id(value, path)
    if found is None:
        raise MalformedPayload(path, "is missing")
    return found


def _opt_id(value: Any, path: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedPayload(path, "must be an id (a number or a string)")
    text = str(value).strip()
    if not text or len(text) > 64:
        raise MalformedPayload(path, "must be a non-empty id of at most 64 characters")
    return text


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _iso_time(value: Any, path: str) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedPayload(path, "must be an ISO 8601 timestamp")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise MalformedPayload(path, "must be an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _ms_time(value: Any, path: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedPayload(path, "must be a timestamp in milliseconds")
    try:
        return datetime.fromtimestamp(value / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedPayload(path, "is not a valid timestamp") from None


def _latest(*times: datetime | None) -> datetime | None:
    present = [t for t in times if t is not None]
    return max(present) if present else None


def _event_name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MalformedPayload(path, "must be the event name (a non-empty string)")
    return value.strip()


def _hash_key(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _bounded(key: str) -> str:
    return key if len(key) <= MAX_KEY else _hash_key(key.encode())


# --------------------------------------------------------------------------- envelope


def envelope(
    provider: str, document: Mapping[str, Any], body: bytes, headers: Mapping[str, str]
) -> Envelope:
    """The event type and dedupe key of a verified delivery (see DESIGN.md, Inbound)."""
    if provider == "greenhouse":
        event_type = str(document.get("action") or "ping")
        event_id = (headers.get("Greenhouse-Event-ID") or "").strip()
        key = f"event:{event_id}" if event_id else _hash_key(body)
    elif provider == "lever":
        event_type = str(document.get("event") or "")
        token = document.get("token")
        key = f"token:{token}" if isinstance(token, str) and token else _hash_key(body)
    elif provider == "ashby":
        event_type = str(document.get("action") or "")
        action_id = document.get("webhookActionId")
        if isinstance(action_id, str | int) and str(action_id):
            key = f"action:{action_id}:{event_type}"
        else:
            key = _ashby_resource_key(event_type, document) or _hash_key(body)
    else:
        raise ValueError(f"unknown provider {provider!r}")
    return Envelope(provider, event_type[:MAX_EVENT_TYPE], _bounded(key))


def _ashby_resource_key(action: str, document: Mapping[str, Any]) -> str | None:
    data = document.get("data")
    if not isinstance(data, Mapping):
        return None
    for name in ("application", "interviewSchedule", "candidate"):
        resource = data.get(name)
        if isinstance(resource, Mapping) and resource.get("id") and resource.get("updatedAt"):
            return f"resource:{action}:{resource['id']}:{resource['updatedAt']}"
    return None


# --------------------------------------------------------------------------- normalise


def normalise(provider: str, document: Mapping[str, Any]) -> InboundEvent:
    if provider == "greenhouse":
        return _greenhouse(document)
    if provider == "lever":
        return _lever(document)
    if provider == "ashby":
        return _ashby(document)
    raise ValueError(f"unknown provider {provider!r}")


# Greenhouse ------------------------------------------------------------------------

GREENHOUSE_APPLICATION_ACTIONS = {
    "candidate_stage_change": EventKind.APPLICATION_STAGE_CHANGED,
    "new_candidate_application": EventKind.APPLICATION_UPDATED,
    "new_prospect_application": EventKind.APPLICATION_UPDATED,
    "application_updated": EventKind.APPLICATION_UPDATED,
    "unhire_candidate": EventKind.APPLICATION_UPDATED,
    "hire_candidate": EventKind.APPLICATION_HIRED,
    "reject_candidate": EventKind.APPLICATION_REJECTED,
    "unreject_candidate": EventKind.APPLICATION_UNREJECTED,
}
FORCED_STATUS = {
    EventKind.APPLICATION_HIRED: "hired",
    EventKind.APPLICATION_REJECTED: "rejected",
    EventKind.APPLICATION_UNREJECTED: "active",
}
GREENHOUSE_STATUSES = {"active": "active", "hired": "hired", "rejected": "rejected"}


def _greenhouse(document: Mapping[str, Any]) -> InboundEvent:
    action_value = document.get("action")
    if action_value is None or action_value == "ping":
        # The ping's schema is undocumented ("quite minimal"); a 200 keeps the hook enabled.
        return InboundEvent("greenhouse", EventKind.PING, "ping")
    action = _event_name(action_value, "action")
    payload = _obj(document.get("payload"), "payload")
    assert payload is not None
    kind = GREENHOUSE_APPLICATION_ACTIONS.get(action)
    if kind is not None:
        app = _obj(payload.get("application"), "payload.application")
        assert app is not None
        snapshot, occurred = _greenhouse_application(app, "payload.application")
        forced = FORCED_STATUS.get(kind)
        if forced:
            snapshot = replace(snapshot, status=forced)
        return InboundEvent("greenhouse", kind, action, occurred, application=snapshot)
    if action in ("delete_candidate", "merge_candidate"):
        person = _obj(payload.get("person"), "payload.person")
        assert person is not None
        candidate_id = _id(person.get("id"), "payload.person.id")
        deleted = tuple(
            _id(v, f"payload.person.deleted_application_ids[{i}]")
            for i, v in enumerate(_list(person.get("deleted_application_ids"), "payload.person"))
        )
        if action == "merge_candidate":
            return InboundEvent(
                "greenhouse",
                EventKind.CANDIDATE_MERGED,
                action,
                candidate_id=candidate_id,
                merged_into=_id(person.get("new_candidate_id"), "payload.person.new_candidate_id"),
                application_ids=deleted,
            )
        return InboundEvent(
            "greenhouse",
            EventKind.CANDIDATE_DELETED,
            action,
            candidate_id=candidate_id,
            application_ids=deleted,
        )
    if action == "delete_application":
        app = _obj(payload.get("application"), "payload.application")
        assert app is not None
        return InboundEvent(
            "greenhouse",
            EventKind.CANDIDATE_DELETED,
            action,
            application_ids=(_id(app.get("id"), "payload.application.id"),),
        )
    if action == "candidate_anonymized":
        fields = _list(payload.get("anonymized_fields"), "payload.anonymized_fields")
        return InboundEvent(
            "greenhouse",
            EventKind.CANDIDATE_ANONYMIZED,
            action,
            candidate_id=_id(payload.get("candidate_id"), "payload.candidate_id"),
            fields=tuple(str(f) for f in fields),
        )
    if action == "interview_deleted":
        interview = _obj(payload.get("interview"), "payload.interview")
        assert interview is not None
        return InboundEvent(
            "greenhouse",
            EventKind.INTERVIEW_CANCELLED,
            action,
            interview_id=_id(interview.get("id"), "payload.interview.id"),
        )
    if action == "job_interview_stage_deleted":
        stage = _obj(payload.get("job_interview_stage"), "payload.job_interview_stage")
        assert stage is not None
        return InboundEvent(
            "greenhouse",
            EventKind.JOB_STAGE_DELETED,
            action,
            _iso_time(stage.get("updated_at"), "payload.job_interview_stage.updated_at"),
            stage_id=_id(stage.get("id"), "payload.job_interview_stage.id"),
            job_id=_opt_id(stage.get("job_id"), "payload.job_interview_stage.job_id"),
        )
    return InboundEvent("greenhouse", EventKind.IGNORED, action)


def _greenhouse_application(
    app: Mapping[str, Any], path: str
) -> tuple[ApplicationSnapshot, datetime | None]:
    external_id = _id(app.get("id"), f"{path}.id")
    candidate = _obj(app.get("candidate"), f"{path}.candidate", required=False) or {}
    name = " ".join(
        part
        for part in (_text(candidate.get("first_name")), _text(candidate.get("last_name")))
        if part
    )
    jobs = _list(app.get("jobs"), f"{path}.jobs")
    job: Mapping[str, Any] | None = None
    if jobs:
        job = _obj(jobs[0], f"{path}.jobs[0]")
    elif app.get("job") is not None:
        job = _obj(app.get("job"), f"{path}.job")
    stage = _obj(app.get("current_stage"), f"{path}.current_stage", required=False)
    interviews: tuple[InterviewRef, ...] | None = None
    stage_id = stage_name = None
    if stage is not None:
        stage_id = _opt_id(stage.get("id"), f"{path}.current_stage.id")
        stage_name = _text(stage.get("name"))
        found: list[InterviewRef] = []
        for i, raw in enumerate(_list(stage.get("interviews"), f"{path}.current_stage.interviews")):
            where = f"{path}.current_stage.interviews[{i}]"
            interview = _obj(raw, where)
            assert interview is not None
            if "interviewers" not in interview:
                continue  # silent on who interviews: not "nobody"
            people: list[InterviewerRef] = []
            for j, raw_person in enumerate(
                _list(interview.get("interviewers"), f"{where}.interviewers")
            ):
                person = _obj(raw_person, f"{where}.interviewers[{j}]")
                assert person is not None
                if person.get("status") == "declined":
                    continue
                people.append(
                    InterviewerRef(
                        _id(person.get("id"), f"{where}.interviewers[{j}].id"),
                        _text(person.get("display_name")) or _text(person.get("name")),
                        _text(person.get("email")),
                    )
                )
            found.append(
                InterviewRef(
                    _opt_id(interview.get("id"), f"{where}.id"),
                    _text(interview.get("name")) or "",
                    tuple(people),
                    _text(interview.get("status")),
                )
            )
        interviews = tuple(found)
    offer = _obj(app.get("offer"), f"{path}.offer", required=False) or {}
    occurred = _latest(
        _iso_time(app.get("last_activity_at"), f"{path}.last_activity_at"),
        _iso_time(app.get("rejected_at"), f"{path}.rejected_at"),
        _iso_time(offer.get("resolved_at"), f"{path}.offer.resolved_at"),
    )
    snapshot = ApplicationSnapshot(
        external_id=external_id,
        candidate_external_id=_opt_id(candidate.get("id"), f"{path}.candidate.id"),
        candidate_name=name or None,
        job_id=_opt_id(job.get("id"), f"{path}.jobs[0].id") if job else None,
        job_name=_text(job.get("name")) if job else None,
        stage_id=stage_id,
        stage_name=stage_name,
        status=GREENHOUSE_STATUSES.get(str(app.get("status"))),
        interviews=interviews,
    )
    return snapshot, occurred


# Lever -------------------------------------------------------------------------------


def _lever(document: Mapping[str, Any]) -> InboundEvent:
    event = _event_name(document.get("event"), "event")
    occurred = _ms_time(document.get("triggeredAt"), "triggeredAt")
    data = _obj(document.get("data"), "data")
    assert data is not None
    if not data:
        # The settings page's "test request" sends an event with empty data.
        return InboundEvent("lever", EventKind.PING, event, occurred)
    candidate_id = _opt_id(data.get("candidateId"), "data.candidateId") or _opt_id(
        data.get("contactId"), "data.contactId"
    )
    if event in (
        "candidateStageChange",
        "applicationCreated",
        "candidateHired",
        "candidateArchiveChange",
    ):
        opportunity = _id(data.get("opportunityId"), "data.opportunityId")
        stage_id = None
        kind = EventKind.APPLICATION_UPDATED
        status: str | None = None
        if event == "candidateStageChange":
            kind = EventKind.APPLICATION_STAGE_CHANGED
            stage_id = _id(data.get("toStageId"), "data.toStageId")
        elif event == "candidateHired":
            kind, status = EventKind.APPLICATION_HIRED, "hired"
        elif event == "candidateArchiveChange":
            archived = _obj(data.get("toArchived"), "data.toArchived", required=False)
            if archived is not None:
                kind, status = EventKind.APPLICATION_REJECTED, "rejected"
            else:
                kind, status = EventKind.APPLICATION_UNREJECTED, "active"
        snapshot = ApplicationSnapshot(
            external_id=opportunity,
            candidate_external_id=candidate_id,
            stage_id=stage_id,
            status=status,
        )
        return InboundEvent("lever", kind, event, occurred, application=snapshot, thin=True)
    if event == "candidateDeleted":
        deleted_opportunity = _opt_id(data.get("opportunityId"), "data.opportunityId")
        if candidate_id is None and deleted_opportunity is None:
            raise MalformedPayload("data.candidateId", "is missing")
        return InboundEvent(
            "lever",
            EventKind.CANDIDATE_DELETED,
            event,
            occurred,
            candidate_id=candidate_id,
            application_ids=(deleted_opportunity,) if deleted_opportunity else (),
        )
    if event == "interviewDeleted":
        interview_id = _opt_id(data.get("interviewId"), "data.interviewId") or _id(
            data.get("id"), "data.interviewId"
        )
        interview_opportunity = _opt_id(data.get("opportunityId"), "data.opportunityId")
        return InboundEvent(
            "lever",
            EventKind.INTERVIEW_CANCELLED,
            event,
            occurred,
            interview_id=interview_id,
            application_ids=(interview_opportunity,) if interview_opportunity else (),
        )
    return InboundEvent("lever", EventKind.IGNORED, event, occurred)


# Ashby -------------------------------------------------------------------------------

ASHBY_APPLICATION_ACTIONS = {
    "candidateStageChange": EventKind.APPLICATION_STAGE_CHANGED,
    "applicationUpdate": EventKind.APPLICATION_UPDATED,
    "applicationSubmit": EventKind.APPLICATION_UPDATED,
    "candidateHire": EventKind.APPLICATION_HIRED,
}
ASHBY_STATUSES = {"Active": "active", "Lead": "active", "Hired": "hired", "Archived": "rejected"}


def _ashby(document: Mapping[str, Any]) -> InboundEvent:
    action = _event_name(document.get("action"), "action")
    if action == "ping":
        return InboundEvent("ashby", EventKind.PING, action)
    data = _obj(document.get("data"), "data")
    assert data is not None
    kind = ASHBY_APPLICATION_ACTIONS.get(action)
    if kind is not None:
        app = _obj(data.get("application"), "data.application")
        assert app is not None
        candidate = _obj(app.get("candidate"), "data.application.candidate", required=False) or {}
        job = _obj(app.get("job"), "data.application.job", required=False) or {}
        stage = (
            _obj(
                app.get("currentInterviewStage"),
                "data.application.currentInterviewStage",
                required=False,
            )
            or {}
        )
        status = ASHBY_STATUSES.get(str(app.get("status")))
        if kind is EventKind.APPLICATION_HIRED:
            status = "hired"
        snapshot = ApplicationSnapshot(
            external_id=_id(app.get("id"), "data.application.id"),
            candidate_external_id=_opt_id(candidate.get("id"), "data.application.candidate.id"),
            candidate_name=_text(candidate.get("name")),
            job_id=_opt_id(job.get("id"), "data.application.job.id"),
            job_name=_text(job.get("title")),
            stage_id=_opt_id(stage.get("id"), "data.application.currentInterviewStage.id"),
            stage_name=_text(stage.get("title")),
            status=status,
        )
        occurred = _iso_time(app.get("updatedAt"), "data.application.updatedAt")
        # Who interviews in the stage is not in the payload: read it where the API is set.
        thin = kind in (EventKind.APPLICATION_STAGE_CHANGED, EventKind.APPLICATION_UPDATED)
        return InboundEvent("ashby", kind, action, occurred, application=snapshot, thin=thin)
    if action in ("candidateDelete", "candidateMerge"):
        candidate = _obj(data.get("candidate"), "data.candidate", required=False) or {}
        candidate_id = _opt_id(candidate.get("id"), "data.candidate.id") or _opt_id(
            data.get("candidateId"), "data.candidateId"
        )
        if candidate_id is None:
            raise MalformedPayload("data.candidate.id", "is missing")
        if action == "candidateMerge":
            merged_into = _opt_id(
                data.get("mergedIntoCandidateId"), "data.mergedIntoCandidateId"
            ) or _opt_id(
                (data.get("mergedIntoCandidate") or {}).get("id")
                if isinstance(data.get("mergedIntoCandidate"), Mapping)
                else None,
                "data.mergedIntoCandidate.id",
            )
            return InboundEvent(
                "ashby",
                EventKind.CANDIDATE_MERGED,
                action,
                candidate_id=candidate_id,
                merged_into=merged_into,
            )
        return InboundEvent("ashby", EventKind.CANDIDATE_DELETED, action, candidate_id=candidate_id)
    if action in ("interviewScheduleCreate", "interviewScheduleUpdate"):
        return _ashby_schedule(action, data)
    return InboundEvent("ashby", EventKind.IGNORED, action)


def _ashby_schedule(action: str, data: Mapping[str, Any]) -> InboundEvent:
    """A schedule names who interviews in its stage (Ashby's stage changes name nobody); a
    cancelled one cancels its interviews (those it names; all of its stage's when it names
    none). The schedule's ``updatedAt`` is the schedule's time, not the application's, so a
    scheduling carries no time: it orders none of the application's own events."""
    schedule = _obj(data.get("interviewSchedule"), "data.interviewSchedule")
    assert schedule is not None
    path = "data.interviewSchedule"
    stage_id = _opt_id(schedule.get("interviewStageId"), f"{path}.interviewStageId")
    if schedule.get("status") == "Cancelled":
        try:
            interviews = _ashby_interviews(schedule, path)
        except MalformedPayload:
            interviews = ()  # the whole stage's, rather than refuse a cancellation
        application_id = _opt_id(schedule.get("applicationId"), f"{path}.applicationId")
        return InboundEvent(
            "ashby",
            EventKind.INTERVIEW_CANCELLED,
            action,
            _iso_time(schedule.get("updatedAt"), f"{path}.updatedAt"),
            interview_id=_id(schedule.get("id"), f"{path}.id"),
            application_ids=(application_id,) if application_id else (),
            stage_id=stage_id,
            interviews=interviews,
        )
    if stage_id is None:
        raise MalformedPayload(f"{path}.interviewStageId", "is missing")
    snapshot = ApplicationSnapshot(
        external_id=_id(schedule.get("applicationId"), f"{path}.applicationId"),
        interviews=_ashby_interviews(schedule, path),
    )
    return InboundEvent(
        "ashby",
        EventKind.INTERVIEWS_SCHEDULED,
        action,
        application=snapshot,
        interview_id=_opt_id(schedule.get("id"), f"{path}.id"),
        stage_id=stage_id,
    )


def _ashby_interviews(schedule: Mapping[str, Any], path: str) -> tuple[InterviewRef, ...]:
    """The schedule's interview events, one per interview (Ashby names an interview by its
    id only: the loop's ``ats_interview_id``) with all its interviewers."""
    interviewers: dict[str, list[InterviewerRef]] = {}
    for index, item in enumerate(_list(schedule.get("interviewEvents"), f"{path}.interviewEvents")):
        item_path = f"{path}.interviewEvents[{index}]"
        found = _obj(item, item_path)
        assert found is not None
        interview_id = _id(found.get("interviewId"), f"{item_path}.interviewId")
        people = interviewers.setdefault(interview_id, [])
        user_ids = _list(found.get("interviewerUserIds"), f"{item_path}.interviewerUserIds")
        for number, user in enumerate(user_ids):
            user_id = _id(user, f"{item_path}.interviewerUserIds[{number}]")
            if all(person.id != user_id for person in people):
                people.append(InterviewerRef(user_id))
    return tuple(
        InterviewRef(id=interview_id, name="", interviewers=tuple(people))
        for interview_id, people in interviewers.items()
    )
