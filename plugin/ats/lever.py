"""Lever: opportunities, interviews, notes (``perform_as``), feedback read, stages, users;
``next``/``hasNext`` pages.

API key as the Basic user name; 10 requests per second per key with bursts of 20 (a token
bucket on Lever's side, mirrored by ours). Notes and feedback belong to the opportunity, so
hireloop's application external id is the note target.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from plugin.ats.base import (
    AtsApplication,
    AtsAttributeRating,
    AtsNote,
    AtsScheduledInterview,
    AtsScorecard,
    AtsStage,
    AtsUser,
)
from plugin.ats.errors import AtsNotFound, AtsResponseError, AtsValidationError
from plugin.ats.http import HttpClient
from plugin.ats.values import as_text as _text
from plugin.ats.values import parse_timestamp

PAGE_LIMIT = 100
_LEADING_SCORE = re.compile(r"^\s*([1-4])\b")
# Lever's ids are UUIDs; anything else in a URL path (a "/", "..", a query) is refused.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def path_id(value: object) -> str:
    """An id as one URL path segment: checked, then quoted (an id never becomes a path)."""
    text = _text(value).strip()
    if not _ID.match(text) or ".." in text:
        raise AtsValidationError(f"not a Lever id: {text[:40]!r}")
    return quote(text, safe="")


def _score_text(value: Any) -> str:
    """A Lever score as "1".."4"; "" for none (0 means "n.a." in Lever's thumbs scale)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(int(value)) if 1 <= int(value) <= 4 else ""
    match = _LEADING_SCORE.match(str(value))
    return match.group(1) if match else ""


def _is_overall(field: Mapping[str, Any]) -> bool:
    if field.get("type") == "score-system" or field.get("overall") or field.get("isSummary"):
        return True
    # The documented examples label the overall rating "score" with "4 - Strong Hire" options.
    options = field.get("options") or []
    return field.get("type") == "score" and any(
        "hire" in _text(o.get("text")).lower() for o in options if isinstance(o, Mapping)
    )


def scorecard_from_feedback(item: Mapping[str, Any], opportunity_id: str) -> AtsScorecard:
    overall: str | None = None
    ratings: list[AtsAttributeRating] = []
    notes: list[str] = []
    for field in item.get("fields") or []:
        if not isinstance(field, Mapping):
            continue
        kind = field.get("type")
        label = _text(field.get("text")).strip()
        value = field.get("value")
        if _is_overall(field):
            overall = _score_text(value) or None
        elif kind == "score":
            ratings.append(AtsAttributeRating(name=label, rating=_score_text(value)))
        elif kind == "scorecard":
            skills = field.get("scores") or []
            values = value if isinstance(value, list) else []
            for index, skill in enumerate(skills):
                entry = values[index] if index < len(values) else {}
                entry = entry if isinstance(entry, Mapping) else {}
                ratings.append(
                    AtsAttributeRating(
                        name=_text(skill.get("text")).strip(),
                        rating=_score_text(entry.get("score")),
                        note=_text(entry.get("comment")),
                    )
                )
        elif kind in ("textarea", "text") and value:
            notes.append(f"{label}: {value}" if label else _text(value))
    return AtsScorecard(
        id=_text(item.get("id")),
        application_id=opportunity_id,
        interviewer_id=_text(item.get("user")),
        interviewer_name="",
        interview_name=_text(item.get("text")),
        overall_recommendation=overall,
        submitted_at=parse_timestamp(item.get("completedAt")),
        interviewed_at=parse_timestamp(item.get("createdAt")),
        ratings=tuple(r for r in ratings if r.name),
        notes="\n\n".join(notes),
        # The loop's Lever interview is the feedback form (template) it is filled in on, not
        # the scheduled interview's id.
        interview_id=_text(item.get("baseTemplateId")) or None,
    )


class LeverClient:
    name = "lever"
    notes_on_application = True  # notes and feedback belong to the opportunity

    def __init__(self, http: HttpClient, *, perform_as: str | None = None) -> None:
        self.http = http
        self.perform_as = perform_as

    def _pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        query: dict[str, Any] = {"limit": PAGE_LIMIT, **(params or {})}
        offsets: set[str] = set()
        while True:
            body = self.http.json("GET", path, params=query)
            if not isinstance(body, Mapping) or not isinstance(body.get("data"), list):
                raise AtsResponseError(f"GET {path}: expected {{data: [...]}}")
            yield from body["data"]
            offset = body.get("next")
            if not body.get("hasNext") or not offset or offset in offsets:
                return
            offsets.add(str(offset))
            query = {**query, "offset": offset}

    def job_stages(self, job_id: str) -> list[AtsStage]:
        """Lever's stages are account-wide (no per-posting interviews)."""
        return [AtsStage(_text(s.get("id")), _text(s.get("text"))) for s in self._pages("/stages")]

    def scorecards(self, application_id: str) -> list[AtsScorecard]:
        """Completed feedback forms of the opportunity."""
        return [
            scorecard_from_feedback(item, application_id)
            for item in self._pages(f"/opportunities/{path_id(application_id)}/feedback")
            if isinstance(item, Mapping) and item.get("completedAt") and not item.get("deletedAt")
        ]

    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
        """The opportunity's interviews: the loop interview is the feedback form
        (``feedbackTemplate``), the stage the one the candidate was in when it was scheduled."""
        result = []
        for item in self._pages(f"/opportunities/{path_id(application_id)}/interviews"):
            starts = parse_timestamp(item.get("date"))
            duration = item.get("duration")
            ends = (
                starts + timedelta(minutes=float(duration))
                if starts and isinstance(duration, int | float)
                else None
            )
            result.append(
                AtsScheduledInterview(
                    id=_text(item.get("id")),
                    interview_id=_text(item.get("feedbackTemplate")) or None,
                    interview_name=_text(item.get("subject")),
                    starts_at=starts,
                    ends_at=ends,
                    interviewers=tuple(
                        AtsUser(_text(u.get("id")), _text(u.get("name")), u.get("email"))
                        for u in item.get("interviewers") or []
                        if isinstance(u, Mapping) and u.get("id")
                    ),
                    stage_id=_text(item.get("stage")) or None,
                    cancelled=bool(item.get("canceledAt")),
                    interviewers_known=isinstance(item.get("interviewers"), list),
                )
            )
        return result

    def application(self, application_id: str) -> AtsApplication | None:
        """The opportunity as Lever holds it now: its posting (hireloop's job), stage and
        contact, which Lever's webhooks do not carry. None when Lever no longer has it."""
        try:
            body = self.http.json(
                "GET",
                f"/opportunities/{path_id(application_id)}",
                params={"expand": ["applications", "stage"]},
            )
        except AtsNotFound:
            return None
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, Mapping):
            raise AtsResponseError(f"GET /opportunities/{application_id}: expected {{data: {{}}}}")
        stage = data.get("stage")
        stage_id, stage_name = (
            (_text(stage.get("id")), _text(stage.get("text")))
            if isinstance(stage, Mapping)
            else (_text(stage), "")
        )
        posting_id = posting_name = ""
        for application in data.get("applications") or []:
            posting = application.get("posting") if isinstance(application, Mapping) else None
            if isinstance(posting, Mapping):
                posting_id, posting_name = _text(posting.get("id")), _text(posting.get("text"))
            elif posting:
                posting_id = _text(posting)
            if posting_id:
                break
        return AtsApplication(
            id=_text(data.get("id")) or application_id,
            candidate_id=_text(data.get("contact")) or None,
            job_id=posting_id or None,
            stage_id=stage_id or None,
            stage_name=stage_name or None,
            status=self._status(data.get("archived")),
            updated_at=parse_timestamp(data.get("updatedAt")),
            candidate_name=_text(data.get("name")) or None,
            job_name=posting_name or None,
        )

    def _status(self, archived: Any) -> str | None:
        """Active, or archived for a reason whose type says hired or rejected (Lever archives
        hired candidates too); None when the reason cannot be read."""
        if not archived:
            return "active"
        reason = archived.get("reason") if isinstance(archived, Mapping) else None
        if isinstance(reason, Mapping):  # expanded
            kind = reason.get("type")
        elif reason:
            kind = self.archive_reason_type(_text(reason))
        else:
            kind = None
        return {"hired": "hired", "non-hired": "rejected"}.get(_text(kind))

    def archive_reason_type(self, reason_id: str) -> str | None:
        """``hired`` or ``non-hired`` (``GET /archive_reasons/:id``); None when unknown."""
        try:
            body = self.http.json("GET", f"/archive_reasons/{path_id(reason_id)}")
        except AtsNotFound:
            return None
        data = body.get("data") if isinstance(body, Mapping) else None
        return _text(data.get("type")) or None if isinstance(data, Mapping) else None

    def user(self, user_id: str) -> AtsUser | None:
        try:
            body = self.http.json("GET", f"/users/{path_id(user_id)}")
        except AtsNotFound:
            return None
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, Mapping):
            return None
        return AtsUser(_text(data.get("id")), _text(data.get("name")), data.get("email"))

    def candidate_notes(self, candidate_id: str) -> list[AtsNote]:
        notes = []
        for item in self._pages(f"/opportunities/{path_id(candidate_id)}/notes"):
            # The note's text and every field value: the marker the write-back looks for
            # may be in any of them.
            parts = [_text(item.get("text"))] + [
                _text(f.get("value")) for f in item.get("fields") or [] if isinstance(f, Mapping)
            ]
            body = "\n".join(part for part in parts if part)
            notes.append(
                AtsNote(_text(item.get("id")), body, parse_timestamp(item.get("createdAt")))
            )
        return notes

    def create_candidate_note(self, candidate_id: str, body: str) -> AtsNote:
        params = {"perform_as": self.perform_as} if self.perform_as else None
        answer = self.http.json(
            "POST",
            f"/opportunities/{path_id(candidate_id)}/notes",
            params=params,
            json={"value": body, "notifyFollowers": False},
        )
        data = answer.get("data") if isinstance(answer, Mapping) else None
        note_id = data.get("noteId") if isinstance(data, Mapping) else None
        if not note_id:
            raise AtsResponseError("Lever accepted the note but returned no noteId")
        return AtsNote(_text(note_id), body)
