"""The sandbox ATS in its v1 mode over real HTTP: Harvest v1 auth, shapes, pagination, rate
limit, notes, and webhooks signed the way Greenhouse signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import yaml
from flask import Flask, request

from plugin.demo.sandbox import Sandbox, ServerThread
from plugin.demo.sandbox.seed import DEMO_LOOP, INTERVIEWERS, RECRUITER
from tests.conftest import PAYLOADS, ROOT

GREENHOUSE = PAYLOADS / "greenhouse"
KEY = "test-harvest-key"
SECRET = "test-webhook-secret"
T = 5  # seconds; every call in these tests has a timeout


class Receiver:
    """A stand-in for hireloop's webhook URL that records the raw bytes and headers."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, dict[str, str]]] = []
        app = Flask("receiver")

        @app.post("/webhooks/greenhouse")
        def receive() -> tuple[str, int]:
            self.received.append((request.get_data(), dict(request.headers)))
            return "", 200

        self.server = ServerThread(app).start()
        self.url = f"{self.server.url}/webhooks/greenhouse"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.stop()


@pytest.fixture
def sandbox(receiver: Receiver) -> Iterator[Sandbox]:
    with Sandbox(
        api_version="v1", api_key=KEY, webhook_secret=SECRET, webhook_url=receiver.url
    ) as s:
        yield s


