"""Harvest v3 call by call with ``responses``: what each read and write sends and makes of
the answer, the shared OAuth token (one per deployment, in the database), and the errors:
401 then one refresh, 403 for a missing scope, 429 with Retry-After, cursor pages, ids that
are not ids and ``next`` links to another host."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import responses
from responses import matchers
from sqlalchemy import Engine, create_engine, select

from plugin.ats.errors import AtsAuthError, AtsError, AtsResponseError, AtsValidationError
from plugin.ats.greenhouse import GreenhouseV1Client, GreenhouseV3Client, OAuthClientCredentials
from plugin.ats.greenhouse.auth import token_lifetime
from plugin.ats.greenhouse.token_store import SharedOAuthToken, token_problems
from plugin.ats.http import HttpClient
from plugin.ats.models import AtsToken
from plugin.core.migrate import upgrade
from tests.conftest import AppCache
from tests.plugin.ats.conftest import FakeClock

API = "https://harvest.test"
TOKEN_URL = "https://auth.test/token"


def token(value: str = "tok-1", **extra: object) -> None:
    body = {"access_token": value, "token_type": "Bearer", **extra}
    responses.post(
        TOKEN_URL,
        json=body,
        match=[
            matchers.urlencoded_params_matcher({"grant_type": "client_credentials", "sub": "4080"})
        ],
    )


@pytest.fixture
def v3(make_http: Callable[..., HttpClient], clock: FakeClock) -> GreenhouseV3Client:
    oauth = OAuthClientCredentials(TOKEN_URL, "cid", "csecret", "4080", clock=clock)
    return GreenhouseV3Client(make_http(API, auth=oauth))


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'tokens.db'}"
    upgrade(url)
    return create_engine(url)


def shared(engine: Engine, **options: object) -> SharedOAuthToken:
    return SharedOAuthToken(
        engine, "greenhouse:test", TOKEN_URL, "cid", "csecret", "4080", **options
    )  # type: ignore[arg-type]


def queries(path: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(urlparse(c.request.url).query)
        for c in responses.calls
        if urlparse(c.request.url).path == path
    ]


# -- reads -----------------------------------------------------------------------------------


@responses.activate
def test_application_reads_the_job_stage_from_the_current_application_stage(
    v3: GreenhouseV3Client,
) -> None:
    token()
    responses.get(
        f"{API}/v3/applications",
        json=[
            {
                "id": 265277,
                "candidate_id": 265772,
                "job_id": 3485,
                "status": "in_process",
                "stage_id": 2652770071416,
                "stage_name": "Onsite",
                "updated_at": "2026-11-20T10:00:00Z",
            }
        ],
        match=[matchers.query_param_matcher({"ids": "265277", "per_page": "100"})],
    )
    responses.get(
        f"{API}/v3/application_stages",
        json=[{"id": 2652770071416, "application_id": 265277, "job_interview_stage_id": 71416}],
        match=[
            matchers.query_param_matcher(
                {"application_ids": "265277", "current": "true", "per_page": "100"}
            )
        ],
    )
    found = v3.application("265277")
    assert found is not None
    # Not v3's application-stage row id: the job's stage, as webhooks and loops name it.
    assert (found.stage_id, found.stage_name, found.job_id) == ("71416", "Onsite", "3485")
    assert found.candidate_id == "265772"


@responses.activate
def test_a_jobs_applications_carry_their_job_stage(v3: GreenhouseV3Client) -> None:
    token()
    responses.get(
        f"{API}/v3/applications",
        json=[
            {"id": 2, "job_id": 7, "stage_id": 20000071416, "stage_name": "Onsite"},
            {"id": 1, "job_id": 7, "stage_id": 10000071415, "stage_name": "Screen"},
        ],
        match=[
            matchers.query_param_matcher({"job_ids": "7", "status": "active", "per_page": "100"})
        ],
    )
    responses.get(
        f"{API}/v3/application_stages",
        json=[
            {"application_id": 2, "job_interview_stage_id": 71416},
            {"application_id": 1, "job_interview_stage_id": 71415},
        ],
        match=[
            matchers.query_param_matcher(
                {"application_ids": "2,1", "current": "true", "per_page": "100"}
            )
        ],
    )
    found = v3.applications("7")
    assert [(a.id, a.stage_id, a.stage_name) for a in found] == [
        ("2", "71416", "Onsite"),
        ("1", "71415", "Screen"),
    ]


@responses.activate
def test_application_not_found_is_none(v3: GreenhouseV3Client) -> None:
    token()
    responses.get(f"{API}/v3/applications", json=[])
    assert v3.application("1") is None


@responses.activate
def test_scheduled_interviews_join_interviewers_users_and_job_interviews(
    v3: GreenhouseV3Client,
) -> None:
    token()
    responses.get(
        f"{API}/v3/interviews",
        json=[
            {
                "id": 7000,
                "application_id": 265277,
                "job_interview_id": 113101,
                "status": "scheduled",
                "starts_at": "2026-11-21T15:00:00Z",
                "ends_at": "2026-11-21T16:00:00Z",
            },
            {"id": 7001, "application_id": 265277, "job_interview_id": 113102, "status": "x"},
        ],
        match=[matchers.query_param_matcher({"application_ids": "265277", "per_page": "100"})],
    )
    responses.get(
        f"{API}/v3/interviewers",
        json=[
            {
                "id": 91,
                "interview_id": 7000,
                "user_id": 2622,
                "email": "ada@example.com",
                "response_status": "accepted",
            },
            {
                "id": 92,
                "interview_id": 7000,
                "user_id": 2623,
                "email": "no@example.com",
                "response_status": "declined",
            },
            {
                "id": 93,
                "interview_id": 7000,
                "user_id": None,
                "email": "guest@example.com",
                "response_status": "accepted",
            },
        ],
    )
    responses.get(f"{API}/v3/users", json=[{"id": 2622, "name": "Ada Byron"}])
    responses.get(f"{API}/v3/job_interviews", json=[{"id": 113101, "name": "Product sense"}])
    first, second = v3.scheduled_interviews("265277")
    assert (first.id, first.interview_id, first.interview_name) == (
        "7000",
        "113101",
        "Product sense",
    )
    assert [(u.id, u.name, u.email) for u in first.interviewers] == [
        ("2622", "Ada Byron", "ada@example.com"),
        ("guest@example.com", "", "guest@example.com"),  # an external attendee
    ]
    assert first.starts_at is not None and first.ends_at is not None
    assert second.interviewers == ()
    assert queries("/v3/interviewers") == [{"interview_ids": ["7000,7001"], "per_page": ["100"]}]
    assert queries("/v3/users") == [{"ids": ["2622"], "per_page": ["100"]}]


@responses.activate
def test_users_notes_and_pagination_across_three_pages(v3: GreenhouseV3Client) -> None:
    token()
    pages = [f"{API}/v3/notes?cursor=page{n}" for n in (2, 3)]
    responses.get(
        f"{API}/v3/notes",
        json=[{"id": 3, "body": "third", "created_at": "2026-11-20T10:00:00Z"}],
        headers={"Link": f'<{pages[0]}>; rel="next"'},
        match=[matchers.query_param_matcher({"candidate_ids": "265772", "per_page": "100"})],
    )
    responses.get(
        f"{API}/v3/notes",
        json=[{"id": 2, "body": "second"}],
        headers={"Link": f'<{pages[1]}>; rel="next"'},
        match=[matchers.query_param_matcher({"cursor": "page2"})],
    )
    responses.get(
        f"{API}/v3/notes",
        json=[{"id": 1, "body": "first"}],
        match=[matchers.query_param_matcher({"cursor": "page3"})],
    )
    assert [n.body for n in v3.candidate_notes("265772")] == ["third", "second", "first"]
    # Filters on the first request only; then the cursor, alone, as given.
    assert queries("/v3/notes")[1:] == [{"cursor": ["page2"]}, {"cursor": ["page3"]}]
    responses.get(
        f"{API}/v3/users",
        json=[{"id": 2622, "first_name": "Ada", "last_name": "Byron", "primary_email": "a@x.io"}],
    )
    user = v3.user("2622")
    assert user is not None and (user.name, user.email) == ("Ada Byron", "a@x.io")


# -- writes ----------------------------------------------------------------------------------


@responses.activate
def test_custom_field_and_tag(v3: GreenhouseV3Client) -> None:
    token()
    responses.patch(f"{API}/v3/applications/265277", json={})
    v3.set_application_custom_field("265277", "hireloop_verdict", "yes")
    assert json.loads(responses.calls[-1].request.body) == {
        "custom_fields": [{"name_key": "hireloop_verdict", "value": "yes"}]
    }
    responses.get(f"{API}/v3/candidate_tags", json=[{"id": 8, "name": "Other"}])
    responses.post(f"{API}/v3/candidate_tags", json={"id": 9, "name": "hireloop: yes"})
    responses.post(f"{API}/v3/applied_candidate_tags", status=201, json={"id": 1})
    assert v3.add_candidate_tag("265772", "hireloop: yes") == "9"
    assert json.loads(responses.calls[-1].request.body) == {
        "candidate_id": 265772,
        "candidate_tag_id": 9,
    }


# -- errors ----------------------------------------------------------------------------------


@responses.activate
def test_403_missing_scope_is_an_auth_error_without_a_new_token(v3: GreenhouseV3Client) -> None:
    token()
    responses.get(
        f"{API}/v3/scorecards",
        status=403,
        json={"message": "Forbidden", "errors": ["missing scope harvest:scorecards:list"]},
    )
    with pytest.raises(AtsAuthError) as raised:
        v3.scorecards("265277")
    assert raised.value.status == 403 and not raised.value.retryable
    assert "harvest:scorecards:list" in raised.value.message
    assert sum(1 for c in responses.calls if c.request.url == TOKEN_URL) == 1


@responses.activate
def test_429_waits_for_retry_after_then_succeeds(v3: GreenhouseV3Client, clock: FakeClock) -> None:
    token()
    responses.get(
        f"{API}/v3/users",
        status=429,
        headers={"Retry-After": "7", "X-RateLimit-Limit": "75", "X-RateLimit-Remaining": "0"},
        json={"message": "Too Many Requests"},
    )
    responses.get(f"{API}/v3/users", json=[{"id": 1, "name": "Ada"}])
    assert v3.user("1") is not None
    assert any(wait >= 7 for wait in clock.sleeps)  # the credential paused as asked


@responses.activate
def test_ids_that_are_not_greenhouse_ids_are_refused_before_any_request(
    v3: GreenhouseV3Client, make_http: Callable[..., HttpClient]
) -> None:
    v1 = GreenhouseV1Client(make_http(API), on_behalf_of="4080")
    for call in (
        lambda: v1.job_stages("1/../../candidates"),
        lambda: v1.application("1/../../candidates"),
        lambda: v1.candidate_notes("1?x=2"),
        lambda: v3.job_stages("1/../../candidates"),
        lambda: v3.scheduled_interviews("1,2"),
        lambda: v3.set_application_custom_field("../users", "k", "v"),
    ):
        with pytest.raises(AtsValidationError, match="not a Greenhouse"):
            call()
    assert len(responses.calls) == 0


@responses.activate
@pytest.mark.parametrize("version", ["v1", "v3"])
def test_a_next_link_to_another_host_is_not_followed(
    version: str, v3: GreenhouseV3Client, make_http: Callable[..., HttpClient]
) -> None:
    client = v3 if version == "v3" else GreenhouseV1Client(make_http(API), on_behalf_of="1")
    token()
    responses.get(
        f"{API}/{version}/jobs/7/stages" if version == "v1" else f"{API}/v3/job_interview_stages",
        json=[],
        headers={"Link": '<https://evil.test/steal?cursor=x>; rel="next"'},
    )
    with pytest.raises(AtsResponseError, match="another host"):
        client.job_stages("7")
    assert not [c for c in responses.calls if "evil.test" in c.request.url]


# -- the shared token ------------------------------------------------------------------------


@responses.activate
def test_two_processes_share_one_token_and_a_401_mints_one_new_one(engine: Engine) -> None:
    token("tok-1", expires_in=3600)
    token("tok-2", expires_at="2999-01-01T00:00:00Z")
    first, second = shared(engine), shared(engine)  # as two processes would
    assert first.headers() == {"Authorization": "Bearer tok-1"}
    assert second.headers() == {"Authorization": "Bearer tok-1"}
    assert first.tokens_fetched + second.tokens_fetched == 1
    # A 401 on the shared token: one process drops it, the next call mints once...
    assert first.invalidate() is True
    assert second.headers() == {"Authorization": "Bearer tok-1"}  # its cached copy
    assert second.invalidate() is True  # ...it also got a 401: nothing more to drop
    assert first.headers() == {"Authorization": "Bearer tok-2"}
    assert second.headers() == {"Authorization": "Bearer tok-2"}
    assert sum(1 for c in responses.calls if c.request.url == TOKEN_URL) == 2


@responses.activate
def test_a_401_on_a_call_refreshes_the_shared_token_once(
    engine: Engine, make_http: Callable[..., HttpClient]
) -> None:
    token("old")
    token("new")
    client = GreenhouseV3Client(make_http(API, auth=shared(engine)))
    responses.get(f"{API}/v3/users", status=401, json={"message": "Unauthorized"})
    responses.get(f"{API}/v3/users", json=[{"id": 1, "name": "Ada"}])
    assert client.user("1") is not None
    bearer = [
        c.request.headers["Authorization"] for c in responses.calls if "/v3/" in c.request.url
    ]
    assert bearer == ["Bearer old", "Bearer new"]


@responses.activate
def test_a_refused_credential_is_recorded_and_not_asked_again_at_once(engine: Engine) -> None:
    responses.post(TOKEN_URL, status=401, json={"error": "invalid_client"})
    auth = shared(engine)
    with pytest.raises(AtsAuthError, match="refused the client credentials"):
        auth.headers()
    with pytest.raises(AtsAuthError, match="invalid_client"):
        shared(engine).headers()  # another process: the recorded refusal, no new request
    assert len(responses.calls) == 1
    with engine.connect() as connection:
        problems = token_problems(connection)
    assert "invalid_client" in problems["greenhouse:test"]
    assert "csecret" not in problems["greenhouse:test"]


@pytest.fixture
def test_db(make_app: Callable[..., object], app_cache: AppCache) -> Engine:
    """The suite's database (PostgreSQL with HIRELOOP_TEST_DATABASE_URL), emptied after."""
    make_app()
    return app_cache.engine


