"""Signing webhook bodies exactly as the vendors do, and the payload files verbatim."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

from tests.conftest import PAYLOADS

GREENHOUSE_SECRET = "gh-secret-current"
GREENHOUSE_OLD_SECRET = "gh-secret-previous"
LEVER_TOKEN = "lever-signature-token"
ASHBY_SECRET = "ashby-secret-token"

INBOUND_CONFIG = {
    "GREENHOUSE_WEBHOOK_SECRET": f"{GREENHOUSE_SECRET},{GREENHOUSE_OLD_SECRET}",
    "LEVER_SIGNATURE_TOKEN": LEVER_TOKEN,
    "ASHBY_WEBHOOK_SECRET": ASHBY_SECRET,
    # Handle in the request so a test sees the effects when the 200 arrives; the default
    # (the worker handles) has its own tests.
    "WEBHOOK_HANDLING": "inline",
}


def payload_bytes(name: str) -> bytes:
    """A vendor payload file, byte for byte."""
    return (PAYLOADS / name).read_bytes()


def payload_path(name: str) -> Path:
    return PAYLOADS / name


def hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def greenhouse_headers(
    body: bytes, secret: str = GREENHOUSE_SECRET, event_id: str | None = "evt-1"
) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "Signature": f"sha256 {hex_hmac(secret, body)}"}
    if event_id is not None:
        headers["Greenhouse-Event-ID"] = event_id
    return headers


def ashby_headers(body: bytes, secret: str = ASHBY_SECRET) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Ashby-Signature": f"sha256={hex_hmac(secret, body)}",
    }


def lever_signature(token: str, triggered_at: int, secret: str = LEVER_TOKEN) -> str:
    return hex_hmac(secret, f"{token}{triggered_at}".encode())


def now_ms() -> int:
    return int(time.time() * 1000)


def resign_lever(
    raw: bytes, *, triggered_at: int | None = None, secret: str = LEVER_TOKEN
) -> bytes:
    """Lever's documented delivery with its ``triggeredAt`` (optionally) and ``signature``
    replaced in place, every other byte as published."""
    document = json.loads(raw)
    text = raw.decode()
    old_at = document["triggeredAt"]
    new_at = old_at if triggered_at is None else triggered_at
    text = text.replace(f'"triggeredAt": {old_at}', f'"triggeredAt": {new_at}', 1)
    text = text.replace(document["signature"], lever_signature(document["token"], new_at, secret))
    return text.encode()


def lever_body(
    event: str, data: dict[str, Any], *, token: str, triggered_at: int | None = None
) -> bytes:
    at = now_ms() if triggered_at is None else triggered_at
    return json.dumps(
        {
            "triggeredAt": at,
            "event": event,
            "data": data,
            "signature": lever_signature(token, at),
            "token": token,
        }
    ).encode()


def ashby_application(
    *,
    application_id: str = "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60",
    stage_id: str = "stage-onsite",
    stage_title: str = "Onsite",
    status: str = "Active",
    updated_at: str = "2026-03-02T10:00:00.000Z",
    job_id: str = "job-ashby-1",
) -> dict[str, Any]:
    """An application object with the fields Ashby's webhook schema marks required."""
    return {
        "id": application_id,
        "createdAt": "2026-03-01T09:00:00.000Z",
        "updatedAt": updated_at,
        "status": status,
        "candidate": {
            "id": "cand-ashby-1",
            "name": "Ada Ashby",
            "primaryEmailAddress": {
                "value": "ada@example.com",
                "type": "Personal",
                "isPrimary": True,
            },
        },
        "currentInterviewStage": {
            "id": stage_id,
            "title": stage_title,
            "type": "Active",
            "orderInInterviewPlan": 3,
            "interviewStageGroupId": "group-1",
            "interviewPlanId": "plan-1",
        },
        "job": {"id": job_id, "title": "Senior PM", "locationId": "loc-1", "departmentId": "dep-1"},
        "hiringTeam": [],
    }


def ashby_interview_schedule(
    *,
    application_id: str = "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60",
    stage_id: str = "stage-onsite",
    status: str = "Scheduled",
    events: tuple[tuple[str, tuple[str, ...]], ...] = (("iv-analytics", ("user-1", "user-2")),),
) -> dict[str, Any]:
    """An interview schedule as Ashby's webhook schema describes it; ``events``: per
    interview event, the interview id and the interviewers' user ids."""
    return {
        "id": "sched-1",
        "status": status,
        "applicationId": application_id,
        "interviewStageId": stage_id,
        "scheduledBy": {"id": "user-9"},
        "createdAt": "2026-03-02T11:00:00.000Z",
        "updatedAt": "2026-03-02T11:05:00.000Z",
        "interviewEvents": [
            {
                "id": f"event-{number}",
                "interviewId": interview_id,
                "interviewScheduleId": "sched-1",
                "interviewerUserIds": list(user_ids),
                "createdAt": "2026-03-02T11:00:00.000Z",
                "startTime": "2026-03-05T15:00:00.000Z",
                "endTime": "2026-03-05T16:00:00.000Z",
                "hasSubmittedFeedback": False,
            }
            for number, (interview_id, user_ids) in enumerate(events)
        ],
    }


def ashby_delivery_from_documented(data: dict[str, Any]) -> bytes:
    """Ashby's documented common payload with its ``{...}`` placeholder filled in."""
    raw = payload_bytes("ashby/common-payload-data.candidateStageChange.as-documented.json")
    return raw.replace(b"{...}", json.dumps(data).encode())
