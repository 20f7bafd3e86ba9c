"""Lever webhooks: the signature, the inbox envelope and the normalised event.

Lever signs ``token + triggeredAt`` (not the body) and puts the signature in the body, so a
replay is refused by age (``triggeredAt``) and by the token, which is the dedupe key. Its
payloads are thin hints (ids only): state is re-read from Lever's API.

- Interview events (``interviewCreated``/``Updated``/``Deleted``, Beta) name an opportunity:
  its interviews are re-read and the panel of its stage updated, as after a stage change.
- An archive names only the account's archive reason id, and Lever archives hired
  candidates too (archive reasons are typed ``hired`` / ``non-hired``): an archive is
  ``closed`` here, and the re-read (the reason's type) makes it hired or rejected. An
  unarchive reopens the application.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from webhooks.events import ApplicationSnapshot, Envelope, EventKind, InboundEvent
from webhooks.payload import (
    MalformedPayload,
    event_name,
    hash_key,
    make_envelope,
    ms_time,
    optional_id,
    optional_mapping,
    required_id,
    required_mapping,
)
from webhooks.signing import SignatureError, matches_any, require_secrets

PROVIDER = "lever"

#: How far in the future a Lever ``triggeredAt`` may be (clock skew between Lever and us).
LEVER_FUTURE_TOLERANCE_MS = 5 * 60 * 1000

APPLICATION_EVENTS = (
    "candidateStageChange",
    "applicationCreated",
    "candidateHired",
    "candidateArchiveChange",
)
INTERVIEW_EVENTS = ("interviewCreated", "interviewUpdated", "interviewDeleted")


def verify_lever(
    token: object,
    triggered_at: object,
    signature: object,
    secrets: Sequence[str],
    *,
    now_ms: int,
    window_ms: int,
) -> None:
    """Lever signs ``token + triggeredAt`` (as sent) and puts the hex digest in the body.

    The signature does not cover ``event`` or ``data``; refusing stale ``triggeredAt`` here
    and remembering tokens in the inbox (the dedupe key) is what stops replays.
    """
    require_secrets(secrets, "HIRELOOP_LEVER_SIGNATURE_TOKEN")
    if signature is None or signature == "":
        raise SignatureError("missing", "The body has no 'signature' field.")
    if not isinstance(signature, str):
        raise SignatureError("malformed", "The body's 'signature' must be a hex string.")
    if not isinstance(token, str) or not token:
        raise SignatureError("malformed", "The body's 'token' must be a non-empty string.")
    if isinstance(triggered_at, bool) or not isinstance(triggered_at, int):
        raise SignatureError("malformed", "The body's 'triggeredAt' must be milliseconds.")
    message = f"{token}{triggered_at}".encode()
    if not matches_any(secrets, message, signature):
        raise SignatureError("mismatch", "The body's 'signature' does not match.")
    if triggered_at < now_ms - window_ms:
        raise SignatureError(
            "stale", "The delivery's 'triggeredAt' is older than the replay window."
        )
    if triggered_at > now_ms + LEVER_FUTURE_TOLERANCE_MS:
        raise SignatureError("stale", "The delivery's 'triggeredAt' is in the future.")


def envelope(document: Mapping[str, Any], body: bytes) -> Envelope:
    event_type = str(document.get("event") or "")
    token = document.get("token")
    key = f"token:{token}" if isinstance(token, str) and token else hash_key(body)
    return make_envelope(PROVIDER, event_type, key)


def normalise(document: Mapping[str, Any]) -> InboundEvent:
    event = event_name(document.get("event"), "event")
    occurred = ms_time(document.get("triggeredAt"), "triggeredAt")
    data = required_mapping(document.get("data"), "data")
    if not data:
        # The settings page's "test request" sends an event with empty data.
        return InboundEvent(PROVIDER, EventKind.PING, event, occurred)
    candidate_id = optional_id(data.get("candidateId"), "data.candidateId") or optional_id(
        data.get("contactId"), "data.contactId"
    )
    if event in APPLICATION_EVENTS:
        return _application_event(event, occurred, data, candidate_id)
    if event == "candidateDeleted":
        return _candidate_deleted(event, occurred, data, candidate_id)
    if event in INTERVIEW_EVENTS:
        return _interview_event(event, data, candidate_id)
    return InboundEvent(PROVIDER, EventKind.IGNORED, event, occurred)


def _application_event(
    event: str, occurred: datetime, data: Mapping[str, Any], candidate_id: str | None
) -> InboundEvent:
    """An opportunity changed (Lever's applications are opportunities)."""
    opportunity = required_id(data.get("opportunityId"), "data.opportunityId")
    stage_id = None
    kind = EventKind.APPLICATION_UPDATED
    status: str | None = None
    if event == "candidateStageChange":
        kind = EventKind.APPLICATION_STAGE_CHANGED
        stage_id = required_id(data.get("toStageId"), "data.toStageId")
    elif event == "candidateHired":
        kind, status = EventKind.APPLICATION_HIRED, "hired"
    elif event == "candidateArchiveChange":
        kind, status = _archive_change(data)
    snapshot = ApplicationSnapshot(
        external_id=opportunity,
        candidate_external_id=candidate_id,
        stage_id=stage_id,
        status=status,
    )
    return InboundEvent(PROVIDER, kind, event, occurred, application=snapshot, thin=True)


def _archive_change(data: Mapping[str, Any]) -> tuple[EventKind, str]:
    """Archived (``toArchived`` set) is closed: hired or rejected is the archive reason's
    type, which only Lever's API tells (the re-read); unarchived is active again."""
    archived = optional_mapping(data.get("toArchived"), "data.toArchived")
    if archived is not None:
        return EventKind.APPLICATION_UPDATED, "closed"
    return EventKind.APPLICATION_UNREJECTED, "active"


def _candidate_deleted(
    event: str, occurred: datetime, data: Mapping[str, Any], candidate_id: str | None
) -> InboundEvent:
    deleted_opportunity = optional_id(data.get("opportunityId"), "data.opportunityId")
    if candidate_id is None and deleted_opportunity is None:
        raise MalformedPayload("data.candidateId", "is missing")
    return InboundEvent(
        PROVIDER,
        EventKind.CANDIDATE_DELETED,
        event,
        occurred,
        candidate_id=candidate_id,
        application_ids=(deleted_opportunity,) if deleted_opportunity else (),
    )


def _interview_event(event: str, data: Mapping[str, Any], candidate_id: str | None) -> InboundEvent:
    """An interview of an opportunity was scheduled, changed or deleted: a hint to re-read
    the opportunity's interviews (the panel of its stage). It carries no time of the
    opportunity's, creates no application and moves nothing else."""
    opportunity = required_id(data.get("opportunityId"), "data.opportunityId")
    interview_id = optional_id(data.get("interviewId"), "data.interviewId")
    snapshot = ApplicationSnapshot(external_id=opportunity, candidate_external_id=candidate_id)
    return InboundEvent(
        PROVIDER,
        EventKind.INTERVIEWS_SCHEDULED,
        event,
        application=snapshot,
        interview_id=interview_id,
        thin=True,
    )
