from __future__ import annotations

from collections.abc import Callable

import pytest
import responses
from responses import matchers

from plugin.ats.ashby import AshbyClient
from plugin.ats.errors import AtsNotFound, AtsRateLimited, AtsResponseError, AtsServerError
from plugin.ats.http import HttpClient
from plugin.ats.lever import LeverClient
from tests.plugin.ats.conftest import FakeClock, payload
from tests.webhooks.helpers import ashby_application, ashby_interview_schedule

LEVER = "https://lever.test/v1"
ASHBY = "https://ashby.test"


@pytest.fixture
def lever(make_http: Callable[..., HttpClient]) -> LeverClient:
    return LeverClient(make_http(LEVER), perform_as="user-1")


@pytest.fixture
def ashby(make_http: Callable[..., HttpClient]) -> AshbyClient:
    return AshbyClient(make_http(ASHBY))


# -- Lever -----------------------------------------------------------------------------------


@responses.activate
def test_lever_stages_verbatim(lever: LeverClient) -> None:
    responses.get(f"{LEVER}/stages", json=payload("lever/api.stages.list.response.json"))
    stages = lever.job_stages("posting")
    assert stages[2].name == "Recruiter Screen"
    assert stages[2].id == "a42482ff-00ac-4cb2-a698-4b4436885b0c"


@responses.activate
def test_lever_feedback_pages_with_next_and_has_next(lever: LeverClient) -> None:
    form = payload("lever/api.feedback.retrieve.response.json")["data"]
    live = {**form, "deletedAt": None}
    scorecard_form = {
        **live,
        "id": "fb-2",
        "fields": [
            {"type": "score-system", "text": "Overall", "value": "3 - Hire"},
            {
                "type": "scorecard",
                "text": "Skills",
                "scores": [{"text": "Fluency with Data"}, {"text": "Managing Up"}],
                "value": [{"score": 4, "comment": "great SQL"}, {"score": 0, "comment": ""}],
            },
            {"type": "score", "text": "Product Quality", "value": 2},
        ],
    }
    responses.get(
        f"{LEVER}/opportunities/opp-1/feedback",
        json={"data": [live], "next": "0.1414895548650.a607", "hasNext": True},
        match=[matchers.query_param_matcher({"limit": "100"})],
    )
    responses.get(
        f"{LEVER}/opportunities/opp-1/feedback",
        json={"data": [scorecard_form, form], "hasNext": False},
        match=[matchers.query_param_matcher({"limit": "100", "offset": "0.1414895548650.a607"})],
    )
    first, second = lever.scorecards("opp-1")  # the deleted form is left out
    assert first.overall_recommendation == "4"  # "4 - Strong Hire" in a "score" field
    # The feedback form's template (what a loop's Lever interview is), not the interview.
    assert first.interview_id == "a12851f5-25cd-495b-9dae-b29b02d0b49d"
    assert first.interviewer_id == "a0afa6f7-7bb5-4ff6-93c3-e215fbcf3b2e"
    assert "Notes / Comments: Had a great conversation" in first.notes
    assert second.overall_recommendation == "3"
    assert [(r.name, r.rating, r.note) for r in second.ratings] == [
        ("Fluency with Data", "4", "great SQL"),
        ("Managing Up", "", ""),
        ("Product Quality", "2", ""),
    ]


@responses.activate
def test_lever_note_with_perform_as_verbatim(lever: LeverClient) -> None:
    request = payload("lever/api.notes.create.request.json")
    responses.post(
        f"{LEVER}/opportunities/opp-1/notes",
        status=201,
        json=payload("lever/api.notes.create.response.json"),
        match=[matchers.query_param_matcher({"perform_as": "user-1"})],
    )
    note = lever.create_candidate_note("opp-1", request["value"])
    assert note.id == "915a6cef-4f91-4f3d-b8ff-a49e1eae2c30"


@responses.activate
def test_lever_429_without_retry_after_waits_a_second(lever: LeverClient, clock: FakeClock) -> None:
    responses.get(f"{LEVER}/users/u1", status=429, json={"code": "TooManyRequests"})
    responses.get(f"{LEVER}/users/u1", json={"data": {"id": "u1", "name": "A", "email": "a@x"}})
    user = lever.user("u1")
    assert user is not None and user.email == "a@x"
    assert clock.sleeps == [pytest.approx(1.0)]


@responses.activate
def test_lever_notes_and_interviews(lever: LeverClient) -> None:
    responses.get(
        f"{LEVER}/opportunities/opp-1/notes",
        json={
            "data": [
                {
                    "id": "n1",
                    "text": "",
                    "fields": [{"type": "note", "value": "hi [m]"}],
                    "createdAt": 1423231493557,
                }
            ],
            "hasNext": False,
        },
    )
    interview = payload("lever/api.interviews.retrieve.response.json")["data"]
    responses.get(
        f"{LEVER}/opportunities/opp-1/interviews", json={"data": [interview], "hasNext": False}
    )
    assert lever.candidate_notes("opp-1")[0].body == "hi [m]"
    (scheduled,) = lever.scheduled_interviews("opp-1")
    assert scheduled.interviewers and scheduled.starts_at is not None


