"""What the interview re-read (after a webhook, and the periodic sweep) gets from Lever and
Ashby: who interviews, with Ashby's ``interviewers`` first and the deprecated
``interviewerUserIds`` as a fallback; Lever's archive reasons; ids in URL paths checked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses
from responses import matchers

from plugin.ats.ashby import AshbyClient
from plugin.ats.errors import AtsValidationError
from plugin.ats.http import HttpClient
from plugin.ats.lever import LeverClient, path_id
from tests.plugin.ats.conftest import payload

LEVER = "https://lever.test/v1"
ASHBY = "https://ashby.test"
SCHEDULE = payload("ashby/interviewScheduleCreate.assembled-from-openapi-schema.json")["data"][
    "interviewSchedule"
]


@pytest.fixture
def lever(make_http: Callable[..., HttpClient]) -> LeverClient:
    return LeverClient(make_http(LEVER))


@pytest.fixture
def ashby(make_http: Callable[..., HttpClient]) -> AshbyClient:
    return AshbyClient(make_http(ASHBY))


@responses.activate
def test_ashby_interviewers_first_user_ids_as_fallback_and_none_unknown(
    ashby: AshbyClient,
) -> None:
    event = SCHEDULE["interviewEvents"][0]
    ids_only = {k: v for k, v in event.items() if k != "interviewers"}
    neither = {k: v for k, v in ids_only.items() if k != "interviewerUserIds"}
    schedule = {**SCHEDULE, "interviewEvents": [event, ids_only, neither]}
    responses.post(
        f"{ASHBY}/interviewSchedule.list",
        json={"success": True, "results": [schedule], "moreDataAvailable": False},
        match=[matchers.json_params_matcher({"applicationId": SCHEDULE["applicationId"]})],
    )
    full, fallback, unknown = ashby.scheduled_interviews(SCHEDULE["applicationId"])
    [person] = full.interviewers
    assert (person.id, person.name, person.email) == (
        "caea4d97-331d-46b1-a8e3-6b821c2214ef",
        "Test User",
        "test@ashbyhq.com",
    )
    assert (full.stage_id, full.interview_id, full.interviewers_known) == (
        SCHEDULE["interviewStageId"],
        event["interviewId"],
        True,
    )
    assert [(u.id, u.name) for u in fallback.interviewers] == [(person.id, "")]
    assert fallback.interviewers_known
    assert (unknown.interviewers, unknown.interviewers_known) == ((), False)


@responses.activate
def test_ashby_user_info_gives_the_email_organization_read_permits(ashby: AshbyClient) -> None:
    answer = payload("ashby/api.user.info.response.assembled-from-openapi-schema.json")
    responses.post(
        f"{ASHBY}/user.info",
        json=answer,
        match=[matchers.json_params_matcher({"userId": answer["results"]["id"]})],
    )
    user = ashby.user(answer["results"]["id"])
    assert user is not None and (user.name, user.email) == ("Test User", "test@ashbyhq.com")


@responses.activate
def test_lever_interviews_name_the_feedback_form_and_their_stage(lever: LeverClient) -> None:
    interview = payload("lever/api.interviews.retrieve.response.json")["data"]
    no_field = {k: v for k, v in interview.items() if k != "interviewers"}
    responses.get(
        f"{LEVER}/opportunities/opp-1/interviews",
        json={"data": [interview, no_field], "hasNext": False},
    )
    listed, unknown = lever.scheduled_interviews("opp-1")
    assert (listed.interview_id, listed.stage_id) == (
        interview["feedbackTemplate"],
        interview["stage"],
    )
    assert [(u.id, u.email) for u in listed.interviewers] == [
        ("412f5bf5-1509-4916-ba5b-8b16a5c3ce6d", "rachel@exampleq3.com")
    ]
    assert listed.interviewers_known and not unknown.interviewers_known


@responses.activate
def test_lever_archive_reason_type(lever: LeverClient) -> None:
    documented = payload("lever/api.archive_reasons.retrieve.response.json")
    hired = next(
        reason
        for reason in payload("lever/api.archive_reasons.list.response.json")["data"]
        if reason["text"] == "Hired"
    )
    responses.get(f"{LEVER}/archive_reasons/{documented['data']['id']}", json=documented)
    responses.get(f"{LEVER}/archive_reasons/{hired['id']}", json={"data": hired})
    responses.get(f"{LEVER}/archive_reasons/gone", status=404, json={"code": "ResourceNotFound"})
    assert lever.archive_reason_type(documented["data"]["id"]) == "non-hired"
    assert lever.archive_reason_type(hired["id"]) == "hired"
    assert lever.archive_reason_type("gone") is None


@pytest.mark.parametrize("bad", ["", "../users", "a/b", "x?limit=1", "a b", "..", "%2e%2e", "é"])
def test_lever_ids_in_url_paths_are_refused_unless_they_look_like_ids(
    lever: LeverClient, bad: str
) -> None:
    with pytest.raises(AtsValidationError):
        path_id(bad)
    with responses.RequestsMock() as mocked:  # nothing is sent
        with pytest.raises(AtsValidationError):
            lever.scorecards(bad)
        assert len(mocked.calls) == 0


def test_lever_ids_pass_as_one_quoted_segment() -> None:
    assert path_id("3410c8b9-5c31-4bab-b7e9-9f710206d647") == (
        "3410c8b9-5c31-4bab-b7e9-9f710206d647"
    )
    assert path_id(" opp:1.x ") == "opp%3A1.x"


@responses.activate
def test_lever_pages_stay_on_lever(lever: LeverClient) -> None:
    """Lever's ``next`` is an offset token sent back as a parameter to the same path: a
    ``next`` that looks like a URL is still only an offset on Lever's own host."""
    responses.get(
        f"{LEVER}/opportunities/opp-1/notes",
        json={"data": [], "next": "https://evil.test/x", "hasNext": True},
        match=[matchers.query_param_matcher({"limit": "100"})],
    )
    responses.get(
        f"{LEVER}/opportunities/opp-1/notes",
        json={"data": [], "hasNext": False},
        match=[matchers.query_param_matcher({"limit": "100", "offset": "https://evil.test/x"})],
    )
    assert lever.candidate_notes("opp-1") == []
    assert {call.request.url.split("/v1/")[0] for call in responses.calls} == {"https://lever.test"}
