from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from responses import matchers

from plugin.ats.errors import AtsAuthError, AtsConfigError, AtsServerError
from plugin.ats.greenhouse import (
    GreenhouseClient,
    GreenhouseV1Client,
    GreenhouseV3Client,
    OAuthClientCredentials,
)
from plugin.ats.http import HttpClient
from tests.plugin.ats.conftest import FakeClock, payload

API = "https://harvest.test"
TOKEN_URL = "https://auth.test/token"
SCORECARD = payload("greenhouse/harvest_v1_scorecard_object.json")
STAGE = payload("greenhouse/harvest_v1_job_stage_object.json")


@pytest.fixture
def v1(make_http: Callable[..., HttpClient]) -> GreenhouseClient:
    return GreenhouseV1Client(make_http(API), on_behalf_of="4080")


@pytest.fixture
def oauth(clock: FakeClock) -> OAuthClientCredentials:
    return OAuthClientCredentials(TOKEN_URL, "cid", "csecret", "4080", clock=clock)


@pytest.fixture
def v3(make_http: Callable[..., HttpClient], oauth: OAuthClientCredentials) -> GreenhouseClient:
    return GreenhouseV3Client(make_http(API, auth=oauth))


def token(value: str = "tok-1", expires_in: int = 3600) -> None:
    responses.post(
        TOKEN_URL,
        json={"access_token": value, "token_type": "Bearer", "expires_in": expires_in},
        match=[
            matchers.urlencoded_params_matcher({"grant_type": "client_credentials", "sub": "4080"})
        ],
    )


# -- v1 --------------------------------------------------------------------------------------


@responses.activate
def test_v1_job_stages_follow_link_pagination(v1: GreenhouseClient) -> None:
    second = {**STAGE, "id": 72201, "name": "Offer", "priority": 1, "interviews": []}
    responses.get(
        f"{API}/v1/jobs/98765/stages",
        json=[second],
        headers={"Link": f'<{API}/v1/jobs/98765/stages?page=2&per_page=100>; rel="next"'},
        match=[matchers.query_param_matcher({"per_page": "100"})],
    )
    responses.get(
        f"{API}/v1/jobs/98765/stages",
        json=[STAGE],
        match=[matchers.query_param_matcher({"page": "2", "per_page": "100"})],
    )
    stages = v1.job_stages("98765")
    assert [s.name for s in stages] == ["Face to Face", "Offer"]  # by priority
    face = stages[0]
    assert face.id == "72200"
    assert [(i.id, i.name) for i in face.interviews] == [
        ("6001", "Cultural Fit Interview"),
        ("6002", "Executive Interview"),
    ]
    assert face.interviews[1].questions == (
        "What's their favorite color?",
        "Do they really want to work here?",
    )
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


@responses.activate
def test_v1_scorecards_from_the_verbatim_object(v1: GreenhouseClient) -> None:
    responses.get(f"{API}/v1/applications/3456/scorecards", json=[SCORECARD])
    (card,) = v1.scorecards("3456")
    assert card.id == "123" and card.application_id == "3456"
    assert (card.interviewer_id, card.interviewer_name) == ("821", "Robert Robertson")
    assert (card.interview_id, card.interview_name) == ("432", "Application Review")
    assert card.overall_recommendation == "yes"
    assert [(r.name, r.rating) for r in card.ratings] == [
        ("Communication", "yes"),
        ("Adaptable", "yes"),
        ("Relationship Manager", "mixed"),
        ("Project Management", "mixed"),
        ("Problem Solver", "no"),
        ("Analytical", "definitely_not"),
    ]
    assert card.ratings[0].note == "What a great communicator!"
    assert "Key Take-Aways: Seems like a decent candidate." in card.notes
    assert "Private Notes" not in card.notes
    assert card.submitted_at is not None and card.submitted_at.year == 2014


@responses.activate
def test_v1_note_with_on_behalf_of(v1: GreenhouseClient) -> None:
    responses.post(
        f"{API}/v1/candidates/1234/activity_feed/notes",
        status=201,
        json={
            "id": 226809052,
            "created_at": "2015-07-17T16:29:31Z",
            "body": "hello",
            "user": {"id": 4080},
            "private": False,
            "visiblity": "public",
            "visibility": "public",
        },
        match=[
            matchers.header_matcher({"On-Behalf-Of": "4080"}),
            matchers.json_params_matcher(
                {"user_id": 4080, "body": "hello", "visibility": "public"}
            ),
        ],
    )
    note = v1.create_candidate_note("1234", "hello")
    assert note.id == "226809052" and note.created_at is not None


