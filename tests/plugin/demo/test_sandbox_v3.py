"""The sandbox ATS speaking Harvest v3 over real HTTP: the token endpoint, bearer tokens,
cursor pages, id filters, v1 refused, interviewers scheduled after the stage change, notes
written with v3's rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from plugin.demo.sandbox import Sandbox

T = 5  # seconds; every call in these tests has a timeout


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(client_secret="v3-secret", interviewer_delay=3600.0) as running:
        yield running


def bearer(sandbox: Sandbox) -> dict[str, str]:
    state = sandbox.state
    answer = requests.post(
        f"{sandbox.url}/token",
        auth=(state.client_id, state.client_secret),
        data={"grant_type": "client_credentials", "sub": "4001"},
        timeout=T,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    return {"Authorization": f"Bearer {body['access_token']}"}


def get(sandbox: Sandbox, path: str, headers: dict[str, str], **params: Any) -> Any:
    return requests.get(sandbox.url + path, headers=headers, params=params, timeout=T)


def test_the_token_endpoint_takes_client_credentials_only(sandbox: Sandbox) -> None:
    url = f"{sandbox.url}/token"
    form = {"grant_type": "client_credentials", "sub": "4001"}
    wrong = requests.post(url, auth=(sandbox.state.client_id, "nope"), data=form, timeout=T)
    assert (wrong.status_code, wrong.json()) == (401, {"error": "invalid_client"})
    assert requests.post(url, data=form, timeout=T).status_code == 401
    grant = requests.post(
        url, auth=(sandbox.state.client_id, "v3-secret"), data={"sub": "4001"}, timeout=T
    )
    assert grant.status_code == 400
    headers = bearer(sandbox)
    assert sandbox.state.tokens_minted == 1
    assert get(sandbox, "/v3/users", headers).status_code == 200
    refused = get(sandbox, "/v3/users", {"Authorization": "Bearer forged"})
    assert refused.status_code == 401 and refused.json()["message"] == "Unauthorized"


def test_v1_is_switched_off(sandbox: Sandbox) -> None:
    answer = requests.get(f"{sandbox.url}/v1/jobs", auth=(sandbox.state.api_key, ""), timeout=T)
    assert answer.status_code == 401
    assert answer.json() == {"message": "Invalid Basic Auth credentials"}


def test_cursor_pages_carry_the_filters_and_refuse_company(sandbox: Sandbox) -> None:
    headers = bearer(sandbox)
    first = get(sandbox, "/v3/job_interviews", headers, job_ids="3485", per_page="2")
    assert [row["id"] for row in first.json()] == [113103, 113102]  # newest ids first
    next_url = first.links["next"]["url"]
    assert "cursor=" in next_url and "job_ids" not in next_url
    second = requests.get(next_url, headers=headers, timeout=T)
    assert [row["id"] for row in second.json()] == [113101, 113100]
    assert "next" not in second.links
    mixed = requests.get(next_url + "&per_page=5", headers=headers, timeout=T)
    assert mixed.status_code == 422
    assert "do not include other query params" in mixed.json()["errors"][0]
    too_many = get(sandbox, "/v3/users", headers, ids=",".join(str(n) for n in range(51)))
    assert too_many.status_code == 422
    assert get(sandbox, "/v3/users", headers, per_page="501").status_code == 422


def test_the_stage_change_comes_before_the_interviewers(sandbox: Sandbox) -> None:
    headers = bearer(sandbox)
    payload = sandbox.state.move_application(69001, "Onsite")
    stage = payload["payload"]["application"]["current_stage"]
    assert [i["interviewers"] for i in stage["interviews"]] == [[], [], []]
    interviews = get(sandbox, "/v3/interviews", headers, application_ids="69001").json()
    assert sorted(i["job_interview_id"] for i in interviews) == [113101, 113102, 113103]
    ids = ",".join(str(i["id"]) for i in interviews)
    assert get(sandbox, "/v3/interviewers", headers, interview_ids=ids).json() == []
    sandbox.state.interviewer_delay = 0.0
    with sandbox.state.lock:
        for record in sandbox.state.scheduled[69001]:
            record["_panel_at"] = 0.0
    panel = get(sandbox, "/v3/interviewers", headers, interview_ids=ids).json()
    assert sorted(row["user_id"] for row in panel) == [4102, 4103, 4104]
    assert all(row["email"].endswith("@example.com") for row in panel)
    application = get(sandbox, "/v3/applications", headers, ids="69001").json()[0]
    assert application["stage_name"] == "Onsite" and application["status"] == "in_process"
    current = get(sandbox, "/v3/application_stages", headers, application_ids="69001").json()
    assert current[0]["job_interview_stage_id"] == 71416
    assert current[0]["id"] == application["stage_id"] != 71416


def test_notes_follow_v3s_write_rules(sandbox: Sandbox) -> None:
    headers = bearer(sandbox)
    url = f"{sandbox.url}/v3/notes"
    wrong = requests.post(
        url,
        json={"candidate_id": 58001, "body": "x", "visibility": "privately_visible"},
        headers=headers,
        timeout=T,
    )
    assert wrong.status_code == 422
    written = requests.post(
        url,
        json={"candidate_id": 58001, "body": "hireloop verdict", "visibility": "private"},
        headers=headers,
        timeout=T,
    )
    assert written.status_code == 201
    note = written.json()
    assert (note["visibility"], note["type"], note["user_id"]) == (
        "privately_visible",
        "NOTE",
        4001,
    )
    listed = get(sandbox, "/v3/notes", headers, candidate_ids="58001").json()
    assert [n["body"] for n in listed] == ["hireloop verdict"]
