"""The competency framework: areas, competencies, ordered levels, anchors and questions.

Ids are the stable keys stored everywhere else; names are for display and may change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

RATING_POINTS: tuple[str, ...] = ("needs_focus", "on_track", "outperforming")
NO_EVIDENCE = "no_evidence"
# How an interview collects evidence: stories about past work, or behaviour seen in the room.
FORMAT_KINDS: tuple[str, ...] = ("past-experience", "case", "exercise")
IN_THE_ROOM_KINDS: frozenset[str] = frozenset({"case", "exercise"})
DEFAULT_QUESTION_MINUTES = 10


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
class Band:
    """Levels that share a rubric and flags: individual contributors, managers, executives."""

    id: str
    name: str
    levels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Flags:
    """What to listen for (green) and what should worry you (red), false positives included."""

    green: tuple[str, ...] = ()
    red: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    follow_ups: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    min_level: str | None = None  # None: from the first level
    max_level: str | None = None  # None: to the last level
    minutes: int = DEFAULT_QUESTION_MINUTES
    # band id -> rating point -> the behaviour a rater sees in the room at that point
    rubric: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


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
    flags: Mapping[str, Flags] = field(default_factory=dict)  # band id -> flags


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
    kind: str = "past-experience"  # one of FORMAT_KINDS

    @property
    def in_the_room(self) -> bool:
        """Cases and exercises: rated on what the candidate does now, not on their stories."""
        return self.kind in IN_THE_ROOM_KINDS


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
    bands: tuple[Band, ...] = ()
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
        if not self.bands:
            object.__setattr__(self, "bands", default_bands(self.levels))

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

    def band_of(self, level_id: str) -> Band:
        return next(band for band in self.bands if level_id in band.levels)

    def fits_level(self, question: Question, level_id: str) -> bool:
        """Whether a question is asked at a level (its ``levels: {min, max}`` range)."""
        rank = self.level_rank(level_id)
        low = self.level_rank(question.min_level) if question.min_level else 0
        high = self.level_rank(question.max_level) if question.max_level else len(self.levels)
        return low <= rank <= high

    def question_levels(self, question: Question) -> tuple[str, ...]:
        return tuple(lv.id for lv in self.levels if self.fits_level(question, lv.id))

    def questions_at(self, competency_id: str, level_id: str) -> tuple[Question, ...]:
        return tuple(
            q for q in self.competency(competency_id).questions if self.fits_level(q, level_id)
        )

    def interview_format(self, format_id: str | None) -> InterviewFormat | None:
        return next((f for f in self.formats if f.id == format_id), None)

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


def default_bands(levels: Iterable[Level]) -> tuple[Band, ...]:
    """Without ``bands:`` in the file: people managers and individual contributors."""
    levels = tuple(levels)
    ic = tuple(lv.id for lv in levels if not lv.manages_people)
    managers = tuple(lv.id for lv in levels if lv.manages_people)
    return tuple(
        band
        for band in (
            Band("ic", "Individual contributor", ic),
            Band("manager", "People manager", managers),
        )
        if band.levels
    )
