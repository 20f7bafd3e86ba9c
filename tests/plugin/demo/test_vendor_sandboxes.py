"""The Lever and Ashby sandboxes over real HTTP: the API key is required, answers have the
vendors' shapes, and webhooks are signed the way each vendor signs (checked with hireloop's
own verifiers over the bytes received)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests
from flask import Flask, request

from plugin.demo.sandbox import ServerThread
from plugin.demo.sandbox.ashby import AshbySandbox
from plugin.demo.sandbox.lever import HIRED_REASON, LeverSandbox
from webhooks.verify import SignatureError, verify_ashby, verify_lever

T = 5


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[bytes, dict[str, str]]] = []
        app = Flask("receiver")

        @app.post("/hook")
        def hook() -> tuple[str, int]:
            self.received.append((request.get_data(), dict(request.headers)))
            return "", 200

        self.server = ServerThread(app).start()
        self.url = f"{self.server.url}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.stop()


@pytest.mark.slow
def test_lever_sandbox_needs_the_key_and_signs_token_and_triggered_at(receiver: Receiver) -> None:
    with LeverSandbox(api_key="k", signature_token="sig", webhook_url=receiver.url) as lever:
        url = f"{lever.url}/v1/opportunities/{lever.opportunity_id}"
        refused = requests.get(url, timeout=T)
        assert refused.status_code == 401 and refused.json()["code"] == "Unauthorized"
        opportunity = requests.get(url, auth=("k", ""), timeout=T).json()["data"]
        assert opportunity["stage"]["id"] == lever.world.stages[0]["id"]
        listed = requests.get(f"{url}/interviews", auth=("k", ""), timeout=T).json()
        assert listed == {"data": [], "hasNext": False}
        reason = requests.get(
            f"{lever.url}/v1/archive_reasons/{HIRED_REASON['id']}", auth=("k", ""), timeout=T
        ).json()["data"]
        assert reason["type"] == "hired"
        assert lever.move(lever.onsite).ok
    [(body, headers)] = receiver.received
    document = json.loads(body)
    assert headers["User-Agent"] == "Lever-Webhooks" and len(document["token"]) == 48
    assert document["data"]["toStageId"] == lever.onsite
    now = int(time.time() * 1000)
    args = (document["token"], document["triggeredAt"], document["signature"])
    verify_lever(*args, ["sig"], now_ms=now, window_ms=60_000)
    with pytest.raises(SignatureError):
        verify_lever(*args, ["other"], now_ms=now, window_ms=60_000)


@pytest.mark.slow
def test_ashby_sandbox_needs_the_key_and_signs_the_raw_body(receiver: Receiver) -> None:
    with AshbySandbox(api_key="k", secret="s", webhook_url=receiver.url) as ashby:
        info = f"{ashby.url}/application.info"
        body = {"applicationId": ashby.application_id}
        assert requests.post(info, json=body, timeout=T).status_code == 401
        answer = requests.post(info, json=body, auth=("k", ""), timeout=T).json()
        assert answer["success"] and answer["results"]["id"] == ashby.application_id
        missing = requests.post(info, json={"applicationId": "x"}, auth=("k", ""), timeout=T)
        assert missing.json()["errorInfo"]["code"] == "application_not_found"
        assert all(delivery.ok for delivery in ashby.hire())
    actions = [json.loads(raw) for raw, _ in receiver.received]
    assert [a["action"] for a in actions] == [
        "candidateHire",
        "candidateStageChange",
        "applicationUpdate",
    ]
    assert len({a["webhookActionId"] for a in actions}) == 1  # related webhooks
    for raw, headers in receiver.received:
        verify_ashby(raw, headers["Ashby-Signature"], ["s"])
