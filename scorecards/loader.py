"""Load and validate framework files (YAML) with errors that point at the file, line and field.

A framework file is data written by people; a mistake in it must read like a compiler error
("pm.yaml:41: competencies[2].anchors.pm: missing field 'on_track'"), never a traceback.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from scorecards.bank import read_bands, read_flags, read_kind, read_questions
from scorecards.checker import (
    Checker,
    FrameworkError,
    FrameworkIssue,
    PathKey,
    entries,
    line_map,
)
from scorecards.framework import (
    NO_EVIDENCE,
    Archetype,
    Area,
    Competency,
    Framework,
    InterviewFormat,
    Level,
    ScalePoint,
)

# libyaml's loader when present: the built-in framework is parsed at every app start.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _build(doc: dict[str, Any], check: Checker) -> Framework:
    # Each part is read in the order its problems should be reported: the file's order.
    framework_id = check.ident(doc, "id", ())
    name = check.text(doc, "name", ())
    version = check.text(doc, "version", ())
    scale = _scale(check, doc)
    levels = _levels(check, doc)
    bands = read_bands(check, doc, levels)
    areas = _areas(check, doc)
    competencies = _competencies(
        check,
        doc,
        [p.id for p in scale],
        [lv.id for lv in levels],
        {a.id for a in areas},
        [b.id for b in bands],
    )
    competency_ids = {c.id for c in competencies}
    archetypes = _archetypes(check, doc, competency_ids)
    formats = _formats(check, doc, competency_ids)
    return Framework(
        id=framework_id,
        name=name,
        version=version,
        levels=levels,
        areas=areas,
        competencies=competencies,
        scale=scale,
        description=check.text(doc, "description", (), required=False),
        archetypes=archetypes,
        formats=formats,
        bands=bands,
        source=check.source,
    )


def _scale(check: Checker, doc: dict[str, Any]) -> tuple[ScalePoint, ...]:
    scale = tuple(
        ScalePoint(
            check.ident(p, "id", path),
            check.text(p, "name", path),
            check.text(p, "description", path, required=False),
        )
        for p, path in entries(check, doc, "scale")
    )
    check.unique(((p.id, ("scale",)) for p in scale), "scale point")
    if any(p.id == NO_EVIDENCE for p in scale):
        check.fail(("scale",), f"'{NO_EVIDENCE}' is built in and must not be a scale point")
    return scale


def _levels(check: Checker, doc: dict[str, Any]) -> tuple[Level, ...]:
    levels = tuple(
        Level(
            check.ident(lv, "id", path),
            check.text(lv, "name", path),
            bool(lv.get("manages_people", False)),
            check.text(lv, "scope", path, required=False),
        )
        for lv, path in entries(check, doc, "levels")
    )
    check.unique(((lv.id, ("levels", i, "id")) for i, lv in enumerate(levels)), "level")
    return levels


def _areas(check: Checker, doc: dict[str, Any]) -> tuple[Area, ...]:
    areas = tuple(
        Area(
            check.ident(a, "id", path),
            check.text(a, "name", path),
            check.text(a, "description", path, required=False),
        )
        for a, path in entries(check, doc, "areas")
    )
    check.unique(((a.id, ("areas", i, "id")) for i, a in enumerate(areas)), "area")
    return areas


def _competencies(
    check: Checker,
    doc: dict[str, Any],
    points: list[str],
    level_ids: list[str],
    area_ids: set[str],
    band_ids: list[str],
) -> tuple[Competency, ...]:
    competencies = []
    question_ids: list[tuple[str, PathKey]] = []
    for c, path in entries(check, doc, "competencies"):
        competency = _competency(check, c, path, (points, level_ids, band_ids), area_ids)
        competencies.append(competency)
        question_ids += [
            (q.id, (*path, "questions", i, "id")) for i, q in enumerate(competency.questions)
        ]
    check.unique(
        ((c.id, ("competencies", i, "id")) for i, c in enumerate(competencies)), "competency"
    )
    check.unique(question_ids, "question")
    return tuple(competencies)


def _archetypes(
    check: Checker, doc: dict[str, Any], competency_ids: set[str]
) -> tuple[Archetype, ...]:
    if "archetypes" not in doc:
        return ()
    return tuple(
        Archetype(
            check.ident(a, "id", path),
            check.text(a, "name", path),
            _known(check, a, "strong", path, competency_ids, "competency"),
            _known(check, a, "growth_areas", path, competency_ids, "competency"),
            check.text(a, "description", path, required=False),
        )
        for a, path in entries(check, doc, "archetypes")
    )


def _formats(
    check: Checker, doc: dict[str, Any], competency_ids: set[str]
) -> tuple[InterviewFormat, ...]:
    if "formats" not in doc:
        return ()
    return tuple(
        InterviewFormat(
            check.ident(f, "id", path),
            check.text(f, "name", path),
            _known(check, f, "competencies", path, competency_ids, "competency"),
            tuple(k.lower() for k in check.texts(f, "keywords", path)),
            read_kind(check, f, path),
        )
        for f, path in entries(check, doc, "formats")
    )


def _known(
    check: Checker, obj: dict[str, Any], key: str, path: PathKey, known: set[str], what: str
) -> tuple[str, ...]:
    values = check.texts(obj, key, path)
    for index, value in enumerate(values):
        if value not in known:
            check.fail((*path, key, index), f"unknown {what} '{value}'")
    return values


def _competency(
    check: Checker,
    c: dict[str, Any],
    path: PathKey,
    ids: tuple[list[str], list[str], list[str]],
    area_ids: set[str],
) -> Competency:
    """``ids``: the scale's points, the level ids and the band ids, in the file's order."""
    points, level_ids, band_ids = ids
    area = check.text(c, "area", path)
    if area and area not in area_ids:
        check.fail((*path, "area"), f"unknown area '{area}' (known: {', '.join(sorted(area_ids))})")
    min_level = c.get("min_level")
    if min_level is not None and min_level not in level_ids:
        check.fail((*path, "min_level"), f"unknown level '{min_level}'")

    expectations, anchors = _expectations_and_anchors(check, c, path, points, level_ids)
    evidence_prompts = check.texts(c, "evidence_prompts", path)
    flags = read_flags(check, c, path, band_ids)
    questions = read_questions(check, c, path, points, level_ids, band_ids)
    return Competency(
        id=check.ident(c, "id", path),
        name=check.text(c, "name", path),
        area=area,
        description=check.text(c, "description", path, required=False),
        aliases=check.texts(c, "aliases", path),
        min_level=min_level,
        expectations={k: v for k, v in expectations.items() if isinstance(v, str)},
        anchors=anchors,
        evidence_prompts=evidence_prompts,
        questions=questions,
        flags=flags,
    )


def _expectations_and_anchors(
    check: Checker, c: dict[str, Any], path: PathKey, points: list[str], level_ids: list[str]
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Every level needs an expectation and an anchor per rating point; nothing else may be
    keyed by a level the framework does not have."""
    expectations = check.mapping(c.get("expectations", {}), (*path, "expectations"))
    anchors_raw = check.mapping(c.get("anchors", {}), (*path, "anchors"))
    anchors: dict[str, dict[str, str]] = {}
    for level in level_ids:
        if not isinstance(expectations.get(level), str) or not expectations[level].strip():
            check.fail((*path, "expectations", level), f"missing expectation for level '{level}'")
        level_anchors = check.mapping(anchors_raw.get(level, {}), (*path, "anchors", level))
        if level not in anchors_raw:
            check.fail((*path, "anchors", level), f"missing anchors for level '{level}'")
            continue
        anchors[level] = {
            p: check.text(level_anchors, p, (*path, "anchors", level)) for p in points
        }
    for key, where in ((k, "expectations") for k in expectations):
        if key not in level_ids:
            check.fail((*path, where, key), f"unknown level '{key}'")
    for key in anchors_raw:
        if key not in level_ids:
            check.fail((*path, "anchors", key), f"unknown level '{key}'")
    return expectations, anchors


