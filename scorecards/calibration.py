"""Interviewer calibration and inter-rater agreement: information for admins, never applied.

Per interviewer (over whatever window the caller chose):
- scorecards submitted, ratings given, the distribution over the scale points;
- the no-evidence rate (no_evidence ratings / all ratings, no_evidence included);
- the leniency offset: for every rating the interviewer gave where co-interviewers rated the
  same competency of the same candidate, the interviewer's scale position minus the mean of
  the others' positions; the offset is the mean of those differences (positive: rates
  higher than colleagues on the same candidates), with the number of comparisons beside it.

Per loop and competency: Krippendorff's alpha at the ordinal level (``krippendorff``
package), the units being applications and the coders the interviewers; no_evidence is
missing. Alpha needs at least one application rated by two people and more than one point
used; otherwise it is reported as undefined with the reason.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import krippendorff
import numpy as np

from scorecards.framework import NO_EVIDENCE, RATING_POINTS

# Fewer comparisons than this and an offset is shown but flagged as not yet meaningful.
MIN_COMPARISONS = 5


@dataclass(frozen=True, slots=True)
class CalibrationRating:
    application: int | str
    loop: str
    competency: str
    interviewer: str
    rating: str
    scorecard: int | str = ""


@dataclass(frozen=True, slots=True)
class InterviewerStats:
    interviewer: str
    name: str
    scorecards: int
    ratings: int
    distribution: Mapping[str, int]
    no_evidence: int
    no_evidence_rate: float | None
    leniency: float | None
    comparisons: int
    candidates: int

    @property
    def enough_data(self) -> bool:
        return self.comparisons >= MIN_COMPARISONS

    def to_dict(self) -> dict[str, Any]:
        return {
            "interviewer": self.interviewer,
            "name": self.name,
            "scorecards": self.scorecards,
            "ratings": self.ratings,
            "distribution": dict(self.distribution),
            "no_evidence": self.no_evidence,
            "no_evidence_rate": _round(self.no_evidence_rate),
            "leniency": _round(self.leniency),
            "comparisons": self.comparisons,
            "candidates": self.candidates,
            "enough_data": self.enough_data,
        }


@dataclass(frozen=True, slots=True)
class Agreement:
    loop: str
    competency: str
    alpha: float | None
    units: int  # applications rated by at least two interviewers
    ratings: int  # ratings in those applications
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "loop": self.loop,
            "competency": self.competency,
            "alpha": _round(self.alpha),
            "units": self.units,
            "ratings": self.ratings,
            "note": self.note,
        }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def interviewer_stats(
    ratings: Iterable[CalibrationRating],
    points: Sequence[str] = RATING_POINTS,
    names: Mapping[str, str] | None = None,
) -> list[InterviewerStats]:
    """One row per interviewer, most ratings first."""
    rank = {p: i for i, p in enumerate(points)}
    rows = list(ratings)
    by_unit: dict[tuple[Any, str], list[tuple[str, int]]] = defaultdict(list)
    for r in rows:
        if r.rating in rank:
            by_unit[(r.application, r.competency)].append((r.interviewer, rank[r.rating]))

    cards: dict[str, set[Any]] = defaultdict(set)
    candidates: dict[str, set[Any]] = defaultdict(set)
    dist: dict[str, dict[str, int]] = {}
    no_evidence: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for r in rows:
        cards[r.interviewer].add(r.scorecard or (r.application, r.loop))
        candidates[r.interviewer].add(r.application)
        total[r.interviewer] += 1
        tally = dist.setdefault(r.interviewer, dict.fromkeys(points, 0))
        if r.rating == NO_EVIDENCE:
            no_evidence[r.interviewer] += 1
        elif r.rating in tally:
            tally[r.rating] += 1

    diffs: dict[str, list[float]] = defaultdict(list)
    for unit in by_unit.values():
        if len(unit) < 2:
            continue
        for index, (who, position) in enumerate(unit):
            others = [p for j, (w, p) in enumerate(unit) if j != index and w != who]
            if others:
                diffs[who].append(position - sum(others) / len(others))

    result = []
    for who in total:
        own = diffs.get(who, [])
        result.append(
            InterviewerStats(
                interviewer=who,
                name=(names or {}).get(who) or who,
                scorecards=len(cards[who]),
                ratings=total[who],
                distribution=dist[who],
                no_evidence=no_evidence[who],
                no_evidence_rate=no_evidence[who] / total[who] if total[who] else None,
                leniency=sum(own) / len(own) if own else None,
                comparisons=len(own),
                candidates=len(candidates[who]),
            )
        )
    result.sort(key=lambda s: (-s.ratings, s.name.lower()))
    return result


def ordinal_alpha(value_counts: Sequence[Sequence[int]], n_points: int) -> float | None:
    """Krippendorff's ordinal alpha from per-unit counts per point; None when undefined."""
    usable = [row for row in value_counts if sum(row) >= 2]
    if not usable:
        return None
    used = {i for row in usable for i, n in enumerate(row) if n}
    if len(used) < 2:
        return None
    matrix = np.array(usable, dtype=float)
    value = float(
        krippendorff.alpha(
            value_counts=matrix,
            value_domain=list(range(n_points)),
            level_of_measurement="ordinal",
        )
    )
    return None if math.isnan(value) else value


def agreement(
    ratings: Iterable[CalibrationRating], points: Sequence[str] = RATING_POINTS
) -> list[Agreement]:
    """Ordinal alpha per loop and competency, in the order first seen."""
    rank = {p: i for i, p in enumerate(points)}
    groups: dict[tuple[str, str], dict[Any, list[int]]] = {}
    for r in ratings:
        if r.rating not in rank:
            continue
        unit = groups.setdefault((r.loop, r.competency), {}).setdefault(r.application, [])
        unit.append(rank[r.rating])
    result = []
    for (loop, competency), units in groups.items():
        counts = []
        for positions in units.values():
            row = [0] * len(points)
            for p in positions:
                row[p] += 1
            counts.append(row)
        paired = [row for row in counts if sum(row) >= 2]
        alpha = ordinal_alpha(counts, len(points))
        if not paired:
            note = "No application was rated on this by two interviewers yet."
        elif alpha is None:
            note = "Every rating is on one point, so agreement cannot be measured."
        elif len(paired) < 5:
            noun = "application" if len(paired) == 1 else "applications"
            note = f"Only {len(paired)} {noun} with two or more ratings: read with care."
        else:
            note = ""
        result.append(
            Agreement(
                loop=loop,
                competency=competency,
                alpha=alpha,
                units=len(paired),
                ratings=sum(sum(row) for row in paired),
                note=note,
            )
        )
    return result
