"""The candidate's shape across competencies and the nearest archetype, with the reason.

The shape is, per competency, the mean position of the ratings on the scale (1 = the lowest
point, e.g. needs_focus; no_evidence is missing and left out), or None when nobody rated it.
It is a description for the debrief, not an input to the recommendation.

The nearest archetype compares the candidate's *relative* strengths with each archetype of
the framework (Growth, Discovery, Technical, Strategic for ``pm``): how far above the
candidate's own average its "strong" competencies are, minus how far above average its
"growth areas" are. An archetype is named only when at least one of its strong competencies
was rated and the candidate's profile leans its way (score > 0); otherwise there is no clear
archetype, which is said just as plainly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scorecards.framework import Framework


@dataclass(slots=True)
class ShapePoint:
    """Read-only by convention (not frozen, for the verdict benchmark's sake)."""

    id: str
    name: str
    area: str
    value: float | None  # mean scale position, 1-based; None when not assessed

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "area": self.area,
            "value": None if self.value is None else round(self.value, 3),
        }


@dataclass(frozen=True, slots=True)
class ArchetypeMatch:
    """One archetype's fit. The reason is put into words when it is read: a verdict ranks
    every archetype, and most reasons are never shown (the verdict benchmark noticed)."""

    id: str
    name: str
    score: float
    strong: tuple[str, ...]
    growth_areas: tuple[str, ...]
    above: tuple[str, ...]  # the strong competencies above the candidate's average
    below: tuple[str, ...]  # the growth areas below it
    of_strong: int  # how many strong and growth competencies the archetype has
    of_growth: int
    framework: Framework = field(repr=False, compare=False)

    @property
    def reason(self) -> str:
        parts = []
        if self.above:
            parts.append(f"stronger than their own average in {self._names(self.above)}")
        if self.below:
            parts.append(f"weaker in {self._names(self.below)}")
        if not parts:
            parts.append(f"no lean towards {self._names(self.strong)}")
        return (
            f"{self.name}: " + "; ".join(parts) + f" (lean {self.score:+.2f} scale points; "
            f"{len(self.strong)} of {self.of_strong} strong and {len(self.growth_areas)} of "
            f"{self.of_growth} growth competencies rated)."
        )

    def _names(self, ids: tuple[str, ...]) -> str:
        return _joined([self.framework.competency(i).name for i in ids])

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "score": round(self.score, 3),
            "reason": self.reason,
            "strong": list(self.strong),
            "growth_areas": list(self.growth_areas),
        }


@dataclass(frozen=True, slots=True)
class ArchetypeResult:
    nearest: ArchetypeMatch | None
    reason: str
    ranking: tuple[ArchetypeMatch, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "nearest": self.nearest.to_dict() if self.nearest else None,
            "reason": self.reason,
            "ranking": [m.to_dict() for m in self.ranking],
        }


def shape(
    framework: Framework, competency_ids: list[str], values: Mapping[str, float | None]
) -> tuple[ShapePoint, ...]:
    points = []
    for cid in competency_ids:
        competency = framework.competency(cid)
        points.append(ShapePoint(cid, competency.name, competency.area, values.get(cid)))
    return tuple(points)


def _joined(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def nearest_archetype(framework: Framework, points: tuple[ShapePoint, ...]) -> ArchetypeResult:
    rated = {p.id: p.value for p in points if p.value is not None}
    if not framework.archetypes:
        return ArchetypeResult(None, "The framework defines no archetypes.", ())
    if len(rated) < 2:
        return ArchetypeResult(
            None, "Too few competencies were rated to see a shape (at least two are needed).", ()
        )
    average = sum(rated.values()) / len(rated)
    matches: list[ArchetypeMatch] = []
    for archetype in framework.archetypes:
        strong = [c for c in archetype.strong if c in rated]
        growth = [c for c in archetype.growth_areas if c in rated]
        if not strong:
            continue
        lift = sum(rated[c] - average for c in strong) / len(strong)
        dip = sum(rated[c] - average for c in growth) / len(growth) if growth else 0.0
        score = lift - dip
        matches.append(
            ArchetypeMatch(
                archetype.id,
                archetype.name,
                score,
                tuple(strong),
                tuple(growth),
                tuple(c for c in strong if rated[c] > average),
                tuple(c for c in growth if rated[c] < average),
                len(archetype.strong),
                len(archetype.growth_areas),
                framework,
            )
        )
    # Ties resolve by the framework's order of archetypes, so the result does not wobble.
    order = {a.id: i for i, a in enumerate(framework.archetypes)}
    ranking = tuple(sorted(matches, key=lambda m: (-round(m.score, 9), order[m.id])))
    if not ranking:
        return ArchetypeResult(
            None, "None of the archetypes' strong competencies were rated.", ranking
        )
    best = ranking[0]
    if best.score <= 0:
        return ArchetypeResult(
            None,
            "No clear archetype: the ratings are even across the archetypes' strong "
            "competencies and growth areas.",
            ranking,
        )
    if len(ranking) > 1 and abs(ranking[1].score - best.score) < 1e-9:
        return ArchetypeResult(
            None,
            f"No clear archetype: {best.name} and {ranking[1].name} fit equally well.",
            ranking,
        )
    return ArchetypeResult(best, f"Nearest archetype {best.reason}", ranking)
