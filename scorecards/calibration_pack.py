"""Calibration packs: written sample answers with keyed ratings, for rater training.

A pack (``scorecards/data/calibration/<framework id>.yaml``) holds sample answers to
interview prompts, each for one competency at one level, with the rating it is keyed at and
why. An interviewer rates a handful blind (``choose_samples``), then compares their ratings
with the key (``score``). The built-in ``pm`` pack has, for each competency at Product
Manager, Senior Product Manager and Director, one answer just above On Track and one just
below it.

(``scorecards.calibration`` is the other calibration: agreement between interviewers on real
candidates. This module is about agreement with a key.)

Mistakes in a pack read like the framework loader's: file, line, field, message.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from scorecards.checker import Checker, FrameworkError, FrameworkIssue, PathKey, entries, line_map
from scorecards.framework import RATING_POINTS, Framework

#: A sample answer long enough to judge and short enough to read in a minute.
MIN_WORDS = 80
MAX_WORDS = 160
#: How many samples one calibration exercise asks an interviewer to rate.
EXERCISE_SIZE = 10

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CalibrationPackError(FrameworkError):
    """A pack that cannot be used; ``issues`` lists every problem found, located."""


@dataclass(frozen=True, slots=True)
class Sample:
    id: str
    competency: str
    level: str
    prompt: str
    answer: str
    key: str
    why: str

    @property
    def words(self) -> int:
        return len(self.answer.split())


@dataclass(frozen=True)
class CalibrationPack:
    framework: str
    version: str
    samples: tuple[Sample, ...]
    source: str = "<memory>"

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels the pack has samples for, in the order first seen."""
        return tuple(dict.fromkeys(s.level for s in self.samples))

    def sample(self, sample_id: str) -> Sample:
        return next(s for s in self.samples if s.id == sample_id)

    def at_level(self, level: str) -> tuple[Sample, ...]:
        return tuple(s for s in self.samples if s.level == level)


@dataclass(frozen=True, slots=True)
class MarkedSample:
    sample: Sample
    rating: str

    @property
    def agreed(self) -> bool:
        return self.rating == self.sample.key


@dataclass(frozen=True)
class ExerciseScore:
    """How one interviewer's blind ratings compare with the key."""

    marked: tuple[MarkedSample, ...]
    #: Mean of (their position - the key's position) on the scale; positive rates higher.
    offset: float

    @property
    def agreed(self) -> int:
        return sum(1 for m in self.marked if m.agreed)

    @property
    def total(self) -> int:
        return len(self.marked)

    @property
    def agreement(self) -> float:
        return self.agreed / self.total if self.total else 0.0


# -- reading a pack ---------------------------------------------------------------------------


def _sample(
    check: Checker, raw: dict[str, Any], path: PathKey, framework: Framework | None
) -> Sample:
    sample = Sample(
        id=check.ident(raw, "id", path),
        competency=check.ident(raw, "competency", path),
        level=check.ident(raw, "level", path),
        prompt=check.text(raw, "prompt", path),
        answer=" ".join(check.text(raw, "answer", path).split()),
        key=check.text(raw, "key", path),
        why=check.text(raw, "why", path),
    )
    points = framework.points if framework else RATING_POINTS
    if sample.key and sample.key not in points:
        check.fail(
            (*path, "key"), f"unknown rating '{sample.key}' (use one of {', '.join(points)})"
        )
    if sample.answer and not MIN_WORDS <= sample.words <= MAX_WORDS:
        check.fail(
            (*path, "answer"),
            f"the answer has {sample.words} words; write {MIN_WORDS} to {MAX_WORDS}",
        )
    if framework is not None:
        if sample.competency and sample.competency not in {c.id for c in framework.competencies}:
            check.fail((*path, "competency"), f"unknown competency '{sample.competency}'")
        if sample.level and not framework.has_level(sample.level):
            check.fail((*path, "level"), f"unknown level '{sample.level}'")
    return sample


def _build(doc: dict[str, Any], check: Checker, framework: Framework | None) -> CalibrationPack:
    framework_id = check.ident(doc, "framework", ())
    if framework is not None and framework_id and framework_id != framework.id:
        check.fail(("framework",), f"the pack is for '{framework_id}', not '{framework.id}'")
    version = check.text(doc, "version", ())
    samples = tuple(
        _sample(check, raw, path, framework) for raw, path in entries(check, doc, "samples")
    )
    check.unique(((s.id, ("samples", i, "id")) for i, s in enumerate(samples)), "sample")
    return CalibrationPack(framework_id, version, samples, check.source)


