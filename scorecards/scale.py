"""Rating points and their conversions to and from the ATS scales.

Our scale is ordinal (needs_focus < on_track < outperforming) plus ``no_evidence``, which is
missing data: it is never converted into a low score. The ATS scales are coarser or finer, so
each conversion is a table written down here, where a reviewer can check it against the docs:

- Greenhouse scorecard attributes: definitely_not, no, mixed, yes, strong_yes, no_decision.
  "mixed" did not clear the bar, so it counts as needs_focus (said so in docs/verdicts.md).
- Lever and Ashby score 1-4 (1 strong no, 2 no, 3 yes, 4 strong yes).
- The overall recommendation: definitely_not, no, yes, strong_yes, no_decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType

from scorecards.framework import NO_EVIDENCE, RATING_POINTS


class Recommendation(StrEnum):
    """The overall recommendation; the members' order is the order of ``RECOMMENDATIONS``."""

    DEFINITELY_NOT = "definitely_not"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"
    NO_DECISION = "no_decision"

    @property
    def label(self) -> str:
        """How people read it: "Strong yes", "No decision", ..."""
        return RECOMMENDATION_LABELS[self.value]


RECOMMENDATIONS: tuple[str, ...] = tuple(r.value for r in Recommendation)
# The display labels, in one place for pages, emails and ATS notes alike.
RECOMMENDATION_LABELS: Mapping[str, str] = MappingProxyType(
    {
        Recommendation.DEFINITELY_NOT.value: "Definitely not",
        Recommendation.NO.value: "No",
        Recommendation.YES.value: "Yes",
        Recommendation.STRONG_YES.value: "Strong yes",
        Recommendation.NO_DECISION.value: "No decision",
    }
)
GREENHOUSE_ATTRIBUTE_RATINGS = ("definitely_not", "no", "mixed", "yes", "strong_yes", "no_decision")


class ScaleError(ValueError):
    """A value that has no place on the scale it was given for."""


def _low_mid_high(points: Sequence[str]) -> tuple[str, str, str]:
    if len(points) < 2:
        raise ScaleError("a rating scale needs at least two points")
    return points[0], points[(len(points) - 1) // 2 + (len(points) % 2 == 0)], points[-1]


def rank(point: str, points: Sequence[str] = RATING_POINTS) -> int | None:
    """Position of a point on the scale; None for no_evidence (missing, not low)."""
    if point == NO_EVIDENCE:
        return None
    try:
        return list(points).index(point)
    except ValueError:
        raise ScaleError(f"unknown rating point {point!r}") from None


def from_greenhouse(value: str | None, points: Sequence[str] = RATING_POINTS) -> str:
    low, mid, high = _low_mid_high(points)
    table = {
        "definitely_not": low,
        "no": low,
        "mixed": low,
        "yes": mid,
        "strong_yes": high,
        "no_decision": NO_EVIDENCE,
        None: NO_EVIDENCE,
        "": NO_EVIDENCE,
    }
    key = value.strip().lower().replace(" ", "_") if isinstance(value, str) else value
    if key not in table:
        raise ScaleError(f"unknown Greenhouse rating {value!r}")
    return table[key]


def to_greenhouse(point: str, points: Sequence[str] = RATING_POINTS) -> str:
    position = rank(point, points)
    if position is None:
        return "no_decision"
    _, mid, high = _low_mid_high(points)
    if point == high:
        return "strong_yes"
    return "yes" if position >= points.index(mid) else "no"


def from_score(score: int | str | None, points: Sequence[str] = RATING_POINTS) -> str:
    """Lever and Ashby 1-4 scores; anything missing is no_evidence."""
    if score is None or score == "":
        return NO_EVIDENCE
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise ScaleError(f"score {score!r} is not a number from 1 to 4") from None
    low, mid, high = _low_mid_high(points)
    table = {1: low, 2: low, 3: mid, 4: high}
    if value not in table:
        raise ScaleError(f"score {score!r} is not a number from 1 to 4")
    return table[value]


def to_score(point: str, points: Sequence[str] = RATING_POINTS) -> int | None:
    position = rank(point, points)
    if position is None:
        return None
    _, mid, high = _low_mid_high(points)
    if point == high:
        return 4
    return 3 if position >= points.index(mid) else 2


def recommendation_from_score(score: int | str | None) -> Recommendation:
    if score is None or score == "":
        return Recommendation.NO_DECISION
    table = {
        1: Recommendation.DEFINITELY_NOT,
        2: Recommendation.NO,
        3: Recommendation.YES,
        4: Recommendation.STRONG_YES,
    }
    try:
        return table[int(score)]
    except (KeyError, TypeError, ValueError):
        raise ScaleError(f"score {score!r} is not a number from 1 to 4") from None


def recommendation_to_score(recommendation: str) -> int | None:
    table = {"definitely_not": 1, "no": 2, "yes": 3, "strong_yes": 4, "no_decision": None}
    if recommendation not in table:
        raise ScaleError(f"unknown recommendation {recommendation!r}")
    return table[recommendation]


def parse_recommendation(value: str | None) -> Recommendation:
    """Greenhouse's overall_recommendation and ours share the values; None is no_decision."""
    if value is None or value == "":
        return Recommendation.NO_DECISION
    try:
        return Recommendation(value.strip().lower().replace(" ", "_"))
    except ValueError:
        raise ScaleError(f"unknown recommendation {value!r}") from None
