"""What aggregation takes in (scorecards and their ratings) and gives back (the verdict).

The per-competency verdicts are the framework's rating points plus ``not_assessed`` (nobody
rated it). ``split`` (ratings two or more points apart) and ``borderline`` (an even count
whose median falls between two points) are flags beside the verdict, for the debrief; they
never move it. (Before the monotone bar, ``split`` was a verdict of its own; the name stays
for the flag.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from scorecards.aggregation.competency import NOT_ASSESSED, summary_from_counts
from scorecards.archetypes import ArchetypeResult, ShapePoint, nearest_archetype
from scorecards.framework import NO_EVIDENCE, Framework
from scorecards.hiring_bar import HiringBar

SPLIT = "split"
BORDERLINE = "borderline"
# The verdicts an area tallies (``split`` counts the flagged ones, as it always did).
VERDICTS = ("outperforming", "on_track", "needs_focus", SPLIT, NOT_ASSESSED)


@dataclass(frozen=True, slots=True)
class RatingInput:
    rating: str
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ScorecardInput:
    id: int | str
    interviewer: str
    interview: str
    source: str
    ratings: Mapping[str, RatingInput]
    recommendation: str | None = None
    submitted: bool = True


class RatingEntry(NamedTuple):
    """One rating as shown (a tuple: tens of thousands are built for a job page)."""

    interviewer: str
    interview: str
    rating: str
    evidence: str
    source: str
    scorecard: int | str

    def to_dict(self) -> dict[str, Any]:
        return {
            "interviewer": self.interviewer,
            "interview": self.interview,
            "rating": self.rating,
            "evidence": self.evidence,
            "source": self.source,
            "scorecard": self.scorecard,
        }


@dataclass(slots=True)
class CompetencyVerdict:
    """One competency's verdict. Read-only by convention, not frozen: a frozen dataclass
    sets each of its fields through ``object.__setattr__``, and with a dozen of them per
    verdict that was a tenth of ``aggregate``'s time in the benchmark."""

    id: str
    name: str
    area: str
    verdict: str
    count: int
    median: str | None
    distribution: Mapping[str, int]
    ratings: tuple[RatingEntry, ...]
    thin_evidence: bool
    must_have: bool
    no_evidence: int = 0
    in_scope: bool = True
    split: bool = False
    # The two points an even count's median falls between (the verdict is the one nearer
    # the middle of the scale); None when the median is on a point.
    between: tuple[str, str] | None = None

    @property
    def assessed(self) -> bool:
        return self.count > 0

    @property
    def borderline(self) -> bool:
        return self.between is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "area": self.area,
            "verdict": self.verdict,
            "count": self.count,
            "median": self.median,
            "ratings": [r.to_dict() for r in self.ratings],
            "distribution": dict(self.distribution),
            "no_evidence": self.no_evidence,
            "thin_evidence": self.thin_evidence,
            "must_have": self.must_have,
            "in_scope": self.in_scope,
            "split": self.split,
            "borderline": self.borderline,
            "between": list(self.between) if self.between else None,
        }


@dataclass(frozen=True, slots=True)
class AreaSummary:
    id: str
    name: str
    competencies: int
    assessed: int
    verdicts: Mapping[str, int]
    median: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "competencies": self.competencies,
            "assessed": self.assessed,
            "verdicts": dict(self.verdicts),
            "median": self.median,
        }


@dataclass(frozen=True, slots=True)
class RuleClause:
    outcome: str
    text: str
    applies: bool
    fired: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "text": self.text,
            "applies": self.applies,
            "fired": self.fired,
        }


