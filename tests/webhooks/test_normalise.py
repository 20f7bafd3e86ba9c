from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.webhooks.helpers import ashby_application, ashby_interview_schedule, payload_bytes
from webhooks.events import ApplicationSnapshot, EventKind, InterviewerRef, InterviewRef
from webhooks.normalise import MalformedPayload, envelope, normalise, parse_body


def test_greenhouse_stage_change_verbatim() -> None:
    body = payload_bytes("greenhouse/candidate_stage_change.json")
    event = normalise("greenhouse", parse_body(body))
    assert event.kind is EventKind.APPLICATION_STAGE_CHANGED
    assert event.occurred_at == datetime(2015, 2, 9, 16, 38, 36, tzinfo=UTC)
    app = event.application
    assert app is not None
    assert (app.external_id, app.candidate_external_id, app.candidate_name) == (
        "265277",
        "265772",
        "Giuseppe Hurley",
    )
    assert (app.job_id, app.job_name, app.stage_id, app.stage_name, app.status) == (
        "3485",
        "Designer",
        "71416",
        "Assessment",
        "active",
    )
    assert app.interviews is not None
    [interview] = app.interviews
    assert (interview.id, interview.name) == ("113101", "Assessment")
    assert [(p.id, p.name) for p in interview.interviewers] == [("2622", "Carl Buddha")]


def test_greenhouse_interview_deleted_verbatim() -> None:
    event = normalise("greenhouse", parse_body(payload_bytes("greenhouse/interview_deleted.json")))
    assert event.kind is EventKind.INTERVIEW_CANCELLED
    assert event.interview_id == "31087450"