def get(sandbox: Sandbox, path: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("auth", (KEY, ""))
    return requests.get(sandbox.url + path, timeout=T, **kwargs)


def shape(value: Any) -> Any:
    """The keys of a JSON value, recursively (lists by their first element)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def keys_missing(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Keys present in Greenhouse's documented object but absent from the sandbox's."""
    missing: list[str] = []
    if isinstance(expected, dict):
        for key, sub in expected.items():
            if not isinstance(actual, dict) or key not in actual:
                missing.append(f"{path}.{key}")
            elif key == "custom_fields":
                continue  # keyed by each customer's own field names
            else:
                missing += keys_missing(sub, actual[key], f"{path}.{key}")
    elif isinstance(expected, list) and expected and isinstance(actual, list) and actual:
        missing += keys_missing(expected[0], actual[0], f"{path}[0]")
    return missing


# -- auth ------------------------------------------------------------------------------------


def test_harvest_needs_basic_auth_with_the_api_key(sandbox: Sandbox) -> None:
    anonymous = get(sandbox, "/v1/jobs", auth=None)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    assert "message" in anonymous.json()
    assert get(sandbox, "/v1/jobs", auth=("wrong-key", "")).status_code == 401
    bearer = get(sandbox, "/v1/jobs", auth=None, headers={"Authorization": f"Bearer {KEY}"})
    assert bearer.status_code == 401
    ok = get(sandbox, "/v1/jobs")
    assert ok.status_code == 200
    assert [job["id"] for job in ok.json()] == [3485]
    # Refused requests do not draw on the key's budget.
    assert ok.headers["X-RateLimit-Limit"] == "50"
    assert ok.headers["X-RateLimit-Remaining"] == "49"


def test_unknown_harvest_paths_answer_404_json_and_are_recorded(sandbox: Sandbox) -> None:
    response = get(sandbox, "/v1/offers")
    assert response.status_code == 404
    assert response.json() == {"message": "Resource not found"}
    assert ("GET", "/v1/offers", 404) in sandbox.state.requests


# -- shapes ----------------------------------------------------------------------------------


def test_job_stages_have_greenhouse_shape_and_the_loops_ids(sandbox: Sandbox) -> None:
    documented = json.loads((GREENHOUSE / "harvest_v1_job_stage_object.json").read_text())
    stages = get(sandbox, "/v1/jobs/3485/stages").json()
    assert [s["name"] for s in stages] == ["Application Review", "Phone Screen", "Onsite", "Offer"]
    for stage in stages:
        missing = keys_missing(shape(documented), shape(stage))
        # Stages without interviews cannot show the interview keys; the rest must match.
        assert not [m for m in missing if not m.startswith(".interviews")], missing
    onsite = stages[2]
    assert not keys_missing(shape(documented), shape(onsite))
    loop_onsite = DEMO_LOOP["stages"][1]
    assert str(onsite["id"]) == loop_onsite["ats_stage_id"]
    assert [str(i["id"]) for i in onsite["interviews"]] == [
        i["ats_interview_id"] for i in loop_onsite["interviews"]
    ]
    interviewers = [
        u["id"] for s in stages for i in s["interviews"] for u in i["default_interviewer_users"]
    ]
    assert interviewers == [u.id for u in INTERVIEWERS]
    assert [s["priority"] for s in stages] == [0, 1, 2, 3]


def test_sandbox_builds_its_job_from_any_loop() -> None:
    loop = {
        "name": "Contract example",
        "ats": "greenhouse",
        "job_id": "98765",
        "stages": [
            {
                "name": "Face to Face",
                "ats_stage_id": "72200",
                "interviews": [{"name": "Cultural Fit Interview", "ats_interview_id": "6001"}],
            }
        ],
    }
    with Sandbox(loop, api_version="v1", api_key=KEY) as s:
        stages = get(s, "/v1/jobs/98765/stages").json()
        assert stages[1]["id"] == 72200
        assert stages[1]["interviews"][0]["id"] == 6001
        assert get(s, "/v1/jobs/3485/stages").status_code == 404


def test_users_carry_emails_and_can_be_found_by_email(sandbox: Sandbox) -> None:
    ada = get(sandbox, f"/v1/users/{INTERVIEWERS[0].id}").json()
    assert ada["primary_email_address"] == "ada.okafor@example.com"
    assert ada["name"] == "Ada Okafor"
    by_email = get(sandbox, "/v1/users", params={"email": "ADA.OKAFOR@example.com"}).json()
    assert [u["id"] for u in by_email] == [INTERVIEWERS[0].id]
    assert get(sandbox, "/v1/users/1").status_code == 404


# -- pagination ------------------------------------------------------------------------------


def _links(response: requests.Response) -> dict[str, str]:
    return {
        rel: url
        for url, rel in re.findall(r'<([^>]+)>;\s*rel="(\w+)"', response.headers.get("Link", ""))
    }


def test_link_pagination_walks_every_page(sandbox: Sandbox) -> None:
    first = get(sandbox, "/v1/jobs/3485/stages", params={"per_page": 1})
    links = _links(first)
    assert set(links) == {"next", "last"}
    assert "page=4" in links["last"] and "per_page=1" in links["last"]
    names = [s["name"] for s in first.json()]
    url: str | None = links["next"]
    while url:
        page = requests.get(url, auth=(KEY, ""), timeout=T)
        assert page.status_code == 200
        assert "prev" in _links(page)
        names += [s["name"] for s in page.json()]
        url = _links(page).get("next")
    assert names == ["Application Review", "Phone Screen", "Onsite", "Offer"]


def test_one_page_has_no_link_header_and_bad_paging_is_a_validation_error(
    sandbox: Sandbox,
) -> None:
    assert "Link" not in get(sandbox, "/v1/jobs/3485/stages").headers
    skip = get(sandbox, "/v1/jobs/3485/stages", params={"per_page": 2, "skip_count": "true"})
    assert set(_links(skip)) == {"next"}
    for params in ({"per_page": 0}, {"per_page": 501}, {"page": "x"}):
        bad = get(sandbox, "/v1/jobs/3485/stages", params=params)
        assert bad.status_code == 422
        field = next(iter(params))
        assert bad.json() == {
            "message": "Validation error",
            "errors": [{"message": bad.json()["errors"][0]["message"], "field": field}],
        }


# -- rate limit ------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after_until_the_window_passes() -> None:
    clock = [1000.0]
    with Sandbox(
        api_version="v1", api_key=KEY, rate_limit=3, rate_window=10.0, clock=lambda: clock[0]
    ) as s:
        remaining = [get(s, "/v1/jobs").headers["X-RateLimit-Remaining"] for _ in range(3)]
        assert remaining == ["2", "1", "0"]
        clock[0] += 4.2
        refused = get(s, "/v1/jobs")
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "6"
        assert refused.headers["X-RateLimit-Reset"] == "1010"
        assert refused.headers["X-RateLimit-Limit"] == "3"
        assert refused.json()["message"]
        clock[0] += 6
        again = get(s, "/v1/jobs")
        assert again.status_code == 200
        assert again.headers["X-RateLimit-Remaining"] == "2"


def test_the_default_budget_is_fifty_per_ten_seconds(sandbox: Sandbox) -> None:
    statuses = [get(sandbox, f"/v1/users/{RECRUITER.id}").status_code for _ in range(51)]
    assert statuses[:50] == [200] * 50
    assert statuses[50] == 429


# -- notes -----------------------------------------------------------------------------------


def post_note(
    sandbox: Sandbox, body: Any, on_behalf_of: str | None = str(RECRUITER.id), **kwargs: Any
) -> requests.Response:
    headers = {"On-Behalf-Of": on_behalf_of} if on_behalf_of is not None else {}
    kwargs.setdefault("auth", (KEY, ""))
    return requests.post(
        f"{sandbox.url}/v1/candidates/58001/activity_feed/notes",
        json=body,
        headers=headers,
        timeout=T,
        **kwargs,
    )


NOTE = {"user_id": RECRUITER.id, "body": "Verdict: yes", "visibility": "admin_only"}


def test_note_is_created_with_greenhouse_shape_and_listed_in_the_activity_feed(
    sandbox: Sandbox,
) -> None:
    created = post_note(sandbox, NOTE)
    assert created.status_code == 201
    note = created.json()
    assert note["body"] == "Verdict: yes"
    assert note["visibility"] == note["visiblity"] == "admin_only"
    assert note["private"] is True
    assert note["user"]["id"] == RECRUITER.id and note["user"]["name"] == "Priya Raman"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", note["created_at"])
    feed = get(sandbox, "/v1/candidates/58001/activity_feed").json()
    assert set(feed) == {"notes", "emails", "activities"}
    assert [n["id"] for n in feed["notes"]] == [note["id"]]
    assert sandbox.state.all_notes() == [note]


def test_note_needs_auth_and_a_known_on_behalf_of_user(sandbox: Sandbox) -> None:
    assert post_note(sandbox, NOTE, auth=None).status_code == 401
    missing = post_note(sandbox, NOTE, on_behalf_of=None)
    assert missing.status_code == 403
    assert "On-Behalf-Of" in missing.json()["message"]
    assert post_note(sandbox, NOTE, on_behalf_of="priya.raman@example.com").status_code == 404
    assert post_note(sandbox, NOTE, on_behalf_of="1").status_code == 404
    assert sandbox.state.all_notes() == []


def test_note_body_is_validated_like_greenhouse(sandbox: Sandbox) -> None:
    bad = post_note(sandbox, {"user_id": "x", "body": " ", "visibility": "everyone"})
    assert bad.status_code == 422
    assert bad.json()["message"] == "Validation error"
    assert {e["field"] for e in bad.json()["errors"]} == {"user_id", "body", "visibility"}
    assert post_note(sandbox, {**NOTE, "user_id": 999}).json()["errors"][0]["field"] == "user_id"
    assert post_note(sandbox, [NOTE]).status_code == 400
    no_candidate = requests.post(
        f"{sandbox.url}/v1/candidates/1/activity_feed/notes",
        json=NOTE,
        headers={"On-Behalf-Of": str(RECRUITER.id)},
        auth=(KEY, ""),
        timeout=T,
    )
    assert no_candidate.status_code == 404
    assert sandbox.state.all_notes() == []
    # A numeric string is a user id too.
    assert post_note(sandbox, {**NOTE, "user_id": str(RECRUITER.id)}).status_code == 201


# -- webhooks --------------------------------------------------------------------------------


def verify(secret: str, raw: bytes, header: str) -> bool:
    """Greenhouse's documented check: HMAC-SHA256 of the raw body, hex, after 'sha256 '."""
    algorithm, _, digest = header.partition(" ")
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return algorithm == "sha256" and hmac.compare_digest(expected, digest)


def test_stage_move_sends_a_signed_webhook_shaped_like_greenhouses(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    delivery = sandbox.move("Onsite")
    assert delivery.ok, delivery
    [(raw, headers)] = receiver.received
    assert verify(SECRET, raw, headers["Signature"])
    assert not verify("another-secret", raw, headers["Signature"])
    assert headers["Content-Type"] == "application/json"
    assert headers["Greenhouse-Event-Id"] == delivery.event_id
    # Non-ASCII is escaped in the signed bytes, as Greenhouse does; the JSON still decodes.
    assert b"Tom\\u00e1s" in raw
    body = json.loads(raw)
    documented = json.loads((GREENHOUSE / "candidate_stage_change.json").read_text())
    assert body["action"] == "candidate_stage_change"
    assert keys_missing(shape(documented), shape(body)) == []
    application = body["payload"]["application"]
    assert application["current_stage"]["id"] == 71416
    interviews = application["current_stage"]["interviews"]
    assert [i["id"] for i in interviews] == [113101, 113102, 113103]
    assert [i["interviewers"][0]["display_name"] for i in interviews] == [
        "Tomás Rivera",
        "Mei Lin",
        "Jonas Berg",
    ]
    assert application["jobs"][0]["id"] == 3485
    assert application["candidate"]["id"] == 58001


def test_every_delivery_has_its_own_event_id_and_a_later_timestamp(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.move("Phone Screen")
    sandbox.move("Onsite")
    first, second = (json.loads(raw) for raw, _ in receiver.received)
    ids = {headers["Greenhouse-Event-Id"] for _, headers in receiver.received}
    assert len(ids) == 2
    stamp = lambda b: b["payload"]["application"]["last_activity_at"]  # noqa: E731
    assert stamp(second) > stamp(first)


def test_a_move_updates_the_application_and_schedules_the_interviews(sandbox: Sandbox) -> None:
    before = get(sandbox, "/v1/applications/69001").json()
    assert before["current_stage"] == {"id": 70000, "name": "Application Review"}
    assert get(sandbox, "/v1/applications/69001/scheduled_interviews").json() == []
    sandbox.move(71416)
    after = get(sandbox, "/v1/applications/69001").json()
    assert after["current_stage"] == {"id": 71416, "name": "Onsite"}
    scheduled = get(sandbox, "/v1/applications/69001/scheduled_interviews").json()
    assert [s["interview"]["id"] for s in scheduled] == [113101, 113102, 113103]
    assert scheduled[0]["interviewers"][0]["email"] == "tomas.rivera@example.com"
    assert all(s["end"]["date_time"] > s["start"]["date_time"] for s in scheduled)
    assert get(sandbox, "/v1/applications/69001/scorecards").json() == []


def test_the_move_control_endpoint_delivers_the_webhook(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    url = f"{sandbox.url}/sandbox/applications/69001/move"
    assert requests.post(url, json={"stage": "Onsite"}, timeout=T).status_code == 401
    answer = requests.post(url, json={"stage": "Onsite"}, auth=(KEY, ""), timeout=T)
    assert answer.status_code == 200
    assert answer.json()["delivered"] is True
    assert len(receiver.received) == 1
    unknown = requests.post(url, json={"stage": "Nowhere"}, auth=(KEY, ""), timeout=T)
    assert unknown.status_code == 422


def test_a_refused_or_unreachable_webhook_is_reported_not_raised() -> None:
    with Sandbox(
        api_version="v1",
        api_key=KEY,
        webhook_url="http://127.0.0.1:9/webhooks/greenhouse",
        timeout=2,
    ) as s:
        delivery = s.move("Onsite")
        assert delivery.status == 0 and not delivery.ok
        assert delivery.error


def test_concurrent_requests_are_served(sandbox: Sandbox) -> None:
    results: list[int] = []

    def fetch() -> None:
        results.append(get(sandbox, "/v1/jobs/3485/stages").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=T)
    assert results == [200] * 10


def test_the_demo_loop_file_is_the_built_in_demo_loop() -> None:
    path = ROOT / "examples" / "loops" / "demo-senior-pm.yaml"
    assert yaml.safe_load(path.read_text()) == DEMO_LOOP


def test_the_demo_loop_lints_without_errors_and_every_guide_fits_its_minutes() -> None:
    from scorecards.guides import build_guide
    from scorecards.loader import builtin_frameworks
    from scorecards.loops import lint_loop, parse_loop

    pm = next(f for f in builtin_frameworks() if f.id == "pm")
    loop = parse_loop(DEMO_LOOP, pm)
    assert lint_loop(loop, pm).ok
    for _, interview in loop.interviews:
        assert build_guide(pm, loop, interview.key).minutes == interview.minutes