@dataclass(frozen=True)
class Verdict:
    framework: str
    level: str
    recommendation: str
    rule: str
    complete: bool
    competencies: tuple[CompetencyVerdict, ...]
    splits: tuple[str, ...]
    gaps: tuple[str, ...]
    thin_must_haves: tuple[str, ...]
    shape: tuple[ShapePoint, ...]
    must_have: tuple[str, ...]
    rules: tuple[RuleClause, ...]
    scorecards_submitted: int
    scorecards_expected: int
    hiring_bar: HiringBar = field(default_factory=HiringBar)
    unknown_competencies: tuple[str, ...] = ()
    borderline: tuple[str, ...] = ()
    # The framework itself, for the archetype (read only when it is shown).
    source: Framework | None = field(default=None, repr=False, compare=False)

    @cached_property
    def areas(self) -> tuple[AreaSummary, ...]:
        """Per area of the framework, for the review page (worked out when it is read)."""
        return () if self.source is None else area_summaries(self.source, self.competencies)

    @cached_property
    def archetype(self) -> ArchetypeResult:
        """The nearest archetype: a description for the debrief, worked out when it is read
        (the recommendation never uses it, and ranking every archetype in words was a
        seventh of ``aggregate``'s time)."""
        if self.source is None:
            return ArchetypeResult(None, "The framework is not known here.", ())
        return nearest_archetype(self.source, self.shape)

    @property
    def provisional(self) -> bool:
        return not self.complete

    @property
    def pending(self) -> int:
        return max(self.scorecards_expected - self.scorecards_submitted, 0)

    def competency(self, competency_id: str) -> CompetencyVerdict:
        return next(c for c in self.competencies if c.id == competency_id)

    def agenda(self) -> list[dict[str, str]]:
        """What the debrief should discuss, most important first: split must-haves, other
        splits, borderline must-haves, thin or missing must-haves, needs_focus must-haves,
        gaps, then other borderline competencies and other thin evidence. The flags inform
        the debrief; they never moved the recommendation."""
        items: list[tuple[int, int, dict[str, str]]] = []
        for index, c in enumerate(self.competencies):
            found = _agenda_item(c)
            if found is not None:
                priority, kind, text = found
                items.append((priority, index, {"competency": c.id, "kind": kind, "text": text}))
        items.sort(key=lambda item: (item[0], item[1]))
        return [item[2] for item in items]

    def fingerprint(self) -> str:
        """Stable over the recommendation and the per-competency verdicts (not over evidence
        text, order of scorecards or the count of submitted scorecards)."""
        body = {
            "recommendation": self.recommendation,
            "competencies": sorted([c.id, c.verdict] for c in self.competencies),
        }
        encoded = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendation": self.recommendation,
            "rule": self.rule,
            "competencies": [c.to_dict() for c in self.competencies],
            "splits": list(self.splits),
            "gaps": list(self.gaps),
            "scorecards": {
                "submitted": self.scorecards_submitted,
                "expected": self.scorecards_expected,
                "pending": self.pending,
            },
            "complete": self.complete,
            "provisional": self.provisional,
            "framework": self.framework,
            "level": self.level,
            "must_have": list(self.must_have),
            "thin_evidence": [c.id for c in self.competencies if c.thin_evidence],
            "thin_must_haves": list(self.thin_must_haves),
            "borderline": list(self.borderline),
            "areas": [a.to_dict() for a in self.areas],
            "shape": [p.to_dict() for p in self.shape],
            "archetype": self.archetype.to_dict(),
            "rules": [r.to_dict() for r in self.rules],
            "hiring_bar": self.hiring_bar.to_dict(),
            "agenda": self.agenda(),
            "fingerprint": self.fingerprint(),
        }


@dataclass(frozen=True, slots=True)
class VerdictSummary:
    """The verdicts and recommendation without the ratings themselves: what a comparison of
    many candidates needs, computed from per-point counts (e.g. a SQL GROUP BY)."""

    recommendation: str
    rule: str
    verdicts: Mapping[str, str]
    counts: Mapping[str, int]
    splits: tuple[str, ...]
    gaps: tuple[str, ...]
    complete: bool
    scorecards_submitted: int
    scorecards_expected: int
    borderline: tuple[str, ...] = ()

    @property
    def provisional(self) -> bool:
        return not self.complete


def _words(point: str) -> str:
    return point.replace("_", " ")


def _agenda_item(c: CompetencyVerdict) -> tuple[int, str, str] | None:
    """The competency's place on the debrief agenda (priority, kind, text), if it has one."""
    verdict = _words(c.verdict)
    if c.split:
        points = sorted({r.rating for r in c.ratings if r.rating != NO_EVIDENCE})
        return (
            0 if c.must_have else 1,
            "split",
            f"{c.name} is split ({', '.join(points)}; verdict {verdict}): "
            "hear each interviewer's evidence.",
        )
    if c.must_have and c.between is not None:
        low, high = (_words(p) for p in c.between)
        return 2, "borderline", f"Must-have {c.name} is borderline ({low} / {high}): settle it."
    if c.must_have and c.verdict == NOT_ASSESSED:
        return 3, "must_have", f"Must-have {c.name} was not assessed: decide how to cover it."
    if c.must_have and c.thin_evidence:
        return 3, "must_have", f"Must-have {c.name} rests on one rating ({verdict}): is it enough?"
    if c.must_have and c.verdict == "needs_focus":
        return 4, "must_have", f"Must-have {c.name} needs focus: confirm the evidence behind it."
    if c.in_scope and c.verdict == NOT_ASSESSED:
        return 5, "gap", f"Gap: nobody assessed {c.name}."
    if c.between is not None:
        low, high = (_words(p) for p in c.between)
        return 6, "borderline", f"{c.name} is borderline ({low} / {high})."
    if c.thin_evidence:
        return 7, "thin", f"{c.name} rests on one rating ({verdict})."
    return None


def area_summaries(
    framework: Framework, verdicts: Sequence[CompetencyVerdict]
) -> tuple[AreaSummary, ...]:
    points = framework.points
    members_of: dict[str, list[CompetencyVerdict]] = {}
    for v in verdicts:
        if v.in_scope:
            members_of.setdefault(v.area, []).append(v)
    areas: list[AreaSummary] = []
    for area in framework.areas:
        members = members_of.get(area.id)
        if not members:
            continue
        tally = dict.fromkeys(VERDICTS, 0)
        area_counts = [0] * len(points)
        for v in members:
            tally[v.verdict] += 1
            if v.split:
                tally[SPLIT] += 1
            area_counts = [
                n + v.distribution.get(p, 0) for n, p in zip(area_counts, points, strict=True)
            ]
        found = summary_from_counts(area_counts)
        areas.append(
            AreaSummary(
                id=area.id,
                name=area.name,
                competencies=len(members),
                assessed=sum(1 for v in members if v.count),
                verdicts=tally,
                median=points[found.position] if found is not None else None,
            )
        )
    return tuple(areas)