def test_greenhouse_envelope_uses_the_event_id_header_else_a_body_hash() -> None:
    body = payload_bytes("greenhouse/interview_deleted.json")
    doc = parse_body(body)
    assert (
        envelope("greenhouse", doc, body, {"Greenhouse-Event-ID": "abc"}).dedupe_key == "event:abc"
    )
    hashed = envelope("greenhouse", doc, body, {})
    assert hashed.dedupe_key.startswith("sha256:") and hashed.event_type == "interview_deleted"


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ({"action": "ping", "payload": {"web_hook_id": 1}}, EventKind.PING),
        ({"web_hook_id": 1}, EventKind.PING),
        ({"action": "offer_created", "payload": {}}, EventKind.IGNORED),
        (
            {
                "action": "candidate_anonymized",
                "payload": {"candidate_id": 7, "anonymized_fields": ["full_name"]},
            },
            EventKind.CANDIDATE_ANONYMIZED,
        ),
        (
            {
                "action": "delete_candidate",
                "payload": {"person": {"id": 7, "deleted_application_ids": [1, 2]}},
            },
            EventKind.CANDIDATE_DELETED,
        ),
        (
            {"action": "merge_candidate", "payload": {"person": {"id": 7, "new_candidate_id": 9}}},
            EventKind.CANDIDATE_MERGED,
        ),
        (
            {
                "action": "job_interview_stage_deleted",
                "payload": {
                    "job_interview_stage": {
                        "id": 430608,
                        "job_id": 60453,
                        "updated_at": "2016-08-16T09:29:33.650Z",
                    }
                },
            },
            EventKind.JOB_STAGE_DELETED,
        ),
    ],
)
def test_greenhouse_kinds(document: dict, kind: EventKind) -> None:  # type: ignore[type-arg]
    assert normalise("greenhouse", document).kind is kind


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"action": "candidate_stage_change"}, "payload"),
        ({"action": "candidate_stage_change", "payload": {}}, "payload.application"),
        (
            {"action": "candidate_stage_change", "payload": {"application": {"id": None}}},
            "payload.application.id",
        ),
        (
            {"action": "candidate_stage_change", "payload": {"application": {"id": {"x": 1}}}},
            "payload.application.id",
        ),
        (
            {
                "action": "candidate_stage_change",
                "payload": {"application": {"id": 1, "current_stage": {"interviews": "x"}}},
            },
            "payload.application.current_stage.interviews",
        ),
        (
            {
                "action": "candidate_stage_change",
                "payload": {"application": {"id": 1, "last_activity_at": "yesterday"}},
            },
            "payload.application.last_activity_at",
        ),
        ({"action": 5, "payload": {}}, "action"),
        ({"action": "interview_deleted", "payload": {"interview": {}}}, "payload.interview.id"),
    ],
)
def test_greenhouse_malformed_names_the_field(document: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(MalformedPayload) as info:
        normalise("greenhouse", document)
    assert info.value.field == field


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe{"])
def test_parse_body_refuses_non_objects(body: bytes) -> None:
    with pytest.raises(MalformedPayload) as info:
        parse_body(body)
    assert info.value.field == "body"


def test_lever_stage_change_corrected_file() -> None:
    body = payload_bytes("lever/candidateStageChange.corrected.json")
    document = parse_body(body)
    event = normalise("lever", document)
    assert event.kind is EventKind.APPLICATION_STAGE_CHANGED and event.thin
    assert event.application is not None
    assert event.application.external_id == "3410c8b9-5c31-4bab-b7e9-9f710206d647"
    assert event.application.stage_id == "7c2690d8-6308-4ed9-ae2a-cbfe7db26593"
    assert event.occurred_at == datetime.fromtimestamp(1431454330.072, UTC)
    assert envelope("lever", document, body, {}).dedupe_key == (
        "token:be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154"
    )


def test_lever_documented_delivery_as_published_is_not_json() -> None:
    # The docs' example misses a comma; a real delivery is valid JSON (see the corrected file).
    with pytest.raises(MalformedPayload):
        parse_body(b'{"triggeredAt": 1, "data": {"a": 1 "b": 2,}}')


def test_lever_test_request_and_archive() -> None:
    test_request = {
        "triggeredAt": 1,
        "event": "candidateHired",
        "data": {},
        "token": "t",
        "signature": "s",
    }
    assert normalise("lever", test_request).kind is EventKind.PING
    archived = {
        "triggeredAt": 1,
        "event": "candidateArchiveChange",
        "data": {
            "opportunityId": "o",
            "toArchived": {"archivedAt": 1, "reason": "r"},
            "fromArchived": None,
        },
    }
    # Lever archives hired candidates too: closed until the reason's type is re-read.
    event = normalise("lever", archived)
    assert event.kind is EventKind.APPLICATION_UPDATED and event.thin
    assert event.application is not None and event.application.status == "closed"
    with pytest.raises(MalformedPayload) as info:
        normalise(
            "lever",
            {"triggeredAt": 1, "event": "candidateStageChange", "data": {"opportunityId": "o"}},
        )
    assert info.value.field == "data.toStageId"


def test_ashby_documented_placeholder_is_not_json_and_the_filled_delivery_is() -> None:
    raw = payload_bytes("ashby/common-payload-data.candidateStageChange.as-documented.json")
    with pytest.raises(MalformedPayload):
        parse_body(raw)
    filled = raw.replace(b"{...}", json.dumps({"application": ashby_application()}).encode())
    document = parse_body(filled)
    event = normalise("ashby", document)
    assert event.kind is EventKind.APPLICATION_STAGE_CHANGED
    assert event.application is not None and event.application.interviews is None
    assert (event.application.job_id, event.application.stage_id) == ("job-ashby-1", "stage-onsite")
    assert envelope("ashby", document, filled, {}).dedupe_key == (
        "action:75395d87-4044-4dc4-bc29-0cec185e5f06:candidateStageChange"
    )


def test_ashby_without_action_id_dedupes_on_resource_and_updated_at() -> None:
    document = {"action": "applicationUpdate", "data": {"application": ashby_application()}}
    key = envelope("ashby", document, b"{}", {}).dedupe_key
    assert (
        key == "resource:applicationUpdate:8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60:"
        "2026-03-02T10:00:00.000Z"
    )


def test_ashby_kinds() -> None:
    assert (
        normalise("ashby", {"action": "ping", "data": {"webhookActionType": "ping"}}).kind
        is EventKind.PING
    )
    cancelled = {
        "action": "interviewScheduleUpdate",
        "data": {
            "interviewSchedule": {
                "id": "s1",
                "status": "Cancelled",
                "applicationId": "a1",
                "interviewStageId": "st",
            }
        },
    }
    event = normalise("ashby", cancelled)
    assert (event.kind, event.interview_id, event.application_ids, event.stage_id) == (
        EventKind.INTERVIEW_CANCELLED,
        "s1",
        ("a1",),
        "st",
    )
    hired = normalise(
        "ashby",
        {"action": "candidateHire", "data": {"application": ashby_application(status="Hired")}},
    )
    assert (
        hired.kind is EventKind.APPLICATION_HIRED
        and hired.application
        and hired.application.status == "hired"
    )
    with pytest.raises(MalformedPayload) as info:
        normalise("ashby", {"action": "candidateStageChange", "data": {}})
    assert info.value.field == "data.application"


def test_an_ashby_schedule_names_the_interviewers_of_its_stage_and_carries_no_time() -> None:
    schedule = ashby_interview_schedule(
        events=(
            ("iv-analytics", ("user-1", "user-2")),
            ("iv-analytics", ("user-2", "user-3")),  # a panel split over two events
            ("iv-spec", ()),
        )
    )
    expected = (
        InterviewRef(
            "iv-analytics",
            "",
            (InterviewerRef("user-1"), InterviewerRef("user-2"), InterviewerRef("user-3")),
        ),
        InterviewRef("iv-spec", "", ()),
    )
    for action in ("interviewScheduleCreate", "interviewScheduleUpdate"):
        document = {"action": action, "data": {"interviewSchedule": schedule, "candidateId": "c1"}}
        event = normalise("ashby", document)
        assert (event.kind, event.occurred_at) == (EventKind.INTERVIEWS_SCHEDULED, None)
        assert (event.interview_id, event.stage_id) == ("sched-1", "stage-onsite")
        assert event.application == ApplicationSnapshot(
            "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60", interviews=expected
        )
    cancelled = {**schedule, "status": "Cancelled"}
    event = normalise(
        "ashby", {"action": "interviewScheduleUpdate", "data": {"interviewSchedule": cancelled}}
    )
    assert (event.kind, event.interview_id, event.stage_id) == (
        EventKind.INTERVIEW_CANCELLED,
        "sched-1",
        "stage-onsite",
    )
    assert event.interviews == expected  # only these are cancelled


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"applicationId": None}, "data.interviewSchedule.applicationId"),
        ({"interviewStageId": None}, "data.interviewSchedule.interviewStageId"),
        ({"interviewEvents": {}}, "data.interviewSchedule.interviewEvents"),
        (
            {"interviewEvents": [{"id": "e"}]},
            "data.interviewSchedule.interviewEvents[0].interviewId",
        ),
        (
            {"interviewEvents": [{"interviewId": "iv", "interviewerUserIds": [None]}]},
            "data.interviewSchedule.interviewEvents[0].interviewerUserIds[0]",
        ),
    ],
)
def test_an_ashby_schedule_without_what_it_needs_names_the_field(
    change: dict[str, Any], field: str
) -> None:
    schedule = {**ashby_interview_schedule(), **change}
    document = {"action": "interviewScheduleCreate", "data": {"interviewSchedule": schedule}}
    with pytest.raises(MalformedPayload) as info:
        normalise("ashby", document)
    assert info.value.field == field


