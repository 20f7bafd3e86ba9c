"""What an interviewer sends: its shape, the checks of its content against the interview, and
what a submission still lacks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plugin.scorecards.context import NO_EVIDENCE_NAME, InterviewContext
from plugin.scorecards.errors import ScorecardInvalid
from scorecards.framework import NO_EVIDENCE
from scorecards.scale import RECOMMENDATION_LABELS, RECOMMENDATIONS

EVIDENCE_MAX_CHARS = 10_000
NOTES_MAX_CHARS = 20_000
REASON_MAX_CHARS = 2_000
# A draft may keep evidence typed before a rating was chosen (the page only; the API needs a
# rating per entry). Never submitted: submitting needs a rating for every competency.
UNRATED = ""
# An extreme rating (the lowest or the highest point) needs more than a word or two.
EXTREME_EVIDENCE_MIN_CHARS = 40

# The page's choices, in the domain's order and words.
RECOMMENDATION_NAMES: dict[str, str] = dict(RECOMMENDATION_LABELS)


@dataclass(frozen=True)
class RatingInput:
    rating: str
    evidence: str = ""


@dataclass(frozen=True)
class ScorecardInput:
    """The contract's PUT body, already shape-checked at the edge."""

    ratings: Mapping[str, RatingInput] = field(default_factory=dict)
    recommendation: str | None = None
    notes: str = ""
    submit: bool = False
    reason: str | None = None

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ScorecardInput:
        ratings = {
            str(cid): RatingInput(str(value["rating"]), str(value.get("evidence") or ""))
            for cid, value in (body.get("ratings") or {}).items()
        }
        reason = body.get("reason")
        return cls(
            ratings=ratings,
            recommendation=body.get("recommendation") or None,
            notes=str(body.get("notes") or ""),
            submit=bool(body.get("submit")),
            reason=str(reason).strip() if reason is not None and str(reason).strip() else None,
        )


def check_input(ctx: InterviewContext, data: ScorecardInput) -> None:
    """Competencies and rating points against this interview; 422 naming each field."""
    problems: dict[str, str] = {}
    allowed = ctx.competency_ids
    for competency_id, rating in data.ratings.items():
        name = f"ratings.{competency_id}"
        if competency_id not in allowed:
            known = ctx.framework is not None and any(
                c.id == competency_id for c in ctx.framework.competencies
            )
            canonical = ctx.framework.resolve(competency_id) if ctx.framework else None
            if known:
                problems[name] = (
                    f"'{competency_id}' is not a focus competency of this interview; "
                    f"rate only: {', '.join(allowed) or 'none'}."
                )
            elif canonical is not None and canonical in allowed:
                problems[name] = f"Unknown competency id '{competency_id}'; use '{canonical}'."
            else:
                problems[name] = f"Unknown competency '{competency_id}'."
            continue
        if rating.rating not in (*ctx.points, NO_EVIDENCE, UNRATED):
            problems[f"{name}.rating"] = (
                f"Unknown rating point '{rating.rating}'; "
                f"use one of: {', '.join((*ctx.points, NO_EVIDENCE))}."
            )
        if len(rating.evidence) > EVIDENCE_MAX_CHARS:
            problems[f"{name}.evidence"] = f"At most {EVIDENCE_MAX_CHARS} characters."
    if data.recommendation is not None and data.recommendation not in RECOMMENDATIONS:
        problems["recommendation"] = (
            f"Unknown recommendation '{data.recommendation}'; use one of: "
            f"{', '.join(RECOMMENDATIONS)}."
        )
    if len(data.notes) > NOTES_MAX_CHARS:
        problems["notes"] = f"At most {NOTES_MAX_CHARS} characters."
    if data.reason is not None and len(data.reason) > REASON_MAX_CHARS:
        problems["reason"] = f"At most {REASON_MAX_CHARS} characters."
    texts = {f"ratings.{cid}.evidence": r.evidence for cid, r in data.ratings.items()}
    texts.update(notes=data.notes, reason=data.reason or "")
    for field_name, text in texts.items():
        if "\x00" in text:  # PostgreSQL cannot store it in text; nobody types it
            problems.setdefault(field_name, "Contains a NUL character; remove it.")
    if problems:
        raise ScorecardInvalid(
            "The scorecard has invalid fields: " + ", ".join(sorted(problems)), fields=problems
        )


def missing_for_submit(ctx: InterviewContext, data: ScorecardInput) -> dict[str, str]:
    """What a submission still lacks, per field, in words an interviewer can act on."""
    missing: dict[str, str] = {}
    names = ctx.point_names
    extremes = {ctx.points[0], ctx.points[-1]} if ctx.points else set()
    for card in ctx.competencies:
        given = data.ratings.get(card.id)
        if given is None or given.rating == UNRATED:
            missing[f"ratings.{card.id}.rating"] = (
                f"Choose a rating for {card.name}, or “{NO_EVIDENCE_NAME}” if it did not come up."
            )
            continue
        if given.rating == NO_EVIDENCE:
            continue
        evidence = given.evidence.strip()
        point = names.get(given.rating, given.rating)
        if not evidence:
            missing[f"ratings.{card.id}.evidence"] = (
                f"Evidence is missing for {card.name}: write what the candidate said or did "
                f"that supports “{point}”."
            )
        elif given.rating in extremes and len(evidence) < EXTREME_EVIDENCE_MIN_CHARS:
            missing[f"ratings.{card.id}.evidence"] = (
                f"“{point}” is an extreme rating: give concrete evidence for {card.name} of at "
                f"least {EXTREME_EVIDENCE_MIN_CHARS} characters (you wrote {len(evidence)})."
            )
    if data.recommendation is None:
        missing["recommendation"] = "Choose an overall recommendation."
    return missing


def incomplete(missing: dict[str, str]) -> ScorecardInvalid:
    """The refusal of a submission that lacks ``missing``."""
    count = len(missing)
    return ScorecardInvalid(
        f"The scorecard cannot be submitted yet: {count} thing{'s' if count != 1 else ''} "
        "missing. " + " ".join(missing.values()),
        code="incomplete",
        fields=missing,
    )
