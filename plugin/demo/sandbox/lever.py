"""A sandbox Lever: one posting, one opportunity, account-wide stages, interviews scheduled
on the opportunity, feedback forms, notes and archive reasons, in Lever's documented shapes
(``{data, next, hasNext}`` lists, Basic auth with the API key as the user name), and the
webhooks Lever sends: ``token`` + ``triggeredAt`` signed with the signature token, the hex
digest in the body's ``signature``, thin ``data`` (ids only).

    with LeverSandbox(api_key="k", signature_token="t", webhook_url=url) as lever:
        lever.move(lever.onsite)                     # candidateStageChange
        lever.schedule(lever.users[0]["id"], "tmpl") # interviewCreated
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from plugin.demo.sandbox.vendor import (
    VendorSandbox,
    VendorWorld,
    not_found,
    post_signed,
    vendor_app,
)
from plugin.demo.sandbox.webhooks import Delivery

HIRED_REASON = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "hired")), "text": "Hired"}
USERS = [
    {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"lever-user-{n}")), "name": name, "email": email}
    for n, (name, email) in enumerate(
        [("Rachel Green", "rachel@lever.test"), ("Monica Geller", "monica@lever.test")]
    )
]


def _ms() -> int:
    return int(time.time() * 1000)


def _uid() -> str:
    return str(uuid.uuid4())


class LeverWorld(VendorWorld):
    def __init__(self, api_key: str, secret: str, webhook_url: str | None) -> None:
        super().__init__(api_key, secret, webhook_url)
        self.stages = [
            {"id": _uid(), "text": "New applicant"},
            {"id": _uid(), "text": "On-site"},
            {"id": _uid(), "text": "Offer"},
        ]
        self.posting = {"id": _uid(), "text": "Senior Product Manager"}
        self.users = {user["id"]: dict(user) for user in USERS}
        self.reasons = {
            HIRED_REASON["id"]: {**HIRED_REASON, "status": "active", "type": "hired"},
            (rejected := _uid()): {
                "id": rejected,
                "text": "Underqualified",
                "status": "active",
                "type": "non-hired",
            },
        }
        self.opportunity: dict[str, Any] = {
            "id": _uid(),
            "name": "Kristoff Bjorgman",
            "contact": _uid(),
            "stage": self.stages[0]["id"],
            "archived": None,
            "createdAt": _ms(),
            "updatedAt": _ms(),
        }
        self.interviews: list[dict[str, Any]] = []
        self.feedback: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []

    def stage(self, stage_id: str) -> dict[str, Any]:
        return next(s for s in self.stages if s["id"] == stage_id)

    def rendered_opportunity(self) -> dict[str, Any]:
        """``GET /opportunities/:id?expand=applications&expand=stage``."""
        found = self.opportunity
        return {
            **found,
            "stage": self.stage(found["stage"]),
            "applications": [{"id": found["id"] + "-app", "posting": self.posting}],
        }


api = Blueprint("lever_api", __name__, url_prefix="/v1")


def _world() -> LeverWorld:
    world: LeverWorld = current_app.config["LEVER_WORLD"]
    return world


def _page(items: list[dict[str, Any]]) -> Response:
    return jsonify({"data": items, "hasNext": False})


def _opportunity_or_404(opportunity_id: str) -> dict[str, Any] | None:
    world = _world()
    return world.opportunity if world.opportunity["id"] == opportunity_id else None


def _missing(what: str, value: str) -> tuple[Response, int]:
    return not_found({"code": "ResourceNotFound", "message": f"{what} {value} was not found"})


@api.get("/opportunities/<opportunity_id>")
def opportunity(opportunity_id: str) -> Response | tuple[Response, int]:
    if _opportunity_or_404(opportunity_id) is None:
        return _missing("opportunities", opportunity_id)
    with _world().lock:
        return jsonify({"data": _world().rendered_opportunity()})


@api.get("/opportunities/<opportunity_id>/<part>")
def opportunity_list(opportunity_id: str, part: str) -> Response | tuple[Response, int]:
    lists = {"interviews": "interviews", "feedback": "feedback", "notes": "notes"}
    if _opportunity_or_404(opportunity_id) is None or part not in lists:
        return _missing("opportunities", opportunity_id)
    with _world().lock:
        return _page(list(getattr(_world(), lists[part])))


@api.post("/opportunities/<opportunity_id>/notes")
def create_note(opportunity_id: str) -> tuple[Response, int]:
    if _opportunity_or_404(opportunity_id) is None:
        return _missing("opportunities", opportunity_id)
    value = str((request.get_json(silent=True) or {}).get("value") or "")
    if not value:
        return jsonify({"code": "BadRequestError", "message": "value is required"}), 400
    note = {
        "id": _uid(),
        "text": "",
        "fields": [{"type": "note", "text": "note", "value": value}],
        "user": request.args.get("perform_as"),
        "createdAt": _ms(),
    }
    with _world().lock:
        _world().notes.append(note)
    return jsonify({"data": {"noteId": note["id"]}}), 201


@api.get("/archive_reasons/<reason_id>")
def archive_reason(reason_id: str) -> Response | tuple[Response, int]:
    found = _world().reasons.get(reason_id)
    return jsonify({"data": found}) if found else _missing("archive_reasons", reason_id)


@api.get("/users/<user_id>")
def user(user_id: str) -> Response | tuple[Response, int]:
    found = _world().users.get(user_id)
    return jsonify({"data": found}) if found else _missing("users", user_id)


@api.get("/stages")
def stages() -> Response:
    return _page(_world().stages)


def create_lever_app(world: LeverWorld) -> Flask:
    app = vendor_app(
        "hireloop_lever_sandbox",
        world,
        lambda: (jsonify({"code": "Unauthorized", "message": "Invalid API key"}), 401),
    )
    app.config["LEVER_WORLD"] = world
    app.register_blueprint(api)
    return app


def lever_signature(token: str, triggered_at: int, signature_token: str) -> str:
    """Lever's documented signature: hex HMAC-SHA256 of ``token + triggeredAt``."""
    message = f"{token}{triggered_at}".encode()
    return hmac.new(signature_token.encode(), message, hashlib.sha256).hexdigest()