@pytest.mark.parametrize("name", ["interviewCreated", "interviewUpdated", "interviewDeleted"])
def test_lever_interview_events_are_thin_hints_to_reread_the_panel(name: str) -> None:
    body = payload_bytes(f"lever/{name}.assembled.json")
    document = parse_body(body)
    event = normalise("lever", document)
    assert (event.kind, event.vendor_event, event.thin) == (
        EventKind.INTERVIEWS_SCHEDULED,
        name,
        True,
    )
    # The opportunity to re-read; no time of the opportunity's, no stage, no interviewers.
    assert event.application == ApplicationSnapshot(
        "3410c8b9-5c31-4bab-b7e9-9f710206d647",
        candidate_external_id="daeaa038-cddb-4d69-9b8c-74b6c23be3f3",
    )
    assert (event.occurred_at, event.stage_id) == (None, None)
    assert event.interview_id == "6ff55c8e-fe04-4eb4-835a-630b1c0da421"
    assert envelope("lever", document, body, {}).dedupe_key == f"token:{document['token']}"
    del document["data"]["opportunityId"]
    with pytest.raises(MalformedPayload) as info:
        normalise("lever", document)
    assert info.value.field == "data.opportunityId"


def test_lever_archive_is_closed_until_its_reason_is_read_and_unarchive_reopens() -> None:
    archived = normalise("lever", parse_body(payload_bytes(
        "lever/candidateArchiveChange.hired.assembled.json"
    )))  # fmt: skip
    assert archived.kind is EventKind.APPLICATION_UPDATED and archived.thin
    assert archived.application is not None and archived.application.status == "closed"
    reopened = normalise("lever", parse_body(payload_bytes(
        "lever/candidateArchiveChange.unarchived.assembled.json"
    )))  # fmt: skip
    assert reopened.kind is EventKind.APPLICATION_UNREJECTED
    assert reopened.application is not None and reopened.application.status == "active"


def test_ashby_merge_reads_the_deleted_and_the_merged_candidate() -> None:
    body = payload_bytes("ashby/candidateMerge.assembled-from-openapi-schema.json")
    event = normalise("ashby", parse_body(body))
    assert (event.kind, event.candidate_id, event.merged_into) == (
        EventKind.CANDIDATE_MERGED,
        "f9e52a51-a075-4116-a7b8-484deba69004",
        "5b591aac-5a1c-4eeb-b5c1-2c1ed1d7e3d4",
    )
    # The fields the old reading looked for do not exist: a body with only those is refused.
    wrong = {"action": "candidateMerge", "data": {"candidate": {"id": "c"}, "mergedIntoId": "m"}}
    with pytest.raises(MalformedPayload) as info:
        normalise("ashby", wrong)
    assert info.value.field == "data.deletedCandidate"


def test_ashby_schedule_reads_interviewers_first_then_user_ids_then_knows_nobody() -> None:
    body = payload_bytes("ashby/interviewScheduleUpdate.assembled-from-openapi-schema.json")
    document = parse_body(body)
    [interview] = normalise("ashby", document).application.interviews  # type: ignore[union-attr]
    assert interview == InterviewRef(
        "ff6c7d9d-71e3-4c9c-88b1-28824980c276",
        "",
        (InterviewerRef("caea4d97-331d-46b1-a8e3-6b821c2214ef", "Test User", "test@ashbyhq.com"),),
    )
    event = document["data"]["interviewSchedule"]["interviewEvents"][0]
    del event["interviewers"]
    [interview] = normalise("ashby", document).application.interviews  # type: ignore[union-attr]
    assert interview.interviewers == (InterviewerRef("caea4d97-331d-46b1-a8e3-6b821c2214ef"),)
    assert interview.panel_known
    del event["interviewerUserIds"]
    [interview] = normalise("ashby", document).application.interviews  # type: ignore[union-attr]
    assert (interview.interviewers, interview.panel_known) == ((), False)