def test_v1_note_needs_a_user(make_http: Callable[..., HttpClient]) -> None:
    client = GreenhouseV1Client(make_http(API))
    with pytest.raises(AtsConfigError, match="ON_BEHALF_OF"):
        client.create_candidate_note("1", "x")


@responses.activate
def test_v1_reads_notes_users_applications_and_interviews(v1: GreenhouseClient) -> None:
    responses.get(
        f"{API}/v1/candidates/1234/activity_feed",
        json={
            "notes": [{"id": 1, "body": "a [m]", "created_at": "2020-01-01T00:00:00Z"}],
            "emails": [],
            "activities": [],
        },
    )
    responses.get(
        f"{API}/v1/users/821",
        json={"id": 821, "name": "Robert Robertson", "primary_email_address": "r@example.com"},
    )
    responses.get(f"{API}/v1/users/999", status=404, json={"message": "Resource not found"})
    responses.get(
        f"{API}/v1/applications/3456",
        json={
            "id": 3456,
            "candidate_id": 1234,
            "status": "active",
            "current_stage": {"id": 72200, "name": "Face to Face"},
            "jobs": [{"id": 98765}],
            "last_activity_at": "2020-01-01T00:00:00Z",
        },
    )
    responses.get(
        f"{API}/v1/applications/3456/scheduled_interviews",
        json=[
            {
                "id": 9,
                "interview": {"id": 6001, "name": "Cultural Fit Interview"},
                "start": {"date_time": "2020-01-01T10:00:00.000Z"},
                "end": {"date_time": "2020-01-01T11:00:00.000Z"},
                "interviewers": [
                    {
                        "id": 821,
                        "name": "Robert Robertson",
                        "email": "r@example.com",
                        "scorecard_id": None,
                    }
                ],
            }
        ],
    )
    assert [n.body for n in v1.candidate_notes("1234")] == ["a [m]"]
    user = v1.user("821")
    assert user is not None and user.email == "r@example.com"
    assert v1.user("999") is None
    application = v1.application("3456")
    assert application is not None
    assert (application.candidate_id, application.stage_id, application.job_id) == (
        "1234",
        "72200",
        "98765",
    )
    (interview,) = v1.scheduled_interviews("3456")
    assert interview.interview_id == "6001" and interview.interviewers[0].id == "821"
    assert interview.ends_at is not None and interview.ends_at.hour == 11


@responses.activate
def test_v1_custom_field_and_tag(v1: GreenhouseClient) -> None:
    responses.patch(
        f"{API}/v1/applications/3456",
        json={"id": 3456},
        match=[
            matchers.header_matcher({"On-Behalf-Of": "4080"}),
            matchers.json_params_matcher(
                {"custom_fields": [{"name_key": "hireloop_verdict", "value": "yes"}]}
            ),
        ],
    )
    responses.post(f"{API}/v1/tags/candidate", status=200, json={"id": 77, "name": "hireloop"})
    responses.put(f"{API}/v1/candidates/1234/tags/77", status=204)
    v1.set_application_custom_field("3456", "hireloop_verdict", "yes")
    assert v1.add_candidate_tag("1234", "hireloop") == "77"


@responses.activate
def test_v1_5xx_on_a_write_raises_uncertain(v1: GreenhouseClient) -> None:
    responses.post(f"{API}/v1/candidates/1/activity_feed/notes", status=500)
    with pytest.raises(AtsServerError) as caught:
        v1.create_candidate_note("1", "x")
    assert caught.value.uncertain
    assert len(responses.calls) == 1


# -- v3 --------------------------------------------------------------------------------------


@responses.activate
def test_v3_token_is_fetched_once_and_renewed_before_expiry(
    v3: GreenhouseClient, oauth: OAuthClientCredentials, clock: FakeClock
) -> None:
    token("tok-1", expires_in=3600)
    token("tok-2", expires_in=3600)
    responses.get(f"{API}/v3/users", json=[{"id": 4080, "first_name": "Kate", "last_name": "A"}])
    assert v3.user("4080") is not None
    assert v3.user("4080") is not None
    assert oauth.tokens_fetched == 1
    clock.now += 3600 - 30  # within the renewal margin
    v3.user("4080")
    assert oauth.tokens_fetched == 2
    bearer = [
        c.request.headers.get("Authorization")
        for c in responses.calls
        if c.request.url.startswith(f"{API}/v3/")
    ]
    assert bearer == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    token_call = responses.calls[0].request
    assert token_call.headers["Authorization"].startswith("Basic ")  # client id:secret