def load_framework_text(text: str, source: str = "<string>") -> Framework:
    try:
        node = yaml.compose(text, Loader=_Loader)
        doc = yaml.load(text, Loader=_Loader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise FrameworkError(
            [FrameworkIssue(source, line, "", "", f"invalid YAML: {problem}")]
        ) from None
    except yaml.YAMLError as exc:
        raise FrameworkError(
            [FrameworkIssue(source, None, "", "", f"invalid YAML: {exc}")]
        ) from None
    lines: dict[PathKey, int] = {}
    if node is not None:
        line_map(node, (), lines)
    check = Checker(source, lines)
    if not isinstance(doc, dict):
        check.fail((), "a framework file must be a mapping with id, name, version, levels, ...")
        raise FrameworkError(check.issues)
    framework = _build(doc, check)
    if check.issues:
        raise FrameworkError(check.issues)
    return framework


def load_framework_file(path: str | Path) -> Framework:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(
            [FrameworkIssue(str(path), None, "", "", f"cannot read file: {exc}")]
        ) from None
    return load_framework_text(text, str(path))


def builtin_frameworks() -> list[Framework]:
    return list(_builtin_frameworks())


@cache
def _builtin_frameworks() -> tuple[Framework, ...]:
    """Parsed once per process; frameworks are immutable, so sharing them is safe."""
    data = resources.files("scorecards") / "data"
    return tuple(
        load_framework_text(item.read_text(encoding="utf-8"), f"scorecards/data/{item.name}")
        for item in sorted(data.iterdir(), key=lambda entry: entry.name)
        if item.name.endswith((".yaml", ".yml"))
    )


def frameworks_in(directory: str | Path) -> list[Framework]:
    """Every framework file in a folder; all problems of all files are reported together."""
    frameworks: list[Framework] = []
    issues: list[FrameworkIssue] = []
    for path in sorted(Path(directory).glob("*.y*ml")):
        try:
            frameworks.append(load_framework_file(path))
        except FrameworkError as exc:
            issues += exc.issues
    if issues:
        raise FrameworkError(issues)
    return frameworks
