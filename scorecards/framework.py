"""The competency framework: areas, competencies, ordered levels, anchors and questions.

Ids are the stable keys stored everywhere else; names are for display and may change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

RATING_POINTS: tuple[str, ...] = ("needs_focus", "on_track", "outperforming")
NO_EVIDENCE = "no_evidence"


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    name: str
    manages_people: bool = False
    scope: str = ""


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class ScalePoint:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    follow_ups: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Competency:
    id: str
    name: str
    area: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    min_level: str | None = None
    expectations: Mapping[str, str] = field(default_factory=dict)
    anchors: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    evidence_prompts: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True, slots=True)
class Archetype:
    id: str
    name: str
    strong: tuple[str, ...]
    growth_areas: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class InterviewFormat:
    id: str
    name: str
    competencies: tuple[str, ...]
    keywords: tuple[str, ...] = ()


def normalise_key(text: str) -> str:
    """Fold a display name or alias to a comparable key: 'UX Design' -> 'ux-design'."""
    text = text.strip().lower().replace("&", "and")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    version: str
    levels: tuple[Level, ...]
    areas: tuple[Area, ...]
    competencies: tuple[Competency, ...]
    scale: tuple[ScalePoint, ...] = tuple(
        ScalePoint(p, p.replace("_", " ").title()) for p in RATING_POINTS
    )
    description: str = ""
    archetypes: tuple[Archetype, ...] = ()
    formats: tuple[InterviewFormat, ...] = ()
    source: str = "<memory>"
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Competency] = field(init=False, repr=False, compare=False)
    _level_rank: dict[str, int] = field(init=False, repr=False, compare=False)
    _points: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for competency in self.competencies:
            for key in (competency.id, competency.name, *competency.aliases):
                lookup[normalise_key(key)] = competency.id
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_by_id", {c.id: c for c in self.competencies})
        object.__setattr__(self, "_level_rank", {lv.id: i for i, lv in enumerate(self.levels)})
        # Read once per competency in every verdict: worked out once, not on every read.
        object.__setattr__(self, "_points", tuple(point.id for point in self.scale))

    # -- lookups -----------------------------------------------------------------------------

    @property
    def points(self) -> tuple[str, ...]:
        return self._points

    def competency(self, competency_id: str) -> Competency:
        return self._by_id[competency_id]

    def resolve(self, key: str) -> str | None:
        """The canonical competency id for an id, display name or alias; None if unknown."""
        return self._lookup.get(normalise_key(key))

    def level_rank(self, level_id: str) -> int:
        return self._level_rank[level_id]

    def has_level(self, level_id: str) -> bool:
        return level_id in self._level_rank

    def in_scope(self, level_id: str) -> tuple[Competency, ...]:
        """Competencies expected at a level (Team Leadership only where people are managed)."""
        rank = self.level_rank(level_id)
        return tuple(
            c
            for c in self.competencies
            if c.min_level is None or self.level_rank(c.min_level) <= rank
        )

    def area_of(self, competency_id: str) -> Area:
        area_id = self.competency(competency_id).area
        return next(a for a in self.areas if a.id == area_id)

    def competencies_in(self, area_id: str) -> Iterable[Competency]:
        return (c for c in self.competencies if c.area == area_id)
