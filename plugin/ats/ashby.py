"""Ashby: RPC-style ``POST /CATEGORY.method`` calls with the API key as the Basic user name.

``candidate.createNote`` / ``candidate.listNotes``, ``applicationFeedback.list`` (scorecards),
``jobInterviewPlan.info`` (stages and interviews), ``application.info``,
``interviewSchedule.list`` (who interviews, per stage), ``user.info`` (``organizationRead``).
Lists page with ``cursor`` / ``moreDataAvailable`` / ``nextCursor``. Ashby may answer 200 with
``success: false``: that is an error too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from plugin.ats.base import (
    AtsApplication,
    AtsAttributeRating,
    AtsInterview,
    AtsNote,
    AtsScheduledInterview,
    AtsScorecard,
    AtsStage,
    AtsUser,
)
from plugin.ats.errors import AtsNotFound, AtsResponseError
from plugin.ats.http import HttpClient
from plugin.ats.values import as_text as _text
from plugin.ats.values import parse_timestamp

# Ashby's application status on hireloop's scale (AtsApplication.status). The webhook edge
# (webhooks.ashby) reads the same statuses with its own table: the outbound clients never
# import the inbound edge, and both follow Ashby's documented values.
ASHBY_STATUSES = {"Active": "active", "Lead": "active", "Hired": "hired", "Archived": "rejected"}

# Ashby's overall recommendation values (ValueSelect) on the common scale.
RECOMMENDATIONS = {
    "strong_hire": "strong_yes",
    "hire": "yes",
    "no_hire": "no",
    "strong_no_hire": "definitely_not",
    "strong_yes": "strong_yes",
    "yes": "yes",
    "no": "no",
    "strong_no": "definitely_not",
}


def _score_text(value: Any) -> str:
    """Ashby Score values come as "4", 4 or {"score": 4}."""
    if isinstance(value, Mapping):
        value = value.get("score")
    if value is None or isinstance(value, bool):
        return ""
    text = str(value).strip()
    return text if text in ("1", "2", "3", "4") else ""


def _person(user: Mapping[str, Any] | None) -> tuple[str, str]:
    if not user:
        return "", ""
    name = " ".join(p for p in (user.get("firstName"), user.get("lastName")) if p)
    return _text(user.get("id")), name


def scorecard_from_feedback(item: Mapping[str, Any]) -> AtsScorecard:
    values = item.get("submittedValues") or {}
    ratings: list[AtsAttributeRating] = []
    overall: str | None = None
    notes: list[str] = []
    for section in (item.get("formDefinition") or {}).get("sections") or []:
        for entry in section.get("fields") or []:
            field = entry.get("field") if isinstance(entry, Mapping) else None
            if not isinstance(field, Mapping):
                continue
            path = _text(field.get("path"))
            title = _text(field.get("title") or field.get("humanReadablePath") or path)
            value = values.get(path)
            kind = field.get("type")
            if kind == "ValueSelect" and (
                "recommendation" in path.lower() or _text(value) in RECOMMENDATIONS
            ):
                overall = RECOMMENDATIONS.get(_text(value)) if value is not None else None
            elif kind == "Score":
                comment = value.get("comments") if isinstance(value, Mapping) else None
                note = _text(comment.get("value")) if isinstance(comment, Mapping) else ""
                ratings.append(AtsAttributeRating(name=title, rating=_score_text(value), note=note))
            elif kind in ("RichText", "LongText", "String") and value:
                text = value.get("value") if isinstance(value, Mapping) else value
                notes.append(f"{title}: {text}")
    interviewer_id, interviewer_name = _person(item.get("submittedByUser"))
    return AtsScorecard(
        id=_text(item.get("id")),
        application_id=_text(item.get("applicationId")),
        interviewer_id=interviewer_id,
        interviewer_name=interviewer_name,
        interview_name="",
        overall_recommendation=overall,
        submitted_at=parse_timestamp(item.get("submittedAt")),
        ratings=tuple(ratings),
        notes="\n\n".join(notes),
        interview_id=_text(item.get("interviewId")) or None,
    )


def event_interviewers(event: Mapping[str, Any]) -> list[AtsUser] | None:
    """An interview event's interviewers: ``interviewers`` first, else the deprecated
    ``interviewerUserIds`` (ids only); None when it has neither field."""
    users = event.get("interviewers")
    if isinstance(users, list):
        found = []
        for user in users:
            if isinstance(user, Mapping) and user.get("id"):
                uid, name = _person(user)
                found.append(AtsUser(uid, name, _text(user.get("email")) or None))
        return found
    ids = event.get("interviewerUserIds")
    if isinstance(ids, list):
        return [AtsUser(_text(uid), "") for uid in ids if uid]
    return None


class AshbyClient:
    name = "ashby"
    notes_on_application = False  # notes belong to the candidate

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def call(self, method: str, body: Mapping[str, Any], *, write: bool = False) -> Any:
        response = self.http.request("POST", f"/{method}", json=dict(body), write=write)
        try:
            answer = response.json()
        except ValueError:
            raise AtsResponseError(
                f"{method}: the answer is not JSON", response.status_code
            ) from None
        if not isinstance(answer, Mapping):
            raise AtsResponseError(f"{method}: unexpected answer", response.status_code)
        if answer.get("success") is False:
            raw_info = answer.get("errorInfo")
            info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
            errors = answer.get("errors")
            code = _text(info.get("code")) or (
                ", ".join(_text(e) for e in errors) if isinstance(errors, list) else ""
            )
            message = f"{method}: {code} {_text(info.get('message'))}".strip()
            request_id = _text(info.get("requestId")) or response.headers.get("X-Ashby-Request-Id")
            if "not_found" in code:
                raise AtsNotFound(message, response.status_code, request_id)
            raise AtsResponseError(message, response.status_code, request_id or None)
        return answer

    def _results(self, method: str, body: Mapping[str, Any]) -> Iterator[Any]:
        request: dict[str, Any] = dict(body)
        cursors: set[str] = set()
        while True:
            answer = self.call(method, request)
            results = answer.get("results")
            if not isinstance(results, list):
                raise AtsResponseError(f"{method}: expected a list of results")
            yield from results
            cursor = answer.get("nextCursor")
            if not answer.get("moreDataAvailable") or not cursor or cursor in cursors:
                return
            cursors.add(str(cursor))
            request = {**request, "cursor": cursor}

    def job_stages(self, job_id: str) -> list[AtsStage]:
        answer = self.call("jobInterviewPlan.info", {"jobId": job_id})
        plan = answer.get("results") or {}
        stages = sorted(plan.get("stages") or [], key=lambda s: s.get("orderInInterviewPlan") or 0)
        result = []
        for stage in stages:
            interviews = []
            for activity in stage.get("activities") or []:
                for interview in activity.get("interviews") or []:
                    interviews.append(
                        AtsInterview(
                            id=_text(interview.get("interviewId") or interview.get("id")),
                            name=_text(interview.get("title")),
                        )
                    )
            result.append(
                AtsStage(_text(stage.get("id")), _text(stage.get("title")), tuple(interviews))
            )
        return result

    def scorecards(self, application_id: str) -> list[AtsScorecard]:
        return [
            scorecard_from_feedback(item)
            for item in self._results("applicationFeedback.list", {"applicationId": application_id})
            if isinstance(item, Mapping) and item.get("submittedAt")
        ]

    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
        """Every interview event of the application's schedules, with its stage and who runs
        it: ``interviewers`` (user objects, with name and email) first, the deprecated
        ``interviewerUserIds`` where that is absent; an event with neither has an unknown
        panel (``interviewers_known``), not an empty one."""
        result = []
        for schedule in self._results("interviewSchedule.list", {"applicationId": application_id}):
            if not isinstance(schedule, Mapping):
                continue
            for event in schedule.get("interviewEvents") or []:
                if not isinstance(event, Mapping):
                    continue
                people = event_interviewers(event)
                interview = event.get("interview")
                result.append(
                    AtsScheduledInterview(
                        id=_text(event.get("id")),
                        interview_id=_text(event.get("interviewId")) or None,
                        interview_name=_text(interview.get("title"))
                        if isinstance(interview, Mapping)
                        else "",
                        starts_at=parse_timestamp(event.get("startTime")),
                        ends_at=parse_timestamp(event.get("endTime")),
                        interviewers=tuple(people or ()),
                        stage_id=_text(schedule.get("interviewStageId")) or None,
                        cancelled=schedule.get("status") == "Cancelled",
                        interviewers_known=people is not None,
                    )
                )
        return result

    def application(self, application_id: str) -> AtsApplication | None:
        """The application as Ashby holds it now (its stage may have moved on since a
        webhook was sent). None when Ashby no longer has it."""
        try:
            answer = self.call("application.info", {"applicationId": application_id})
        except AtsNotFound:
            return None
        item = answer.get("results")
        if not isinstance(item, Mapping):
            raise AtsResponseError("application.info: expected {results: {...}}")

        def part(name: str) -> Mapping[str, Any]:
            found = item.get(name)
            return found if isinstance(found, Mapping) else {}

        candidate, job, stage = part("candidate"), part("job"), part("currentInterviewStage")
        return AtsApplication(
            id=_text(item.get("id")) or application_id,
            candidate_id=_text(candidate.get("id")) or None,
            job_id=_text(job.get("id")) or None,
            stage_id=_text(stage.get("id")) or None,
            stage_name=_text(stage.get("title")) or None,
            status=ASHBY_STATUSES.get(_text(item.get("status"))),
            updated_at=parse_timestamp(item.get("updatedAt")),
            candidate_name=_text(candidate.get("name")) or None,
            job_name=_text(job.get("title")) or None,
        )

    def user(self, user_id: str) -> AtsUser | None:
        try:
            answer = self.call("user.info", {"userId": user_id})
        except AtsNotFound:
            return None
        user = answer.get("results")
        if not isinstance(user, Mapping):
            return None
        uid, name = _person(user)
        return AtsUser(uid, name, user.get("email"))

    def candidate_notes(self, candidate_id: str) -> list[AtsNote]:
        return [
            AtsNote(
                _text(n.get("id")), _text(n.get("content")), parse_timestamp(n.get("createdAt"))
            )
            for n in self._results("candidate.listNotes", {"candidateId": candidate_id})
            if isinstance(n, Mapping)
        ]

    def create_candidate_note(self, candidate_id: str, body: str) -> AtsNote:
        answer = self.call(
            "candidate.createNote",
            {
                "candidateId": candidate_id,
                "note": {"type": "text/plain", "value": body},
                "sendNotifications": False,
            },
            write=True,
        )
        note = answer.get("results")
        if not isinstance(note, Mapping) or not note.get("id"):
            raise AtsResponseError("Ashby accepted the note but returned no id")
        return AtsNote(
            _text(note.get("id")),
            _text(note.get("content") or body),
            parse_timestamp(note.get("createdAt")),
        )
