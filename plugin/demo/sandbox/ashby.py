"""A sandbox Ashby: one job with an interview plan, one application, interview schedules,
scorecards, candidate notes and users, answering Ashby's RPC calls (``POST /CATEGORY.method``
with a JSON body, Basic auth with the API key as the user name, ``{success, results}``
answers with ``moreDataAvailable``/``nextCursor`` on lists); and the webhooks Ashby sends,
``{webhookActionId, action, data}`` signed over the raw body (``Ashby-Signature:
sha256=<hex>``), related webhooks sharing one ``webhookActionId``.

    with AshbySandbox(api_key="k", secret="s", webhook_url=url) as ashby:
        ashby.move(ashby.onsite)                               # candidateStageChange
        ashby.schedule({"iv-1": [ashby.users[0]["id"]]})       # interviewScheduleCreate
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from plugin.demo.sandbox.vendor import VendorSandbox, VendorWorld, post_signed, vendor_app
from plugin.demo.sandbox.webhooks import Delivery

USERS = [
    {"firstName": first, "lastName": last, "email": f"{first.lower()}@ashby.test"}
    for first, last in (("Ada", "Byron"), ("Grace", "Hopper"))
]


def _iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _uid() -> str:
    return str(uuid.uuid4())


class AshbyWorld(VendorWorld):
    def __init__(self, api_key: str, secret: str, webhook_url: str | None) -> None:
        super().__init__(api_key, secret, webhook_url)
        self.users = {
            (uid := _uid()): {
                "id": uid,
                **user,
                "globalRole": "Elevated Access",
                "isEnabled": True,
                "updatedAt": _iso(),
            }
            for user in USERS
        }
        self.job = {"id": _uid(), "title": "Senior Product Manager"}
        plan = _uid()
        self.stages = [
            {"id": _uid(), "title": title, "type": kind, "orderInInterviewPlan": n,
             "interviewStageGroupId": _uid(), "interviewPlanId": plan}
            for n, (title, kind) in enumerate(
                (("Application Review", "PreInterviewScreen"), ("Onsite", "Active"),
                 ("Hired", "Hired"))
            )
        ]  # fmt: skip
        self.candidate = {"id": _uid(), "name": "Ada Lovelace"}
        self.application: dict[str, Any] = {
            "id": _uid(),
            "createdAt": _iso(),
            "updatedAt": _iso(),
            "status": "Active",
            "candidate": self.candidate,
            "currentInterviewStage": self.stages[0],
            "job": {**self.job, "locationId": _uid(), "departmentId": _uid()},
            "hiringTeam": [],
        }
        self.schedules: list[dict[str, Any]] = []
        self.feedback: list[dict[str, Any]] = []
        self.notes: dict[str, list[dict[str, Any]]] = {}


api = Blueprint("ashby_api", __name__)


def _world() -> AshbyWorld:
    world: AshbyWorld = current_app.config["ASHBY_WORLD"]
    return world


def _ok(results: Any, *, listed: bool = False) -> Response:
    answer: dict[str, Any] = {"success": True, "results": results}
    if listed:
        answer["moreDataAvailable"] = False
    return jsonify(answer)


def _error(code: str, message: str) -> Response:
    return jsonify({"success": False, "errorInfo": {"code": code, "message": message}})


def _for_application(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wanted = (request.get_json(silent=True) or {}).get("applicationId")
    return [item for item in items if item.get("applicationId") == wanted]


@api.post("/<method>")
def rpc(method: str) -> Response:
    world, body = _world(), request.get_json(silent=True) or {}
    with world.lock:
        if method == "application.info":
            if body.get("applicationId") != world.application["id"]:
                return _error("application_not_found", "no such application")
            return _ok(world.application)
        if method == "interviewSchedule.list":
            return _ok(_for_application(world.schedules), listed=True)
        if method == "applicationFeedback.list":
            return _ok(_for_application(world.feedback), listed=True)
        if method == "user.info":
            found = world.users.get(str(body.get("userId")))
            return _ok(found) if found else _error("user_not_found", "no such user")
        if method == "candidate.listNotes":
            return _ok(world.notes.get(str(body.get("candidateId")), []), listed=True)
        if method == "candidate.createNote":
            return _create_note(world, body)
    return _error("invalid_endpoint", f"the sandbox does not answer {method}")


def _create_note(world: AshbyWorld, body: dict[str, Any]) -> Response:
    note = body.get("note")
    content = note.get("value") if isinstance(note, dict) else note
    candidate = str(body.get("candidateId"))
    if candidate != world.candidate["id"] or not content:
        return _error("candidate_not_found", "no such candidate (or an empty note)")
    created = {"id": _uid(), "createdAt": _iso(), "content": str(content), "author": None}
    world.notes.setdefault(candidate, []).append(created)
    return _ok(created)


def create_ashby_app(world: AshbyWorld) -> Flask:
    app = vendor_app(
        "hireloop_ashby_sandbox",
        world,
        lambda: (jsonify({"success": False, "errors": ["invalid_api_key"]}), 401),
    )
    app.config["ASHBY_WORLD"] = world
    app.register_blueprint(api)
    return app


def ashby_signature(secret: str, body: bytes) -> str:
    """Ashby's documented header value: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class AshbySandbox(VendorSandbox):
    """The sandbox Ashby and what its users do there, each with the webhooks Ashby sends."""

    def __init__(
        self,
        *,
        api_key: str = "ashby-sandbox-key",
        secret: str = "ashby-sandbox-secret",
        webhook_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.world = AshbyWorld(api_key, secret, webhook_url)
        super().__init__(create_ashby_app(self.world), host, port)

    @property
    def application_id(self) -> str:
        return str(self.world.application["id"])

    @property
    def onsite(self) -> str:
        return str(self.world.stages[1]["id"])

    @property
    def users(self) -> list[dict[str, Any]]:
        return list(self.world.users.values())

    def send(self, action: str, data: dict[str, Any], action_id: str | None = None) -> Delivery:
        if not self.world.webhook_url:
            raise RuntimeError("the Ashby sandbox has no webhook URL to send to")
        document = {"webhookActionId": action_id or _uid(), "action": action, "data": data}
        body = json.dumps(document).encode()
        headers = {
            "Content-Type": "application/json",
            "Ashby-Signature": ashby_signature(self.world.secret, body),
        }
        return post_signed(self.world.webhook_url, body, headers)

    def _application(self, **changes: Any) -> dict[str, Any]:
        with self.world.lock:
            self.world.application.update(changes, updatedAt=_iso())
            return json.loads(json.dumps(self.world.application))

    def move(self, stage_id: str) -> Delivery:
        stage = next(s for s in self.world.stages if s["id"] == stage_id)
        return self.send(
            "candidateStageChange", {"application": self._application(currentInterviewStage=stage)}
        )

    def schedule(self, panel: dict[str, list[str]]) -> Delivery:
        """An interview schedule in the application's stage, held yesterday: per interview
        id, its interviewers (``interviewers`` user objects and the deprecated ids)."""
        schedule_id, start = _uid(), datetime.now(UTC) - timedelta(days=1)
        events = [
            {
                "id": _uid(),
                "interviewId": interview_id,
                "interviewScheduleId": schedule_id,
                "interviewerUserIds": list(user_ids),
                "interviewers": [
                    {
                        **self.world.users[u],
                        "trainingRole": None,
                        "interviewerPool": None,
                        "isFeedbackRequired": True,
                    }
                    for u in user_ids
                ],
                "createdAt": _iso(),
                "updatedAt": _iso(),
                "startTime": _iso(start),
                "endTime": _iso(start + timedelta(hours=1)),
                "feedbackLink": f"https://app.ashbyhq.com/interview-briefings/{_uid()}/feedback",
                "hasSubmittedFeedback": False,
            }
            for interview_id, user_ids in panel.items()
        ]
        schedule = {
            "id": schedule_id,
            "status": "Scheduled",
            "applicationId": self.application_id,
            "interviewStageId": self.world.application["currentInterviewStage"]["id"],
            "createdAt": _iso(),
            "updatedAt": _iso(),
            "interviewEvents": events,
        }
        with self.world.lock:
            self.world.schedules.append(schedule)
        return self.send("interviewScheduleCreate", {"interviewSchedule": schedule})

    def submit_feedback(self, user_id: str, interview_id: str, scores: dict[str, int]) -> None:
        """A submitted scorecard (Ashby sends no webhook for it): a Score field per skill."""
        fields = [
            {"isRequired": False, "field": {"id": _uid(), "type": "Score", "path": f"s{n}",
                                             "title": title, "isNullable": False}}
            for n, title in enumerate(scores)
        ]  # fmt: skip
        item = {
            "id": _uid(),
            "applicationId": self.application_id,
            "interviewId": interview_id,
            "submittedAt": _iso(),
            "submittedByUser": self.world.users[user_id],
            "formDefinition": {"sections": [{"title": "Scorecard", "fields": fields}]},
            "submittedValues": {f"s{n}": str(score) for n, score in enumerate(scores.values())},
        }
        with self.world.lock:
            self.world.feedback.append(item)

    def merge(self) -> Delivery:
        """The candidate is merged into a new candidate record, which keeps the application."""
        deleted = dict(self.world.candidate)
        with self.world.lock:
            self.world.candidate = {**deleted, "id": _uid()}
            self._application(candidate=self.world.candidate)
        data = {"deletedCandidate": {"id": deleted["id"]}, "mergedCandidate": self.world.candidate}
        return self.send("candidateMerge", data)

    def hire(self) -> list[Delivery]:
        """Hired, with the related webhooks Ashby sends under one ``webhookActionId``."""
        application = self._application(status="Hired", currentInterviewStage=self.world.stages[2])
        action = _uid()
        return [
            self.send(kind, {"application": application}, action)
            for kind in ("candidateHire", "candidateStageChange", "applicationUpdate")
        ]