@responses.activate
def test_v3_a_401_fetches_a_new_token_once(
    v3: GreenhouseClient, oauth: OAuthClientCredentials
) -> None:
    token("old")
    token("new")
    responses.get(f"{API}/v3/users", status=401, json={"message": "expired"})
    responses.get(f"{API}/v3/users", json=[{"id": 1, "first_name": "A"}])
    assert v3.user("1") is not None
    assert oauth.tokens_fetched == 2


@responses.activate
def test_v3_token_refused(v3: GreenhouseClient) -> None:
    responses.post(TOKEN_URL, status=401, json={"error": "invalid_client"})
    with pytest.raises(AtsAuthError, match="invalid_client"):
        v3.user("1")


@responses.activate
def test_v3_scorecards_follow_the_cursor_and_join_attributes(v3: GreenhouseClient) -> None:
    token()
    cursor_url = f"{API}/v3/scorecards?cursor=b3BhcXVl"
    responses.get(
        f"{API}/v3/scorecards",
        json=[
            {
                "id": 1,
                "application_id": 3456,
                "interview_kit_id": 9,
                "interviewer_id": 821,
                "candidate_rating": "strong_no",
                "status": "complete",
                "submitted_at": "2024-01-01T00:00:00Z",
            }
        ],
        headers={"Link": f'<{cursor_url}>; rel="next"'},
        match=[
            matchers.query_param_matcher(
                {"application_ids": "3456", "status": "complete", "per_page": "100"}
            )
        ],
    )
    responses.get(
        f"{API}/v3/scorecards",
        json=[
            {
                "id": 2,
                "application_id": 3456,
                "interview_kit_id": 9,
                "interviewer_id": 821,
                "candidate_rating": "yes",
                "status": "complete",
            }
        ],
        match=[matchers.query_param_matcher({"cursor": "b3BhcXVl"})],  # cursor alone
    )
    responses.get(
        f"{API}/v3/scorecard_candidate_attributes",
        json=[
            {
                "scorecard_id": 1,
                "job_candidate_attribute_id": 5,
                "candidate_attribute_rating": "no",
                "note": "thin",
            },
            {
                "scorecard_id": 2,
                "job_candidate_attribute_id": 5,
                "candidate_attribute_rating": "strong_yes",
                "note": None,
            },
        ],
    )
    responses.get(
        f"{API}/v3/job_candidate_attributes", json=[{"id": 5, "name": "Fluency with Data"}]
    )
    responses.get(f"{API}/v3/interview_kits", json=[{"id": 9, "job_interview_id": 6001}])
    responses.get(f"{API}/v3/job_interviews", json=[{"id": 6001, "name": "Analytics case"}])
    responses.get(f"{API}/v3/users", json=[{"id": 821, "first_name": "Robert", "last_name": "R"}])
    first, second = v3.scorecards("3456")
    assert first.overall_recommendation == "definitely_not"  # v3 strong_no
    assert [(r.name, r.rating, r.note) for r in first.ratings] == [
        ("Fluency with Data", "no", "thin")
    ]
    assert second.ratings[0].rating == "strong_yes"
    assert (first.interview_id, first.interview_name) == ("6001", "Analytics case")
    assert first.interviewer_name == "Robert R"
    second_page = next(c for c in responses.calls if "cursor=" in c.request.url)
    assert parse_qs(urlparse(second_page.request.url).query) == {"cursor": ["b3BhcXVl"]}


@responses.activate
def test_v3_job_stages_and_note(v3: GreenhouseClient) -> None:
    token()
    responses.get(
        f"{API}/v3/job_interview_stages",
        json=[
            {"id": 2, "job_id": 7, "name": "Onsite", "sort_order": 2, "active": True},
            {"id": 1, "job_id": 7, "name": "Screen", "sort_order": 1, "active": True},
            {"id": 3, "job_id": 7, "name": "Old", "sort_order": 3, "active": False},
        ],
    )
    responses.get(
        f"{API}/v3/job_interviews",
        json=[
            {"id": 11, "job_interview_stage_id": 2, "name": "Product sense", "sort_order": 1},
            {"id": 10, "job_interview_stage_id": 1, "name": "Recruiter call", "sort_order": 1},
        ],
    )
    stages = v3.job_stages("7")
    assert [(s.name, [i.name for i in s.interviews]) for s in stages] == [
        ("Screen", ["Recruiter call"]),
        ("Onsite", ["Product sense"]),
    ]
    responses.post(f"{API}/v3/notes", status=201, json={"id": 55, "body": "b"})
    note = v3.create_candidate_note("1234", "b")
    assert note.id == "55"
    sent = json.loads(responses.calls[-1].request.body)
    assert sent == {"candidate_id": 1234, "user_id": 4080, "body": "b", "visibility": "public"}
    assert "On-Behalf-Of" not in responses.calls[-1].request.headers
