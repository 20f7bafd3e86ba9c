"""The hiring bar's playground: a verdict for ratings that were never submitted.

``POST /api/verdicts/preview`` and the review page's "what if" panel both come here: the
ratings are checked against the loop's framework (each problem named by its field, 422),
grouped into one scorecard per interviewer and aggregated by the same code as a stored
application's verdict, with the same JSON shape. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from plugin.core.errors import Invalid
from plugin.verdicts.settings import LoopSettings
from scorecards.aggregation import RatingInput, ScorecardInput, aggregate
from scorecards.framework import NO_EVIDENCE

# The application-specific parts of the verdict JSON, empty for a preview, so that a client
# reads both with the same code.
EMPTY_PARTS: dict[str, Any] = {
    "application": None,
    "override": None,
    "overrides": [],
    "pending": [],
    "not_held": [],
    "amendments": [],
    "review_url": None,
}


def checked_ratings(
    settings: LoopSettings, ratings: Sequence[Mapping[str, Any]]
) -> dict[str, dict[str, RatingInput]]:
    """Ratings per interviewer, canonical competency ids; ``Invalid`` naming every bad field
    (``ratings[<i>].competency``, ``ratings[<i>].rating``, ``ratings[<i>].interviewer``)."""
    framework = settings.framework
    points = (*framework.points, NO_EVIDENCE)
    problems: dict[str, str] = {}
    cards: dict[str, dict[str, RatingInput]] = {}
    for index, item in enumerate(ratings):
        where = f"ratings[{index}]"
        interviewer = str(item.get("interviewer") or "").strip()
        if not interviewer:
            problems[f"{where}.interviewer"] = "Name the interviewer (any label)."
        competency = framework.resolve(str(item.get("competency") or ""))
        if competency is None:
            problems[f"{where}.competency"] = (
                f"Unknown competency {item.get('competency')!r} in framework {framework.id}."
            )
        rating = str(item.get("rating") or "")
        if rating not in points:
            problems[f"{where}.rating"] = (
                f"Unknown rating point {rating!r}; use one of: {', '.join(points)}."
            )
        if competency is not None and interviewer and rating in points:
            own = cards.setdefault(interviewer, {})
            if competency in own:
                problems[f"{where}.competency"] = (
                    f"{interviewer} rates {competency} twice; one rating per interviewer."
                )
            own[competency] = RatingInput(rating)
    if problems:
        raise Invalid(
            "The ratings have invalid fields: " + ", ".join(sorted(problems)),
            code="invalid_ratings",
            fields=problems,
        )
    return cards


def preview_verdict(
    settings: LoopSettings, ratings: Sequence[Mapping[str, Any]], *, expected: int | None = None
) -> dict[str, Any]:
    """The verdict JSON for these ratings under the loop's bar; ``expected`` scorecards
    (default: one per interviewer named, so the preview is complete)."""
    cards = checked_ratings(settings, ratings)
    inputs = [
        ScorecardInput(id=f"preview-{i}", interviewer=name, interview="", source="preview",
                       ratings=given)
        for i, (name, given) in enumerate(cards.items())
    ]  # fmt: skip
    verdict = aggregate(
        settings.framework,
        settings.level,
        settings.must_have,
        settings.hiring_bar,
        inputs,
        len(inputs) if expected is None else expected,
    )
    body = verdict.to_dict()
    body.update({key: (list(value) if isinstance(value, list) else value)
                 for key, value in EMPTY_PARTS.items()})  # fmt: skip
    body["preview"] = {"loop_id": settings.loop_id, "stored": False}
    return body
