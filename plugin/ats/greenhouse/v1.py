"""Harvest v1: Basic auth with the API key, writes ``On-Behalf-Of`` a Greenhouse user,
``Link`` pages with ``page``/``per_page``, objects that nest what they refer to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugin.ats.base import (
    AtsApplication,
    AtsNote,
    AtsScheduledInterview,
    AtsScorecard,
    AtsStage,
    AtsUser,
)
from plugin.ats.errors import AtsConfigError, AtsNotFound, AtsResponseError
from plugin.ats.greenhouse.client import GreenhouseClient, gh_id
from plugin.ats.greenhouse.parse import (
    application_from_v1,
    as_number,
    created_note,
    is_active,
    notes_from,
    scheduled_from_v1,
    scorecard_from_v1,
    stage_from_v1,
    user_from,
)
from plugin.ats.values import as_text as _text


def _by_priority(stage: Mapping[str, Any]) -> tuple[bool, Any]:
    """Stages in their ``priority``; those without one last."""
    return stage.get("priority") is None, stage.get("priority") or 0


class GreenhouseV1Client(GreenhouseClient):
    version = "v1"
    job_filter = "job_id"

    def _write_headers(self) -> dict[str, str]:
        if not self.on_behalf_of:
            raise AtsConfigError(
                "Harvest v1 writes need a Greenhouse user id: set HIRELOOP_GREENHOUSE_ON_BEHALF_OF"
            )
        return {"On-Behalf-Of": self.on_behalf_of}

    # -- reads ---------------------------------------------------------------------------------

    def job_stages(self, job_id: str) -> list[AtsStage]:
        """The job's active stages by priority, each with its interviews and kit questions."""
        stages = [
            item for item in self._pages(f"jobs/{gh_id(job_id, 'job')}/stages") if is_active(item)
        ]
        stages.sort(key=_by_priority)
        return [stage_from_v1(item) for item in stages]

    def application(self, application_id: str) -> AtsApplication | None:
        path = f"/v1/applications/{gh_id(application_id, 'application')}"
        try:
            item = self.http.json("GET", path)
        except AtsNotFound:
            return None
        return application_from_v1(item)

    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
        path = f"applications/{gh_id(application_id, 'application')}/scheduled_interviews"
        return [scheduled_from_v1(item) for item in self._pages(path)]

    def scorecards(self, application_id: str) -> list[AtsScorecard]:
        """Submitted scorecards of the application, with per-attribute ratings."""
        path = f"applications/{gh_id(application_id, 'application')}/scorecards"
        return [scorecard_from_v1(item) for item in self._pages(path)]

    def user(self, user_id: str) -> AtsUser | None:
        try:
            item = self.http.json("GET", f"/v1/users/{gh_id(user_id, 'user')}")
        except AtsNotFound:
            return None
        return user_from(item)

    def candidate_notes(self, candidate_id: str) -> list[AtsNote]:
        path = f"/v1/candidates/{gh_id(candidate_id, 'candidate')}/activity_feed"
        feed = self.http.json("GET", path)
        return notes_from(feed.get("notes") if isinstance(feed, Mapping) else None)

    # -- writes --------------------------------------------------------------------------------

    def create_candidate_note(self, candidate_id: str, body: str) -> AtsNote:
        headers = self._write_headers()
        assert self.on_behalf_of is not None  # _write_headers refuses without one
        payload = {
            "user_id": as_number(self.on_behalf_of),
            "body": body,
            "visibility": self.note_visibility,
        }
        answer = self.http.json(
            "POST",
            f"/v1/candidates/{gh_id(candidate_id, 'candidate')}/activity_feed/notes",
            json=payload,
            headers=headers,
        )
        return created_note(answer, body)

    def add_candidate_tag(self, candidate_id: str, tag_name: str) -> str:
        """Tag the candidate (creating the tag if needed); returns the tag id. Idempotent."""
        headers = self._write_headers()
        tag = self.http.json("POST", "/v1/tags/candidate", json={"name": tag_name}, headers=headers)
        tag_id = _text((tag or {}).get("id"))
        if not tag_id:
            raise AtsResponseError("Greenhouse returned no tag id")
        candidate = gh_id(candidate_id, "candidate")
        self.http.request(
            "PUT", f"/v1/candidates/{candidate}/tags/{gh_id(tag_id, 'tag')}", headers=headers
        )
        return tag_id
