"""Harvest v3: OAuth client credentials (the token's ``sub`` acts, so no ``On-Behalf-Of``),
cursor pages, flat objects that refer to others by id. Those are fetched in batches with
the ``ids`` / ``*_ids`` filters and joined here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from plugin.ats.base import (
    AtsApplication,
    AtsAttributeRating,
    AtsNote,
    AtsScheduledInterview,
    AtsScorecard,
    AtsStage,
    AtsUser,
)
from plugin.ats.errors import AtsClientError, AtsResponseError, AtsValidationError
from plugin.ats.greenhouse.client import GreenhouseClient, gh_id, is_gh_id
from plugin.ats.greenhouse.parse import (
    Item,
    application_from_v3,
    as_number,
    created_note,
    is_active,
    notes_from,
    optional_id,
    rating_from_v3,
    scheduled_from_v3,
    scorecard_from_v3,
    stage_from_v3,
    user_from,
)
from plugin.ats.values import as_text as _text

IDS_PER_REQUEST = 50  # v3: ``ids`` / ``*_ids`` take at most 50 values


def _chunks(values: Iterable[str], size: int = IDS_PER_REQUEST) -> Iterator[list[str]]:
    chunk: list[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _group_by(items: Iterable[Item], key: str) -> dict[str, list[Item]]:
    """Items by the (text of the) id under ``key``, each group in the order given."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(_text(item.get(key)), []).append(item)
    return groups


