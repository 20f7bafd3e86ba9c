"""What aggregation takes in (scorecards and their ratings) and gives back (the verdict).

The per-competency verdicts are the framework's rating points plus two of their own:
``split`` (ratings two or more points apart) and ``not_assessed`` (nobody rated it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from scorecards.archetypes import ArchetypeResult, ShapePoint
from scorecards.framework import NO_EVIDENCE
from scorecards.hiring_bar import HiringBar

NOT_ASSESSED = "not_assessed"
SPLIT = "split"
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


@dataclass(frozen=True, slots=True)
class CompetencyVerdict:
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

    @property
    def assessed(self) -> bool:
        return self.count > 0

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
    areas: tuple[AreaSummary, ...]
    shape: tuple[ShapePoint, ...]
    archetype: ArchetypeResult
    must_have: tuple[str, ...]
    rules: tuple[RuleClause, ...]
    scorecards_submitted: int
    scorecards_expected: int
    hiring_bar: HiringBar = field(default_factory=HiringBar)
    unknown_competencies: tuple[str, ...] = ()

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
        splits, thin or missing must-haves, needs_focus must-haves, then gaps."""
        items: list[tuple[int, int, dict[str, str]]] = []
        for index, c in enumerate(self.competencies):
            if c.verdict == SPLIT:
                priority = 0 if c.must_have else 1
                points = sorted({r.rating for r in c.ratings if r.rating != NO_EVIDENCE})
                text = f"{c.name} is split ({', '.join(points)}): hear each interviewer's evidence."
            elif c.must_have and c.verdict == NOT_ASSESSED:
                priority, text = 2, f"Must-have {c.name} was not assessed: decide how to cover it."
            elif c.must_have and c.thin_evidence:
                priority = 2
                text = f"Must-have {c.name} rests on one rating ({c.verdict}): is it enough?"
            elif c.must_have and c.verdict == "needs_focus":
                priority = 3
                text = f"Must-have {c.name} needs focus: confirm the evidence behind it."
            elif c.in_scope and c.verdict == NOT_ASSESSED:
                priority, text = 4, f"Gap: nobody assessed {c.name}."
            elif c.thin_evidence:
                priority, text = 5, f"{c.name} rests on one rating ({c.verdict})."
            else:
                continue
            kind = ("split", "split", "must_have", "must_have", "gap", "thin")[priority]
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

    @property
    def provisional(self) -> bool:
        return not self.complete
