"""The sandbox ATS's state: its data (``store``), the settings a client needs to talk to it,
and what happens in the ATS (a stage move, a note, a scorecard).

Objects are rendered in the shapes of Harvest v1 (``harvest``) and of the
``candidate_stage_change`` webhook (``payloads``).
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


class SandboxState(SandboxStore):
    """In-memory Greenhouse data plus the settings a client needs to talk to it."""

    def __init__(
        self,
        loop: Mapping[str, Any] | None = None,
        *,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        webhook_url: str | None = None,
        rate_limit: int = 50,
        rate_window: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api_key = api_key or "sandbox-" + secrets.token_hex(12)
        self.webhook_secret = webhook_secret or secrets.token_hex(24)
        self.webhook_url = webhook_url
        self.limiter = RateLimiter(rate_limit, rate_window, clock)
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
            return stage_change_payload(self, application)

    def _schedule(
        self, application: SandboxApplication, stage: SandboxStage, moment: datetime
    ) -> None:
        """The stage's interviews, one an hour, finished before ``moment``'s hour began."""
        day = moment.replace(minute=0, second=0, microsecond=0)
        count_ = len(stage.interviews)
        for position, interview in enumerate(stage.interviews):
            starts = day - timedelta(hours=count_ + 1 - position)
            self.scheduled[application.id].append(
                scheduled_interview(self, application, interview, moment, starts)
            )

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