class GreenhouseV3Client(GreenhouseClient):
    version = "v3"
    job_filter = "job_ids"

    def _write_headers(self) -> dict[str, str]:
        return {}  # v3 acts as the token's ``sub`` user

    def _by_ids(self, resource: str, ids: Iterable[str]) -> dict[str, Item]:
        """The ``resource`` rows with these ids (ids that are not Greenhouse ids, such as an
        external attendee's missing user id, are left out)."""
        found: dict[str, Item] = {}
        valid = {i for i in ids if is_gh_id(i)}
        for chunk in _chunks(sorted(valid)):
            for item in self._pages(resource, {"ids": ",".join(chunk)}):
                found[_text(item.get("id"))] = item
        return found

    def _by_chunks(self, resource: str, filter_name: str, ids: list[str]) -> Iterator[Item]:
        """Every ``resource`` whose ``filter_name`` is one of ``ids``, 50 ids a request."""
        for chunk in _chunks(ids):
            yield from self._pages(resource, {filter_name: ",".join(chunk)})

    # -- reads ---------------------------------------------------------------------------------

    def job_stages(self, job_id: str) -> list[AtsStage]:
        """The job's active stages in order, each with its active interviews."""
        job_id = gh_id(job_id, "job")
        listed = self._pages("job_interview_stages", {"job_ids": job_id})
        stages = [s for s in listed if is_active(s)]
        interviews = _group_by(
            (i for i in self._pages("job_interviews", {"job_ids": job_id}) if is_active(i)),
            "job_interview_stage_id",
        )
        stages.sort(key=lambda s: s.get("sort_order") or 0)
        return [stage_from_v3(s, interviews.get(_text(s.get("id")), [])) for s in stages]

    def applications(self, job_id: str, status: str | None = "active") -> list[AtsApplication]:
        """The job's applications, each with its job stage (from its current application
        stage: v3's ``stage_id`` names the application-stage row)."""
        params: dict[str, Any] = {"job_ids": gh_id(job_id, "job")}
        if status:
            params["status"] = status
        items = list(self._pages("applications", params))
        stages: dict[str, str | None] = {}
        for chunk in _chunks([_text(i.get("id")) for i in items]):
            query = {"application_ids": ",".join(chunk), "current": "true"}
            for row in self._pages("application_stages", query):
                stages[_text(row.get("application_id"))] = optional_id(
                    row.get("job_interview_stage_id")
                )
        return [
            replace(application_from_v3(i), stage_id=stages.get(_text(i.get("id")))) for i in items
        ]

    def application(self, application_id: str) -> AtsApplication | None:
        """The application, its stage as the job's stage: v3's ``stage_id`` names an
        application-stage row, so the job stage comes from the current one of those."""
        application_id = gh_id(application_id, "application")
        item = self._by_ids("applications", [application_id]).get(application_id)
        if item is None:
            return None
        query = {"application_ids": application_id, "current": "true"}
        current = next(iter(self._pages("application_stages", query)), None)
        job_stage = optional_id((current or {}).get("job_interview_stage_id"))
        return replace(application_from_v3(item), stage_id=job_stage)

    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
        """The application's interviews with their interviewers (v3 keeps the panel apart,
        in ``/v3/interviewers``; those who declined are left out, as in webhooks)."""
        query = {"application_ids": gh_id(application_id, "application")}
        interviews = list(self._pages("interviews", query))
        rows = self._by_chunks(
            "interviewers", "interview_ids", [_text(i.get("id")) for i in interviews]
        )
        panel = {
            interview_id: [row for row in members if row.get("response_status") != "declined"]
            for interview_id, members in _group_by(rows, "interview_id").items()
        }
        users = self._by_ids(
            "users", [_text(row.get("user_id")) for members in panel.values() for row in members]
        )
        kinds = self._by_ids(
            "job_interviews", [_text(i.get("job_interview_id")) for i in interviews]
        )
        return [
            scheduled_from_v3(i, panel.get(_text(i.get("id")), []), users, kinds)
            for i in interviews
        ]

    def scorecards(self, application_id: str) -> list[AtsScorecard]:
        """Submitted scorecards of the application, joined with their attribute ratings, their
        interview (through the interview kit) and their interviewer."""
        query = {"application_ids": gh_id(application_id, "application"), "status": "complete"}
        cards = list(self._pages("scorecards", query))
        if not cards:
            return []
        ratings = self._ratings_by_card(cards)
        kits = self._by_ids(
            "interview_kits",
            [_text(c.get("interview_kit_id")) for c in cards if c.get("interview_kit_id")],
        )
        job_interviews = self._by_ids(
            "job_interviews", [_text(k.get("job_interview_id")) for k in kits.values()]
        )
        users = self._by_ids(
            "users", [_text(c.get("interviewer_id")) for c in cards if c.get("interviewer_id")]
        )
        return [
            scorecard_from_v3(
                card, ratings.get(_text(card.get("id")), []), kits, job_interviews, users
            )
            for card in cards
        ]

    def _ratings_by_card(self, cards: list[Item]) -> dict[str, list[AtsAttributeRating]]:
        """The attribute ratings of each scorecard, named by their job candidate attribute."""
        rows = self._by_chunks(
            "scorecard_candidate_attributes", "scorecard_ids", [_text(c.get("id")) for c in cards]
        )
        by_card = _group_by(rows, "scorecard_id")
        attributes = self._by_ids(
            "job_candidate_attributes",
            [_text(r.get("job_candidate_attribute_id")) for rows in by_card.values() for r in rows],
        )
        return {
            card_id: [rating_from_v3(row, attributes) for row in rows]
            for card_id, rows in by_card.items()
        }

    def user(self, user_id: str) -> AtsUser | None:
        user_id = gh_id(user_id, "user")
        item = self._by_ids("users", [user_id]).get(user_id)
        return None if item is None else user_from(item)

    def candidate_notes(self, candidate_id: str) -> list[AtsNote]:
        return notes_from(self._pages("notes", {"candidate_ids": gh_id(candidate_id, "candidate")}))

    # -- writes --------------------------------------------------------------------------------

    def create_candidate_note(self, candidate_id: str, body: str) -> AtsNote:
        payload: dict[str, Any] = {
            "candidate_id": as_number(gh_id(candidate_id, "candidate")),
            "body": body,
            "visibility": self.note_visibility,
        }
        # The token's user writes the note; naming it keeps the note attributed in Greenhouse.
        user_id = getattr(self.http.auth, "user_id", None)
        if user_id:
            payload["user_id"] = as_number(str(user_id))
        return created_note(self.http.json("POST", "/v3/notes", json=payload), body)

    def add_candidate_tag(self, candidate_id: str, tag_name: str) -> str:
        """Tag the candidate (creating the tag if needed); returns the tag id. Idempotent."""
        tag_id = self._tag_id(tag_name)
        try:
            self.http.request(
                "POST",
                "/v3/applied_candidate_tags",
                json={
                    "candidate_id": as_number(candidate_id),
                    "candidate_tag_id": as_number(tag_id),
                },
            )
        except (AtsValidationError, AtsClientError) as exc:
            # Applied already: the tag is where we want it.
            if exc.status != 409 and "already" not in exc.message.lower():
                raise
        return tag_id

    def _tag_id(self, tag_name: str) -> str:
        """The id of the candidate tag named ``tag_name`` (any case), created if missing."""
        wanted = tag_name.lower()
        existing: Mapping[str, Any] | None = next(
            (t for t in self._pages("candidate_tags") if _text(t.get("name")).lower() == wanted),
            None,
        )
        if existing is None:
            existing = self.http.json("POST", "/v3/candidate_tags", json={"name": tag_name})
        tag_id = _text((existing or {}).get("id"))
        if not tag_id:
            raise AtsResponseError("Greenhouse returned no tag id")
        return tag_id
