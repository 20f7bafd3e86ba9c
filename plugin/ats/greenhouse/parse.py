"""Greenhouse Harvest objects (v1 and v3) as the ATS-neutral shapes of ``plugin.ats.base``.

Pure functions: no requests here. Where a v3 object only carries ids (v3 splits what v1
nests), the caller fetches the referenced objects and passes them in as lookups by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
from plugin.ats.errors import AtsResponseError
from plugin.ats.values import as_text as _text
from plugin.ats.values import parse_timestamp

Item = Mapping[str, Any]
Lookup = Mapping[str, Item]  # Greenhouse objects by their id (as text)

V3_RATING = {"strong_no": "definitely_not"}  # v3 candidate_rating -> v1 overall_recommendation


def optional_id(value: Any) -> str | None:
    """A Greenhouse id (or other optional value) as text; None when absent or empty."""
    return None if value is None or value == "" else str(value)


def as_number(value: str) -> int | str:
    """Greenhouse wants numeric ids as JSON numbers in request bodies."""
    return int(value) if value.isdigit() else value


def user_name(user: Item | None) -> str:
    if not user:
        return ""
    name = user.get("name") or " ".join(
        part for part in (user.get("first_name"), user.get("last_name")) if part
    )
    return _text(name)


def user_email(user: Item) -> str | None:
    # v1 primary_email_address, v3 primary_email, webhooks and v3 interviewers email.
    email = user.get("primary_email_address") or user.get("primary_email") or user.get("email")
    if not email and isinstance(user.get("emails"), list) and user["emails"]:
        email = user["emails"][0]
    return optional_id(email)


def user_from(item: Item) -> AtsUser:
    return AtsUser(_text(item.get("id")), user_name(item), user_email(item))


def is_active(item: Item) -> bool:
    """Stages and interviews without an ``active`` flag count as active."""
    return item.get("active", True) is not False


# -- notes -------------------------------------------------------------------------------------


def notes_from(notes: Iterable[Any] | None) -> list[AtsNote]:
    return [
        AtsNote(_text(n.get("id")), _text(n.get("body")), parse_timestamp(n.get("created_at")))
        for n in notes or []
        if isinstance(n, Mapping)
    ]


def created_note(answer: Any, body: str) -> AtsNote:
    """The note Greenhouse answered a create with; ``body`` stands in when it echoes none."""
    if not isinstance(answer, Mapping) or answer.get("id") is None:
        raise AtsResponseError("Greenhouse accepted the note but returned no id")
    return AtsNote(
        _text(answer.get("id")),
        _text(answer.get("body") or body),
        parse_timestamp(answer.get("created_at")),
    )


# -- applications ------------------------------------------------------------------------------


def application_from_v1(item: Item) -> AtsApplication:
    stage = item.get("current_stage") or {}
    jobs = item.get("jobs") or [{}]
    return AtsApplication(
        id=_text(item.get("id")),
        candidate_id=optional_id(item.get("candidate_id")),
        job_id=optional_id(jobs[0].get("id")) if jobs else None,
        stage_id=optional_id(stage.get("id")),
        stage_name=optional_id(stage.get("name")),
        status=optional_id(item.get("status")),
        updated_at=parse_timestamp(item.get("last_activity_at")),
    )


def application_from_v3(item: Item) -> AtsApplication:
    return AtsApplication(
        id=_text(item.get("id")),
        candidate_id=optional_id(item.get("candidate_id")),
        job_id=optional_id(item.get("job_id")),
        stage_id=optional_id(item.get("stage_id")),
        stage_name=optional_id(item.get("stage_name")),
        status=optional_id(item.get("status")),
        updated_at=parse_timestamp(item.get("updated_at")),
    )


def application_from_listing(item: Item) -> AtsApplication:
    """An application of a job's list, read the same way whichever version sent it."""
    stage = item.get("current_stage") or {}
    jobs = item.get("jobs") or []
    return AtsApplication(
        id=_text(item.get("id")),
        candidate_id=optional_id(item.get("candidate_id")),
        job_id=optional_id(jobs[0].get("id")) if jobs else optional_id(item.get("job_id")),
        stage_id=optional_id(stage.get("id") or item.get("stage_id")),
        stage_name=optional_id(stage.get("name") or item.get("stage_name")),
        status=optional_id(item.get("status")),
        updated_at=parse_timestamp(item.get("last_activity_at") or item.get("updated_at")),
    )


# -- stages ------------------------------------------------------------------------------------


def _interview_from_v1(interview: Item) -> AtsInterview:
    kit = interview.get("interview_kit") or {}
    questions = tuple(
        _text(q.get("question")) for q in kit.get("questions") or [] if q.get("question")
    )
    return AtsInterview(
        id=_text(interview.get("id")), name=_text(interview.get("name")), questions=questions
    )


def stage_from_v1(item: Item) -> AtsStage:
    interviews = tuple(_interview_from_v1(i) for i in item.get("interviews") or [])
    return AtsStage(id=_text(item.get("id")), name=_text(item.get("name")), interviews=interviews)