class LeverSandbox(VendorSandbox):
    """The sandbox Lever and what its users do there, each with the webhook Lever sends."""

    def __init__(
        self,
        *,
        api_key: str = "lever-sandbox-key",
        signature_token: str = "lever-sandbox-signature-token",
        webhook_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.world = LeverWorld(api_key, signature_token, webhook_url)
        super().__init__(create_lever_app(self.world), host, port)

    @property
    def opportunity_id(self) -> str:
        return str(self.world.opportunity["id"])

    @property
    def onsite(self) -> str:
        return str(self.world.stages[1]["id"])

    def send(self, event: str, **data: Any) -> Delivery:
        """POST one signed webhook about the opportunity to ``webhook_url``."""
        if not self.world.webhook_url:
            raise RuntimeError("the Lever sandbox has no webhook URL to send to")
        found = self.world.opportunity
        ids = {
            "opportunityId": found["id"],
            "candidateId": found["id"],
            "contactId": found["contact"],
        }
        token, at = secrets.token_hex(24), _ms()
        body = {
            "triggeredAt": at,
            "event": event,
            "data": {**ids, **data},
            "signature": lever_signature(token, at, self.world.secret),
            "token": token,
        }
        headers = {"Content-Type": "application/json", "User-Agent": "Lever-Webhooks"}
        return post_signed(self.world.webhook_url, json.dumps(body).encode(), headers)

    def move(self, stage_id: str) -> Delivery:
        with self.world.lock:
            before = self.world.opportunity["stage"]
            self.world.opportunity.update(stage=stage_id, updatedAt=_ms())
        return self.send("candidateStageChange", toStageId=stage_id, fromStageId=before)

    def schedule(self, user_id: str, template_id: str, subject: str = "Interview") -> Delivery:
        """An interview in the opportunity's current stage, held yesterday, with one
        interviewer filling in ``template_id``."""
        person = self.world.users[user_id]
        interview = {
            "id": _uid(),
            "panel": _uid(),
            "subject": subject,
            "interviewers": [{**person, "feedbackTemplate": template_id}],
            "date": _ms() - 86_400_000,
            "duration": 45,
            "feedbackTemplate": template_id,
            "feedbackForms": [],
            "stage": self.world.opportunity["stage"],
            "canceledAt": None,
        }
        with self.world.lock:
            self.world.interviews.append(interview)
        return self.send(
            "interviewCreated", interviewId=interview["id"], panelId=interview["panel"]
        )

    def submit_feedback(
        self, user_id: str, template_id: str, scores: dict[str, int], overall: str
    ) -> dict[str, Any]:
        """A completed feedback form (Lever sends no webhook for it): the overall
        ``score-system`` and a ``scorecard`` of thumbs (1-4) per skill."""
        interview = next(i for i in self.world.interviews if i["feedbackTemplate"] == template_id)
        form = {
            "id": _uid(),
            "type": "interview",
            "text": interview["subject"],
            "fields": [
                {"type": "score-system", "text": "Rating", "value": overall},
                {
                    "type": "scorecard",
                    "text": "Skills",
                    "scores": [{"text": name} for name in scores],
                    "value": [{"score": score, "comment": ""} for score in scores.values()],
                },
            ],
            "baseTemplateId": template_id,
            "interview": interview["id"],
            "panel": interview["panel"],
            "user": user_id,
            "createdAt": _ms(),
            "completedAt": _ms(),
            "deletedAt": None,
        }
        with self.world.lock:
            self.world.feedback.append(form)
        return form

    def archive(self, reason_id: str) -> Delivery:
        archived = {"archivedAt": _ms(), "reason": reason_id}
        with self.world.lock:
            self.world.opportunity.update(archived=archived, updatedAt=_ms())
        return self.send("candidateArchiveChange", fromArchived=None, toArchived=archived)

    def hire(self) -> list[Delivery]:
        """Archived with the Hired reason, as Lever records a hire: the archive change, then
        ``candidateHired``."""
        return [self.archive(HIRED_REASON["id"]), self.send("candidateHired")]
