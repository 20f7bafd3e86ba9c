"""The sandbox ATS's state: its data (``store``), the settings a client needs to talk to it,
and what happens in the ATS (a stage move, a note, a scorecard).

Objects are rendered in the shapes of Harvest v1 (``harvest``), Harvest v3 (``v3_shapes``)
and of the ``candidate_stage_change`` webhook (``payloads``). ``api_version`` says which
Harvest the sandbox speaks: ``v3`` (the default: OAuth client credentials at ``/token``,
cursor pages; every ``/v1/`` request is refused as Greenhouse refuses retired keys) or
``v1`` (Basic auth with ``api_key``, kept for the v1 tests).

``interviewer_delay``: the interviews of a stage get their interviewers that many seconds
after the move, as in Greenhouse, where the stage change usually comes before anyone is
scheduled (its webhook then lists ``"interviewers": []`` and no webhook follows).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from plugin.demo.sandbox.harvest import scheduled_interview
from plugin.demo.sandbox.payloads import stage_change_payload
from plugin.demo.sandbox.ratelimit import RateLimiter
from plugin.demo.sandbox.records import SandboxApplication, SandboxStage, iso, now
from plugin.demo.sandbox.store import SandboxStore

VISIBILITIES = ("admin_only", "private", "public")
#: When a scheduled interview's interviewers are scheduled (a private key of the record).
PANEL_AT = "_panel_at"
RATE_DEFAULTS = {"v1": (50, 10.0), "v3": (300, 30.0)}


class SandboxState(SandboxStore):
    """In-memory Greenhouse data plus the settings a client needs to talk to it."""

    def __init__(
        self,
        loop: Mapping[str, Any] | None = None,
        *,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        webhook_url: str | None = None,
        rate_limit: int | None = None,
        rate_window: float | None = None,
        clock: Callable[[], float] = time.time,
        api_version: str = "v3",
        client_id: str | None = None,
        client_secret: str | None = None,
        token_lifetime: float = 3600.0,
        interviewer_delay: float = 0.0,
        missing_scopes: tuple[str, ...] = (),
    ) -> None:
        if api_version not in ("v3", "v1"):
            raise ValueError(f"the sandbox speaks Harvest v3 or v1, not {api_version!r}")
        self.api_version = api_version
        self.api_key = api_key or "sandbox-" + secrets.token_hex(12)
        self.client_id = client_id or "sandbox-client-" + secrets.token_hex(6)
        self.client_secret = client_secret or secrets.token_hex(24)
        self.token_lifetime = token_lifetime
        self.tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)
        self.tokens_minted = 0
        self.interviewer_delay = interviewer_delay
        # v3 scopes the credential lacks: their calls answer 403, as Greenhouse does.
        self.missing_scopes = set(missing_scopes)
        self.tags: dict[int, str] = {}  # candidate tags by id
        self.applied_tags: set[tuple[int, int]] = set()  # (candidate id, tag id)
        self.clock = clock
        self.webhook_secret = webhook_secret or secrets.token_hex(24)
        self.webhook_url = webhook_url
        # v1's published 50 per 10 s; v3's window is 30 s, its limit per account (a
        # sandbox-sized one here: the client learns it from X-RateLimit-Limit).
        default_limit, default_window = RATE_DEFAULTS[api_version]
        self.limiter = RateLimiter(
            rate_limit or default_limit, rate_window or default_window, clock
        )
        super().__init__(loop)

    def move_application(self, application_id: int, stage: int | str) -> dict[str, Any]:
        """Move an application to a stage of its job, schedule that stage's interviews
        (earlier today, now awaiting feedback) and return the ``candidate_stage_change``
        webhook body Greenhouse would send."""
        with self.lock:
            application = self.applications[application_id]
            target = self.find_stage(application.job_id, stage)
            moment = now()
            # Strictly later than the last event, so a receiver ordering by it never sees a tie.
            if moment <= application.last_activity_at:
                moment = application.last_activity_at + timedelta(milliseconds=1)
            application.stage_id = target.id
            application.last_activity_at = moment
            self._schedule(application, target, moment)
            return stage_change_payload(
                self, application, with_interviewers=self.interviewer_delay <= 0
            )

    def _schedule(
        self, application: SandboxApplication, stage: SandboxStage, moment: datetime
    ) -> None:
        """The stage's interviews, one an hour, finished before ``moment``'s hour began."""
        day = moment.replace(minute=0, second=0, microsecond=0)
        count_ = len(stage.interviews)
        panel_at = self.clock() + self.interviewer_delay
        for position, interview in enumerate(stage.interviews):
            starts = day - timedelta(hours=count_ + 1 - position)
            record = scheduled_interview(self, application, interview, moment, starts)
            record[PANEL_AT] = panel_at
            self.scheduled[application.id].append(record)

    def scheduled_of(self, application_id: int) -> list[dict[str, Any]]:
        """The application's scheduled interviews as Greenhouse shows them now: without
        interviewers until their panel is scheduled (``interviewer_delay``)."""
        shown = []
        for record in self.scheduled.get(application_id, []):
            item = {key: value for key, value in record.items() if key != PANEL_AT}
            if self.clock() < record.get(PANEL_AT, 0.0):
                item["interviewers"] = []
            shown.append(item)
        return shown

    def schedule_interviewers(self, application_id: int) -> None:
        with self.lock:
            for record in self.scheduled.get(application_id, []):
                record[PANEL_AT] = self.clock()

    def delete_scheduled(self, scheduled_id: int) -> None:
        with self.lock:
            for application_id, records in self.scheduled.items():
                self.scheduled[application_id] = [r for r in records if r["id"] != scheduled_id]

    def delete_scorecard(self, scorecard_id: int) -> dict[str, Any]:
        """Remove a scorecard; what ``scorecard_deleted`` says about it."""
        with self.lock:
            card = next(c for c in self.scorecards if c["id"] == scorecard_id)
            self.scorecards.remove(card)
            return {
                "id": card["id"],
                "candidate_id": card.get("candidate_id"),
                "interviewed_at": card.get("interviewed_at"),
                "created_at": card.get("created_at"),
                "updated_at": card.get("updated_at"),
                "scorecard_status": "complete",
            }

    def mint_token(self) -> tuple[str, float]:
        """A new access token and its lifetime (the sandbox's token endpoint)."""
        with self.lock:
            token = "sandbox-token-" + secrets.token_urlsafe(24)
            self.tokens[token] = self.clock() + self.token_lifetime
            self.tokens_minted += 1
            return token, self.token_lifetime

    def token_valid(self, token: str) -> bool:
        with self.lock:
            expiry = self.tokens.get(token)
            return expiry is not None and self.clock() < expiry

    def add_note(
        self, candidate_id: int, user_id: int, body: str, visibility: str
    ) -> dict[str, Any]:
        with self.lock:
            note = {
                "id": self.next_id(),
                "created_at": iso(now()),
                "body": body,
                "user": self.user_ref(user_id),
                "private": visibility != "public",
                "visiblity": visibility,  # sic: Greenhouse answers with both spellings
                "visibility": visibility,
            }
            self.notes.setdefault(candidate_id, []).append(note)
            return note

    def add_scorecard(self, scorecard: dict[str, Any]) -> dict[str, Any]:
        """Record a scorecard submitted in the ATS itself (for import tests)."""
        with self.lock:
            scorecard = {"id": self.next_id(), **scorecard}
            self.scorecards.append(scorecard)
            return scorecard

    def all_notes(self) -> list[dict[str, Any]]:
        with self.lock:
            return [note for notes in self.notes.values() for note in notes]