def stage_from_v3(stage: Item, interviews: Iterable[Item]) -> AtsStage:
    """A v3 job interview stage with its job interviews (in their ``sort_order``)."""
    members = sorted(interviews, key=lambda i: i.get("sort_order") or 0)
    return AtsStage(
        id=_text(stage.get("id")),
        name=_text(stage.get("name")),
        interviews=tuple(
            AtsInterview(id=_text(i.get("id")), name=_text(i.get("name"))) for i in members
        ),
    )


# -- scheduled interviews ----------------------------------------------------------------------


def scheduled_from_v1(item: Item) -> AtsScheduledInterview:
    interview = item.get("interview") or {}
    start = (item.get("start") or {}).get("date_time")
    end = (item.get("end") or {}).get("date_time")
    return AtsScheduledInterview(
        id=_text(item.get("id")),
        interview_id=optional_id(interview.get("id")),
        interview_name=_text(interview.get("name")),
        starts_at=parse_timestamp(start),
        ends_at=parse_timestamp(end),
        interviewers=tuple(
            AtsUser(_text(u.get("id")), user_name(u), optional_id(u.get("email")))
            for u in item.get("interviewers") or []
        ),
    )


def scheduled_from_v3(
    item: Item, panel: Iterable[Item], users: Lookup, job_interviews: Lookup
) -> AtsScheduledInterview:
    """A v3 interview; ``panel`` holds its ``/v3/interviewers`` rows (each with the user id
    and, usually, the e-mail), ``users`` the names."""
    job_interview_id = _text(item.get("job_interview_id"))
    people = []
    for row in panel:
        uid = _text(row.get("user_id"))
        user = users.get(uid)
        email = optional_id(row.get("email")) or (user_email(user) if user else None)
        if uid or email:
            people.append(AtsUser(uid or (email or ""), user_name(user), email))
    return AtsScheduledInterview(
        id=_text(item.get("id")),
        interview_id=optional_id(item.get("job_interview_id")),
        interview_name=_text((job_interviews.get(job_interview_id) or {}).get("name")),
        starts_at=parse_timestamp(item.get("starts_at")),
        ends_at=parse_timestamp(item.get("ends_at")),
        interviewers=tuple(people),
        cancelled=item.get("status") in ("skipped",),
    )


# -- scorecards --------------------------------------------------------------------------------


def scorecard_from_v1(item: Item) -> AtsScorecard:
    """A Harvest v1 scorecard object as an AtsScorecard (attribute ratings kept as given)."""
    interviewer = item.get("interviewer") or item.get("submitted_by") or {}
    step = item.get("interview_step") or {}
    ratings = tuple(
        AtsAttributeRating(
            name=_text(attribute.get("name")).strip(),
            rating=_text(attribute.get("rating")) or "no_decision",
            note=_text(attribute.get("note")),
        )
        for attribute in item.get("attributes") or []
        if isinstance(attribute, Mapping) and attribute.get("name")
    )
    notes = "\n\n".join(
        f"{q.get('question')}: {q.get('answer')}"
        for q in item.get("questions") or []
        if isinstance(q, Mapping) and q.get("answer") and q.get("question") != "Private Notes"
    )
    return AtsScorecard(
        id=_text(item.get("id")),
        application_id=_text(item.get("application_id")),
        interviewer_id=_text(interviewer.get("id")),
        interviewer_name=user_name(interviewer),
        interview_name=_text(step.get("name") or item.get("interview")),
        overall_recommendation=optional_id(item.get("overall_recommendation")),
        submitted_at=parse_timestamp(item.get("submitted_at")),
        interviewed_at=parse_timestamp(item.get("interviewed_at")),
        ratings=ratings,
        notes=notes,
        interview_id=optional_id(step.get("id")),
    )


def rating_from_v3(row: Item, attributes: Lookup) -> AtsAttributeRating:
    """A v3 scorecard_candidate_attribute, named by its job candidate attribute."""
    attribute_id = _text(row.get("job_candidate_attribute_id"))
    name = _text((attributes.get(attribute_id) or {}).get("name")) or attribute_id
    return AtsAttributeRating(
        name=name,
        rating=_text(row.get("candidate_attribute_rating")) or "no_decision",
        note=_text(row.get("note")),
    )


def scorecard_from_v3(
    card: Item,
    ratings: Iterable[AtsAttributeRating],
    kits: Lookup,
    job_interviews: Lookup,
    users: Lookup,
) -> AtsScorecard:
    """A v3 scorecard; its interview comes through its interview kit, v3's strong_no is
    v1's definitely_not."""
    kit = kits.get(_text(card.get("interview_kit_id"))) or {}
    interview_id = optional_id(kit.get("job_interview_id"))
    interview = job_interviews.get(interview_id or "") or {}
    rating = optional_id(card.get("candidate_rating"))
    interviewer_id = _text(card.get("interviewer_id"))
    return AtsScorecard(
        id=_text(card.get("id")),
        application_id=_text(card.get("application_id")),
        interviewer_id=interviewer_id,
        interviewer_name=user_name(users.get(interviewer_id)),
        interview_name=_text(interview.get("name")),
        overall_recommendation=V3_RATING.get(rating or "", rating),
        submitted_at=parse_timestamp(card.get("submitted_at")),
        interviewed_at=parse_timestamp(card.get("interviewed_at")),
        ratings=tuple(ratings),
        notes=_text(card.get("public_notes") or card.get("notes")),
        interview_id=interview_id,
    )
