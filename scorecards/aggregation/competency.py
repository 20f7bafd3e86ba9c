"""The per-competency verdict: a monotone summary of its ratings, with two debrief flags.

The verdict is the median rating. With an even count the two middle ratings may differ; the
median then falls between two points and is resolved towards the middle of the scale (for
the three-point scale: *on track*), so one rater is never a veto: *needs focus, on track*
is *on track*, flagged **borderline**, and *on track, outperforming* is *on track*, flagged
borderline too (an extreme verdict needs more than half of the raters). ``split`` (two
ratings two or more points apart) is a flag as well. Neither flag moves the verdict.

Monotone: raising one rating never lowers the median (order statistics are monotone) and the
resolution maps the half-points in order, so it never lowers the verdict either.

Two ways in, with the same answer: rating positions (``competency_verdict``, from the ratings
themselves) and per-point counts (``verdict_from_counts``, e.g. from a SQL ``GROUP BY``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

# The verdict of a competency nobody rated (re-exported by ``results``).
NOT_ASSESSED = "not_assessed"


class Summary(NamedTuple):
    """The resolved median position, and the flags: ``between`` (the two points the median
    falls between, as positions; None when it is on a point) and ``split``."""

    position: int
    between: tuple[int, int] | None
    split: bool


def resolve_middle(low: int, high: int, top: int) -> tuple[int, tuple[int, int] | None]:
    """The median of an even count whose middle ratings are ``low`` and ``high``, on a scale
    whose last position is ``top``: their midpoint, or, when that falls between two points,
    the one nearer the middle of the scale (the upper one on the lower half, so a single
    low rating is not a veto; the lower one on the upper half)."""
    twice = low + high
    if twice % 2 == 0:
        return twice // 2, None
    below = twice // 2
    above = below + 1
    return (above if 2 * above <= top else below), (below, above)


def summary(positions: Sequence[int], top: int) -> Summary:
    """``positions`` non-empty: the rating positions of one competency."""
    ordered = sorted(positions)
    n = len(ordered)
    low, high = ordered[(n - 1) // 2], ordered[n // 2]
    position, between = resolve_middle(low, high, top)
    return Summary(position, between, ordered[-1] - ordered[0] >= 2)


def summary_from_counts(counts: Sequence[int]) -> Summary | None:
    """The same summary from the number of ratings at each point; None when there is none.
    It runs for every competency of every verdict, on few distinct inputs: kept."""
    return _summary_of_counts(tuple(counts))


@lru_cache(maxsize=4096)
def _summary_of_counts(counts: tuple[int, ...]) -> Summary | None:
    running = list(accumulate(counts))
    total = running[-1] if running else 0
    if not total:
        return None
    low = bisect_right(running, (total - 1) // 2)
    high = bisect_right(running, total // 2)
    first, last = bisect_right(running, 0), bisect_left(running, total)
    position, between = resolve_middle(low, high, len(counts) - 1)
    return Summary(position, between, last - first >= 2)


def lower_median(positions: Sequence[int]) -> int:
    """The lower of the two middle positions (kept for callers that want the old reading)."""
    ordered = sorted(positions)
    return ordered[(len(ordered) - 1) // 2]


def competency_verdict(positions: Sequence[int], points: Sequence[str]) -> str:
    if not positions:
        return NOT_ASSESSED
    return points[summary(positions, len(points) - 1).position]


def verdict_from_counts(counts: Sequence[int], points: Sequence[str]) -> str:
    """The same verdict as competency_verdict, from the number of ratings at each point."""
    found = summary_from_counts(counts)
    return NOT_ASSESSED if found is None else points[found.position]