# -- Ashby -----------------------------------------------------------------------------------


@responses.activate
def test_ashby_feedback_pages_with_next_cursor(ashby: AshbyClient) -> None:
    results = payload(
        "ashby/api.applicationFeedback.list.results-example.converted-from-openapi-yaml.json"
    )
    responses.post(
        f"{ASHBY}/applicationFeedback.list",
        json={"success": True, "results": results, "moreDataAvailable": True, "nextCursor": "qA"},
        match=[
            matchers.json_params_matcher({"applicationId": "550e8400-e29b-41d4-a716-446655440000"})
        ],
    )
    responses.post(
        f"{ASHBY}/applicationFeedback.list",
        json={"success": True, "results": [], "moreDataAvailable": False},
        match=[
            matchers.json_params_matcher(
                {"applicationId": "550e8400-e29b-41d4-a716-446655440000", "cursor": "qA"}
            )
        ],
    )
    (card,) = ashby.scorecards("550e8400-e29b-41d4-a716-446655440000")
    assert card.overall_recommendation == "yes"  # "hire"
    assert [(r.name, r.rating) for r in card.ratings] == [("Technical Skills", "4")]
    assert (card.interviewer_id, card.interviewer_name) == (
        "123e4567-e89b-12d3-a456-426614174000",
        "Sarah Johnson",
    )
    assert "Detailed Feedback: Candidate demonstrated" in card.notes
    assert len(responses.calls) == 2


@responses.activate
def test_ashby_application_as_ashby_holds_it_now(ashby: AshbyClient) -> None:
    responses.post(
        f"{ASHBY}/application.info",
        json={"success": True, "results": ashby_application(stage_id="stage-final")},
        match=[matchers.json_params_matcher({"applicationId": "app-1"})],
    )
    found = ashby.application("app-1")
    assert found is not None
    assert (found.id, found.candidate_id, found.candidate_name) == (
        "8d1a5a3e-2a7b-4c2e-9a43-1b2c3d4e5f60",
        "cand-ashby-1",
        "Ada Ashby",
    )
    assert (found.job_id, found.job_name, found.stage_id, found.stage_name, found.status) == (
        "job-ashby-1",
        "Senior PM",
        "stage-final",
        "Onsite",
        "active",
    )
    assert found.updated_at is not None and found.updated_at.year == 2026


@responses.activate
def test_ashby_application_gone_or_garbled(ashby: AshbyClient) -> None:
    responses.post(
        f"{ASHBY}/application.info",
        json={"success": False, "errorInfo": {"code": "application_not_found"}},
    )
    assert ashby.application("gone") is None
    responses.replace(
        responses.POST, f"{ASHBY}/application.info", json={"success": True, "results": []}
    )
    with pytest.raises(AtsResponseError, match=r"application\.info"):
        ashby.application("odd")


@responses.activate
def test_ashby_scheduled_interviews_with_their_stage_and_interviewers(ashby: AshbyClient) -> None:
    live = ashby_interview_schedule(events=(("iv-analytics", ("user-1", "user-2")),))
    cancelled = {**ashby_interview_schedule(stage_id="stage-screen"), "status": "Cancelled"}
    responses.post(
        f"{ASHBY}/interviewSchedule.list",
        json={"success": True, "results": [live, cancelled], "moreDataAvailable": False},
        match=[matchers.json_params_matcher({"applicationId": "app-1"})],
    )
    first, second = ashby.scheduled_interviews("app-1")
    assert (first.interview_id, first.stage_id, first.cancelled) == (
        "iv-analytics",
        "stage-onsite",
        False,
    )
    assert [user.id for user in first.interviewers] == ["user-1", "user-2"]
    assert (second.stage_id, second.cancelled) == ("stage-screen", True)


@responses.activate
def test_ashby_create_note_and_list_notes(ashby: AshbyClient) -> None:
    responses.post(
        f"{ASHBY}/candidate.createNote",
        json={
            "success": True,
            "results": {"id": "note-1", "content": "b", "createdAt": "2024-01-01T00:00:00.000Z"},
        },
        match=[
            matchers.json_params_matcher(
                {
                    "candidateId": "c1",
                    "note": {"type": "text/plain", "value": "b"},
                    "sendNotifications": False,
                }
            )
        ],
    )
    responses.post(
        f"{ASHBY}/candidate.listNotes",
        json={
            "success": True,
            "results": [{"id": "note-1", "content": "b [m]"}],
            "moreDataAvailable": False,
        },
    )
    assert ashby.create_candidate_note("c1", "b").id == "note-1"
    assert ashby.candidate_notes("c1")[0].body == "b [m]"