def token_row(engine: Engine) -> dict[str, object]:
    with engine.connect() as connection:
        row = connection.execute(select(AtsToken.__table__)).mappings().one()
    return dict(row)


@responses.activate
@pytest.mark.parametrize(
    "failure",
    [{"status": 503, "json": {"message": "unavailable"}}, {"body": requests.Timeout("slow")}],
    ids=["503", "timeout"],
)
def test_a_token_endpoint_failure_that_may_pass_is_not_stored_as_a_refusal(
    test_db: Engine, failure: dict[str, object]
) -> None:
    responses.post(TOKEN_URL, **failure)  # type: ignore[arg-type]
    token("tok-1")
    with pytest.raises(AtsError) as raised:
        shared(test_db).headers()
    assert raised.value.retryable and not isinstance(raised.value, AtsAuthError)
    row = token_row(test_db)
    assert row["last_error"] is None and row["retry_after"] is None
    assert row["minting_until"] is None  # the claim is given back
    with test_db.connect() as connection:
        assert token_problems(connection) == {}
    # Another process asks again at once, and gets a token.
    assert shared(test_db).headers() == {"Authorization": "Bearer tok-1"}
    assert sum(1 for c in responses.calls if c.request.url == TOKEN_URL) == 2


@responses.activate
@pytest.mark.parametrize("status", [400, 401])
def test_a_refusal_of_the_credentials_is_stored_for_every_process(
    test_db: Engine, status: int
) -> None:
    responses.post(TOKEN_URL, status=status, json={"error": "invalid_client"})
    with pytest.raises(AtsAuthError) as raised:
        shared(test_db).headers()
    assert not raised.value.retryable
    row = token_row(test_db)
    assert "invalid_client" in str(row["last_error"]) and row["retry_after"] is not None
    assert row["minting_until"] is None
    with pytest.raises(AtsAuthError, match="invalid_client"):
        shared(test_db).headers()  # another process: the stored refusal, no new request
    assert len(responses.calls) == 1


def test_the_token_lifetime_from_expires_in_or_expires_at() -> None:
    assert token_lifetime({"expires_in": 1800}, now=0.0) == 1800
    assert token_lifetime({"expires_at": "1970-01-01T01:00:00Z"}, now=600.0) == 3000
    assert token_lifetime({}, now=0.0) == 3600
    assert token_lifetime({"expires_in": "soon"}, now=0.0) == 3600
