"""Greenhouse webhooks: the signature, the inbox envelope and the normalised event.

Greenhouse signs the whole raw body (``Signature: sha256 <hex>``), names the delivery in the
``Greenhouse-Event-ID`` header and sends full application snapshots, including the current
stage's interviews and who runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
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
    array,
    event_name,
    hash_key,
    iso_time,
    latest,
    make_envelope,
    optional_id,
    optional_mapping,
    required_id,
    required_mapping,
    text,
)
from webhooks.signing import require_secrets, verify_body

PROVIDER = "greenhouse"

APPLICATION_ACTIONS = {
    "candidate_stage_change": EventKind.APPLICATION_STAGE_CHANGED,
    "new_candidate_application": EventKind.APPLICATION_UPDATED,
    "new_prospect_application": EventKind.APPLICATION_UPDATED,
    "application_updated": EventKind.APPLICATION_UPDATED,
    "unhire_candidate": EventKind.APPLICATION_UPDATED,
    "hire_candidate": EventKind.APPLICATION_HIRED,
    "reject_candidate": EventKind.APPLICATION_REJECTED,
    "unreject_candidate": EventKind.APPLICATION_UNREJECTED,
}
# What these actions mean for the status, whatever the snapshot's own status field says.
FORCED_STATUS = {
    EventKind.APPLICATION_HIRED: "hired",
    EventKind.APPLICATION_REJECTED: "rejected",
    EventKind.APPLICATION_UNREJECTED: "active",
}
STATUSES = {"active": "active", "hired": "hired", "rejected": "rejected"}


def verify_greenhouse(body: bytes, header: str | None, secrets: Sequence[str]) -> None:
    """``Signature: sha256 <hex>`` over the entire raw body (not the re-serialised JSON)."""
    require_secrets(secrets, "HIRELOOP_GREENHOUSE_WEBHOOK_SECRET")
    verify_body(body, header, secrets, separator=" ", header_name="Signature")


def envelope(document: Mapping[str, Any], body: bytes, headers: Mapping[str, str]) -> Envelope:
    event_type = str(document.get("action") or "ping")
    event_id = (headers.get("Greenhouse-Event-ID") or "").strip()
    key = f"event:{event_id}" if event_id else hash_key(body)
    return make_envelope(PROVIDER, event_type, key)


def normalise(document: Mapping[str, Any]) -> InboundEvent:
    action_value = document.get("action")
    if action_value is None or action_value == "ping":
        # The ping's schema is undocumented ("quite minimal"); a 200 keeps the hook enabled.
        return InboundEvent(PROVIDER, EventKind.PING, "ping")
    action = event_name(action_value, "action")
    payload = required_mapping(document.get("payload"), "payload")
    kind = APPLICATION_ACTIONS.get(action)
    if kind is not None:
        return _application_event(action, kind, payload)
    handler = _OTHER_ACTIONS.get(action)
    if handler is None:
        return InboundEvent(PROVIDER, EventKind.IGNORED, action)
    return handler(action, payload)


# -- events about an application --------------------------------------------------------------


def _application_event(action: str, kind: EventKind, payload: Mapping[str, Any]) -> InboundEvent:
    app = required_mapping(payload.get("application"), "payload.application")
    snapshot, occurred = _application_snapshot(app, "payload.application")
    forced = FORCED_STATUS.get(kind)
    if forced:
        snapshot = replace(snapshot, status=forced)
    return InboundEvent(PROVIDER, kind, action, occurred, application=snapshot)


def _application_snapshot(
    app: Mapping[str, Any], path: str
) -> tuple[ApplicationSnapshot, datetime | None]:
    """The application as the payload describes it, and the time of its latest change."""
    # Fields are read in a fixed order: the first malformed one is the one reported.
    external_id = required_id(app.get("id"), f"{path}.id")
    candidate = optional_mapping(app.get("candidate"), f"{path}.candidate") or {}
    name = _full_name(candidate)
    job = _job(app, path)
    stage = optional_mapping(app.get("current_stage"), f"{path}.current_stage")
    interviews: tuple[InterviewRef, ...] | None = None
    stage_id = stage_name = None
    if stage is not None:
        stage_id = optional_id(stage.get("id"), f"{path}.current_stage.id")
        stage_name = text(stage.get("name"))
        interviews = _stage_interviews(stage, f"{path}.current_stage")
    occurred = _last_change(app, path)
    snapshot = ApplicationSnapshot(
        external_id=external_id,
        candidate_external_id=optional_id(candidate.get("id"), f"{path}.candidate.id"),
        candidate_name=name or None,
        job_id=optional_id(job.get("id"), f"{path}.jobs[0].id") if job else None,
        job_name=text(job.get("name")) if job else None,
        stage_id=stage_id,
        stage_name=stage_name,
        status=STATUSES.get(str(app.get("status"))),
        interviews=interviews,
    )
    return snapshot, occurred


def _full_name(candidate: Mapping[str, Any]) -> str:
    parts = (text(candidate.get("first_name")), text(candidate.get("last_name")))
    return " ".join(part for part in parts if part)


def _job(app: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    """The application's job: the first of ``jobs``, else ``job`` (prospects may have none)."""
    jobs = array(app.get("jobs"), f"{path}.jobs")
    if jobs:
        return required_mapping(jobs[0], f"{path}.jobs[0]")
    if app.get("job") is not None:
        return required_mapping(app.get("job"), f"{path}.job")
    return None