@responses.activate
def test_ashby_interview_plan(ashby: AshbyClient) -> None:
    responses.post(
        f"{ASHBY}/jobInterviewPlan.info",
        json={
            "success": True,
            "results": {
                "stages": [
                    {
                        "id": "s2",
                        "title": "Onsite",
                        "orderInInterviewPlan": 2,
                        "activities": [
                            {
                                "id": "a",
                                "title": "Panel",
                                "interviews": [
                                    {"id": "x", "title": "Product sense", "interviewId": "i-1"}
                                ],
                            }
                        ],
                    },
                    {"id": "s1", "title": "Screen", "orderInInterviewPlan": 1, "activities": []},
                ]
            },
        },
    )
    stages = ashby.job_stages("job-1")
    assert [s.title if hasattr(s, "title") else s.name for s in stages] == ["Screen", "Onsite"]
    assert stages[1].interviews[0].id == "i-1"


@responses.activate
def test_ashby_errors(ashby: AshbyClient) -> None:
    responses.post(
        f"{ASHBY}/user.info",
        json={
            "success": False,
            "errorInfo": {"code": "user_not_found", "message": "no", "requestId": "r-9"},
        },
    )
    assert ashby.user("u") is None
    responses.post(
        f"{ASHBY}/candidate.createNote", json={"success": False, "errors": ["invalid_input"]}
    )
    with pytest.raises(AtsResponseError, match="invalid_input"):
        ashby.create_candidate_note("c", "b")
    responses.post(f"{ASHBY}/interviewSchedule.list", status=429, headers={"Retry-After": "120"})
    with pytest.raises(AtsRateLimited):
        ashby.scheduled_interviews("app")
    responses.post(f"{ASHBY}/candidate.listNotes", status=503)
    with pytest.raises(AtsServerError):
        ashby.candidate_notes("c")
    assert [c.request.url for c in responses.calls].count(f"{ASHBY}/candidate.listNotes") == 3


def test_not_found_is_not_retryable() -> None:
    assert not AtsNotFound("x", 404).retryable


@responses.activate
def test_lever_opportunity_gives_the_posting_stage_and_contact(lever: LeverClient) -> None:
    responses.get(
        f"{LEVER}/opportunities/opp-1",
        match=[matchers.query_param_matcher({"expand": ["applications", "stage"]})],
        json={
            "data": {
                "id": "opp-1",
                "name": "Kristoff Bjorgman",
                "contact": "contact-1",
                "stage": {"id": "stage-onsite", "text": "On-site interview"},
                "archived": None,
                "updatedAt": 1431454330072,
                "applications": [
                    {"id": "app-1", "type": "posting", "posting": {"id": "post-1", "text": "PM"}}
                ],
            }
        },
    )
    found = lever.application("opp-1")
    assert found is not None
    assert (found.job_id, found.job_name) == ("post-1", "PM")
    assert (found.stage_id, found.stage_name) == ("stage-onsite", "On-site interview")
    assert (found.candidate_id, found.candidate_name, found.status) == (
        "contact-1",
        "Kristoff Bjorgman",
        "active",
    )
    assert found.updated_at is not None and found.updated_at.year == 2015


@responses.activate
def test_lever_opportunity_unexpanded_archived_and_gone(lever: LeverClient) -> None:
    responses.get(
        f"{LEVER}/opportunities/opp-2",
        json={
            "data": {
                "id": "opp-2",
                "stage": "stage-x",
                "archived": {"reason": "reason-id", "archivedAt": 1431454330072},
                "applications": [{"id": "app-2", "posting": "post-2"}],
            }
        },
    )
    responses.get(f"{LEVER}/opportunities/opp-3", status=404, json={"code": "NotFound"})
    responses.get(f"{LEVER}/opportunities/opp-4", json={"data": []})
    # Lever archives hired candidates too: the archive reason's type says which.
    reason = {"id": "reason-id", "text": "Hired", "status": "active", "type": "hired"}
    responses.get(f"{LEVER}/archive_reasons/reason-id", json={"data": reason})
    found = lever.application("opp-2")
    assert found is not None
    assert (found.job_id, found.stage_id, found.stage_name) == ("post-2", "stage-x", None)
    assert found.status == "hired"
    responses.replace(
        responses.GET,
        f"{LEVER}/archive_reasons/reason-id",
        json={"data": {**reason, "text": "Underqualified", "type": "non-hired"}},
    )
    assert (found := lever.application("opp-2")) is not None and found.status == "rejected"
    responses.replace(responses.GET, f"{LEVER}/archive_reasons/reason-id", status=404, json={})
    assert (found := lever.application("opp-2")) is not None and found.status is None
    assert lever.application("opp-3") is None
    with pytest.raises(AtsResponseError):
        lever.application("opp-4")


@responses.activate
def test_lever_interviews_carry_their_stage_and_cancellation(lever: LeverClient) -> None:
    interview = payload("lever/api.interviews.retrieve.response.json")["data"]
    cancelled = {**interview, "id": "iv-2", "canceledAt": 1431454330072}
    responses.get(f"{LEVER}/opportunities/opp-1/interviews", json={"data": [interview, cancelled]})
    first, second = lever.scheduled_interviews("opp-1")
    assert first.stage_id == "f709f65a-481f-4067-9a0d-934a79da9f8e" and not first.cancelled
    assert first.interview_id == "7fdd449e-0bb1-4ac8-9b96-9281c1dc2099"
    assert [u.name for u in first.interviewers] == ["Rachel Green"]
    assert second.cancelled