def load_calibration_text(
    text: str, source: str = "<string>", framework: Framework | None = None
) -> CalibrationPack:
    """Parse and validate a pack; with ``framework``, competencies and levels must exist in it."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        doc = yaml.load(text, Loader=_Loader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        issue = FrameworkIssue(source, line, "", "", f"invalid YAML: {exc}")
        raise CalibrationPackError([issue]) from None
    lines: dict[PathKey, int] = {}
    if node is not None:
        line_map(node, (), lines)
    check = Checker(source, lines)
    if not isinstance(doc, dict):
        check.fail((), "a calibration pack must be a mapping with framework, version, samples")
        raise CalibrationPackError(check.issues)
    pack = _build(doc, check, framework)
    if check.issues:
        raise CalibrationPackError(check.issues)
    return pack


@cache
def builtin_calibration_packs() -> tuple[CalibrationPack, ...]:
    """The packs shipped in ``scorecards/data/calibration``, checked against their framework."""
    from scorecards.loader import builtin_frameworks

    frameworks = {f.id: f for f in builtin_frameworks()}
    folder = resources.files("scorecards") / "data" / "calibration"
    packs = []
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith((".yaml", ".yml")):
            continue
        stem = item.name.rsplit(".", 1)[0]
        text = item.read_text(encoding="utf-8")
        source = f"scorecards/data/calibration/{item.name}"
        packs.append(load_calibration_text(text, source, frameworks.get(stem)))
    return tuple(packs)


def calibration_pack_for(framework_id: str) -> CalibrationPack | None:
    return next((p for p in builtin_calibration_packs() if p.framework == framework_id), None)


# -- an exercise ------------------------------------------------------------------------------


def nearest_level(framework: Framework, pack: CalibrationPack, level: str | None) -> str:
    """The pack level closest in rank to ``level`` (the higher one on a tie); the pack's
    middle level when the interview has no level."""
    levels = pack.levels
    if not levels:
        raise LookupError(f"calibration pack '{pack.framework}' has no samples")
    if level is None or not framework.has_level(level):
        return levels[len(levels) // 2]
    rank = framework.level_rank(level)
    return min(
        levels, key=lambda lv: (abs(framework.level_rank(lv) - rank), -framework.level_rank(lv))
    )


def choose_samples(
    pack: CalibrationPack,
    level: str,
    seed: str,
    count: int = EXERCISE_SIZE,
    competencies: Collection[str] | None = None,
) -> list[Sample]:
    """``count`` samples at ``level`` (of ``competencies`` only, when given): each from a
    different competency where the pack allows, half keyed at each rating as nearly as the
    pack allows, in an order that gives nothing away. The same seed gives the same exercise
    (a reloaded page does not change)."""
    rng = random.Random(seed)
    candidates = [
        s for s in pack.at_level(level) if competencies is None or s.competency in competencies
    ]
    by_competency: dict[str, list[Sample]] = {}
    for sample in candidates:
        by_competency.setdefault(sample.competency, []).append(sample)
    names = sorted(by_competency)
    rng.shuffle(names)
    keys = sorted({s.key for s in candidates})
    chosen: list[Sample] = []
    for index, competency in enumerate(names[:count]):
        wanted = keys[index % len(keys)] if keys else ""
        options = by_competency[competency]
        preferred = [s for s in options if s.key == wanted] or options
        chosen.append(rng.choice(preferred))
    rest = [s for s in candidates if s not in chosen]
    rng.shuffle(rest)
    chosen += rest[: count - len(chosen)]
    rng.shuffle(chosen)
    return chosen


def score(
    samples: Sequence[Sample], ratings: Mapping[str, str], points: Sequence[str] = RATING_POINTS
) -> ExerciseScore:
    """Compare blind ratings (sample id -> scale point) with the key; every sample needs one."""
    rank = {p: i for i, p in enumerate(points)}
    marked = tuple(MarkedSample(s, ratings[s.id]) for s in samples)
    unknown = [m.rating for m in marked if m.rating not in rank]
    if unknown:
        raise ValueError(f"unknown rating '{unknown[0]}'")
    diffs = [rank[m.rating] - rank[m.sample.key] for m in marked if m.sample.key in rank]
    return ExerciseScore(marked, sum(diffs) / len(diffs) if diffs else 0.0)