def _stage_interviews(stage: Mapping[str, Any], path: str) -> tuple[InterviewRef, ...]:
    found: list[InterviewRef] = []
    for i, raw in enumerate(array(stage.get("interviews"), f"{path}.interviews")):
        where = f"{path}.interviews[{i}]"
        interview = required_mapping(raw, where)
        if "interviewers" not in interview:
            continue  # silent on who interviews: not "nobody"
        people = _interviewers(interview, where)
        found.append(
            InterviewRef(
                optional_id(interview.get("id"), f"{where}.id"),
                text(interview.get("name")) or "",
                people,
                text(interview.get("status")),
            )
        )
    return tuple(found)


def _interviewers(interview: Mapping[str, Any], where: str) -> tuple[InterviewerRef, ...]:
    """Who runs the interview; someone who declined does not."""
    people: list[InterviewerRef] = []
    for j, raw_person in enumerate(array(interview.get("interviewers"), f"{where}.interviewers")):
        person = required_mapping(raw_person, f"{where}.interviewers[{j}]")
        if person.get("status") == "declined":
            continue
        people.append(
            InterviewerRef(
                required_id(person.get("id"), f"{where}.interviewers[{j}].id"),
                text(person.get("display_name")) or text(person.get("name")),
                text(person.get("email")),
            )
        )
    return tuple(people)


def _last_change(app: Mapping[str, Any], path: str) -> datetime | None:
    offer = optional_mapping(app.get("offer"), f"{path}.offer") or {}
    return latest(
        iso_time(app.get("last_activity_at"), f"{path}.last_activity_at"),
        iso_time(app.get("rejected_at"), f"{path}.rejected_at"),
        iso_time(offer.get("resolved_at"), f"{path}.offer.resolved_at"),
    )


# -- other events -----------------------------------------------------------------------------


def _candidate_removed(action: str, payload: Mapping[str, Any]) -> InboundEvent:
    """delete_candidate and merge_candidate: the person and the applications that went."""
    person = required_mapping(payload.get("person"), "payload.person")
    candidate_id = required_id(person.get("id"), "payload.person.id")
    deleted = tuple(
        required_id(v, f"payload.person.deleted_application_ids[{i}]")
        for i, v in enumerate(array(person.get("deleted_application_ids"), "payload.person"))
    )
    if action == "merge_candidate":
        return InboundEvent(
            PROVIDER,
            EventKind.CANDIDATE_MERGED,
            action,
            candidate_id=candidate_id,
            merged_into=required_id(
                person.get("new_candidate_id"), "payload.person.new_candidate_id"
            ),
            application_ids=deleted,
        )
    return InboundEvent(
        PROVIDER,
        EventKind.CANDIDATE_DELETED,
        action,
        candidate_id=candidate_id,
        application_ids=deleted,
    )


def _application_deleted(action: str, payload: Mapping[str, Any]) -> InboundEvent:
    app = required_mapping(payload.get("application"), "payload.application")
    return InboundEvent(
        PROVIDER,
        EventKind.CANDIDATE_DELETED,
        action,
        application_ids=(required_id(app.get("id"), "payload.application.id"),),
    )


def _candidate_anonymized(action: str, payload: Mapping[str, Any]) -> InboundEvent:
    fields = array(payload.get("anonymized_fields"), "payload.anonymized_fields")
    return InboundEvent(
        PROVIDER,
        EventKind.CANDIDATE_ANONYMIZED,
        action,
        candidate_id=required_id(payload.get("candidate_id"), "payload.candidate_id"),
        fields=tuple(str(f) for f in fields),
    )


def _interview_deleted(action: str, payload: Mapping[str, Any]) -> InboundEvent:
    interview = required_mapping(payload.get("interview"), "payload.interview")
    return InboundEvent(
        PROVIDER,
        EventKind.INTERVIEW_CANCELLED,
        action,
        interview_id=required_id(interview.get("id"), "payload.interview.id"),
    )


def _scorecard_deleted(action: str, payload: Mapping[str, Any]) -> InboundEvent:
    card = required_mapping(payload.get("scorecard"), "payload.scorecard")
    return InboundEvent(
        PROVIDER,
        EventKind.SCORECARD_DELETED,
        action,
        iso_time(card.get("updated_at"), "payload.scorecard.updated_at"),
        scorecard_id=required_id(card.get("id"), "payload.scorecard.id"),
        candidate_id=optional_id(card.get("candidate_id"), "payload.scorecard.candidate_id"),
    )


def _job_stage_deleted(action: str, payload: Mapping[str, Any]) -> InboundEvent:
    path = "payload.job_interview_stage"
    stage = required_mapping(payload.get("job_interview_stage"), path)
    return InboundEvent(
        PROVIDER,
        EventKind.JOB_STAGE_DELETED,
        action,
        iso_time(stage.get("updated_at"), f"{path}.updated_at"),
        stage_id=required_id(stage.get("id"), f"{path}.id"),
        job_id=optional_id(stage.get("job_id"), f"{path}.job_id"),
    )


_OTHER_ACTIONS: dict[str, Callable[[str, Mapping[str, Any]], InboundEvent]] = {
    "delete_candidate": _candidate_removed,
    "merge_candidate": _candidate_removed,
    "delete_application": _application_deleted,
    "candidate_anonymized": _candidate_anonymized,
    "interview_deleted": _interview_deleted,
    "scorecard_deleted": _scorecard_deleted,
    "job_interview_stage_deleted": _job_stage_deleted,
}
