"""The per-competency verdict: the median point, ``split`` or ``not_assessed``.

Two ways in, with the same answer: rating positions (``competency_verdict``, from the
ratings themselves) and per-point counts (``verdict_from_counts``, e.g. from a SQL
``GROUP BY``).
"""

from __future__ import annotations

from collections.abc import Sequence

from scorecards.aggregation.results import NOT_ASSESSED, SPLIT


def lower_median(positions: Sequence[int]) -> int:
    """The median position; the lower of the two middle ones for an even count."""
    ordered = sorted(positions)
    return ordered[(len(ordered) - 1) // 2]


def competency_verdict(positions: Sequence[int], points: Sequence[str]) -> str:
    if not positions:
        return NOT_ASSESSED
    if max(positions) - min(positions) >= 2:
        return SPLIT
    return points[lower_median(positions)]


def verdict_from_counts(counts: Sequence[int], points: Sequence[str]) -> str:
    """The same verdict as competency_verdict, from the number of ratings at each point."""
    present = [i for i, n in enumerate(counts) if n]
    if not present:
        return NOT_ASSESSED
    if present[-1] - present[0] >= 2:
        return SPLIT
    middle = (sum(counts) - 1) // 2
    seen = 0
    for position, n in enumerate(counts):
        seen += n
        if seen > middle:
            return points[position]
    raise AssertionError("unreachable")  # pragma: no cover
