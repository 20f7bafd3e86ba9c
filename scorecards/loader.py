"""Load and validate framework files (YAML) with errors that point at the file, line and field.

A framework file is data written by people; a mistake in it must read like a compiler error
("pm.yaml:41: competencies[2].anchors.pm: missing field 'on_track'"), never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from scorecards.framework import (
    NO_EVIDENCE,
    Archetype,
    Area,
    Competency,
    Framework,
    InterviewFormat,
    Level,
    Question,
    ScalePoint,
)

PathKey = tuple[str | int, ...]
# libyaml's loader when present: the built-in framework is parsed at every app start.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True, slots=True)
class FrameworkIssue:
    source: str
    line: int | None
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.path or '<top>'}: {self.message}"


class FrameworkError(ValueError):
    """A framework file that cannot be used; carries every problem found, not just the first."""

    def __init__(self, issues: list[FrameworkIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


def _format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _line_map(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, str(key_node.value))
            lines[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines)


class _Checker:
    """Collects located problems while the document is converted into domain objects."""

    def __init__(self, source: str, lines: dict[PathKey, int]) -> None:
        self.source = source
        self.lines = lines
        self.issues: list[FrameworkIssue] = []

    def fail(self, path: PathKey, message: str) -> None:
        line = None
        for depth in range(len(path), -1, -1):
            line = self.lines.get(path[:depth])
            if line:
                break
        field = str(path[-1]) if path else ""
        self.issues.append(FrameworkIssue(self.source, line, _format_path(path), field, message))

    def mapping(self, value: Any, path: PathKey) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.fail(path, f"expected a mapping, got {type(value).__name__}")
        return {}

    def sequence(self, value: Any, path: PathKey) -> list[Any]:
        if isinstance(value, list):
            return value
        self.fail(path, f"expected a list, got {type(value).__name__}")
        return []

    def text(self, obj: dict[str, Any], key: str, path: PathKey, *, required: bool = True) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail((*path, key), f"missing field '{key}'")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail((*path, key), f"'{key}' must be text")
            return ""
        if required and not str(value).strip():
            self.fail((*path, key), f"'{key}' must not be empty")
        return str(value)

    def ident(self, obj: dict[str, Any], key: str, path: PathKey) -> str:
        value = self.text(obj, key, path)
        if value and not set(value) <= _ID_CHARS:
            self.fail((*path, key), f"'{value}' is not a valid id (use a-z, 0-9, '-' and '_')")
        return value

    def texts(self, obj: dict[str, Any], key: str, path: PathKey) -> tuple[str, ...]:
        raw = obj.get(key)
        if raw is None:
            return ()
        items = self.sequence(raw, (*path, key))
        out = []
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                self.fail((*path, key, index), "must be non-empty text")
            else:
                out.append(item)
        return tuple(out)

    def unique(self, ids: Iterable[tuple[str, PathKey]], what: str) -> None:
        seen: set[str] = set()
        for ident, path in ids:
            if ident and ident in seen:
                self.fail(path, f"duplicate {what} id '{ident}'")
            seen.add(ident)


def _entries(
    check: _Checker, doc: dict[str, Any], key: str
) -> Iterator[tuple[dict[str, Any], PathKey]]:
    if key not in doc:
        check.fail((key,), f"missing field '{key}'")
        return
    items = check.sequence(doc[key], (key,))
    if not items:
        check.fail((key,), f"'{key}' must not be empty")
    for index, item in enumerate(items):
        yield check.mapping(item, (key, index)), (key, index)


def _build(doc: dict[str, Any], check: _Checker) -> Framework:
    framework_id = check.ident(doc, "id", ())
    name = check.text(doc, "name", ())
    version = check.text(doc, "version", ())

    scale = tuple(
        ScalePoint(
            check.ident(p, "id", path),
            check.text(p, "name", path),
            check.text(p, "description", path, required=False),
        )
        for p, path in _entries(check, doc, "scale")
    )
    check.unique(((p.id, ("scale",)) for p in scale), "scale point")
    if any(p.id == NO_EVIDENCE for p in scale):
        check.fail(("scale",), f"'{NO_EVIDENCE}' is built in and must not be a scale point")
    points = [p.id for p in scale]

    levels = tuple(
        Level(
            check.ident(lv, "id", path),
            check.text(lv, "name", path),
            bool(lv.get("manages_people", False)),
            check.text(lv, "scope", path, required=False),
        )
        for lv, path in _entries(check, doc, "levels")
    )
    check.unique(((lv.id, ("levels", i, "id")) for i, lv in enumerate(levels)), "level")
    level_ids = [lv.id for lv in levels]

    areas = tuple(
        Area(
            check.ident(a, "id", path),
            check.text(a, "name", path),
            check.text(a, "description", path, required=False),
        )
        for a, path in _entries(check, doc, "areas")
    )
    check.unique(((a.id, ("areas", i, "id")) for i, a in enumerate(areas)), "area")
    area_ids = {a.id for a in areas}

    competencies = []
    question_ids: list[tuple[str, PathKey]] = []
    for c, path in _entries(check, doc, "competencies"):
        competency = _competency(check, c, path, points, level_ids, area_ids)
        competencies.append(competency)
        question_ids += [
            (q.id, (*path, "questions", i, "id")) for i, q in enumerate(competency.questions)
        ]
    check.unique(
        ((c.id, ("competencies", i, "id")) for i, c in enumerate(competencies)), "competency"
    )
    check.unique(question_ids, "question")
    competency_ids = {c.id for c in competencies}

    archetypes = tuple(
        Archetype(
            check.ident(a, "id", path),
            check.text(a, "name", path),
            _known(check, a, "strong", path, competency_ids, "competency"),
            _known(check, a, "growth_areas", path, competency_ids, "competency"),
            check.text(a, "description", path, required=False),
        )
        for a, path in (_entries(check, doc, "archetypes") if "archetypes" in doc else ())
    )
    formats = tuple(
        InterviewFormat(
            check.ident(f, "id", path),
            check.text(f, "name", path),
            _known(check, f, "competencies", path, competency_ids, "competency"),
            tuple(k.lower() for k in check.texts(f, "keywords", path)),
        )
        for f, path in (_entries(check, doc, "formats") if "formats" in doc else ())
    )
    return Framework(
        id=framework_id,
        name=name,
        version=version,
        levels=levels,
        areas=areas,
        competencies=tuple(competencies),
        scale=scale,
        description=check.text(doc, "description", (), required=False),
        archetypes=archetypes,
        formats=formats,
        source=check.source,
    )


def _known(
    check: _Checker, obj: dict[str, Any], key: str, path: PathKey, known: set[str], what: str
) -> tuple[str, ...]:
    values = check.texts(obj, key, path)
    for index, value in enumerate(values):
        if value not in known:
            check.fail((*path, key, index), f"unknown {what} '{value}'")
    return values


def _competency(
    check: _Checker,
    c: dict[str, Any],
    path: PathKey,
    points: list[str],
    level_ids: list[str],
    area_ids: set[str],
) -> Competency:
    area = check.text(c, "area", path)
    if area and area not in area_ids:
        check.fail((*path, "area"), f"unknown area '{area}' (known: {', '.join(sorted(area_ids))})")
    min_level = c.get("min_level")
    if min_level is not None and min_level not in level_ids:
        check.fail((*path, "min_level"), f"unknown level '{min_level}'")

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

    questions = tuple(
        Question(
            check.ident(q, "id", qpath),
            check.text(q, "text", qpath),
            check.texts(q, "follow_ups", qpath),
            check.texts(q, "formats", qpath),
        )
        for q, qpath in (
            (check.mapping(item, (*path, "questions", i)), (*path, "questions", i))
            for i, item in enumerate(check.sequence(c.get("questions", []), (*path, "questions")))
        )
    )
    return Competency(
        id=check.ident(c, "id", path),
        name=check.text(c, "name", path),
        area=area,
        description=check.text(c, "description", path, required=False),
        aliases=check.texts(c, "aliases", path),
        min_level=min_level,
        expectations={k: v for k, v in expectations.items() if isinstance(v, str)},
        anchors=anchors,
        evidence_prompts=check.texts(c, "evidence_prompts", path),
        questions=questions,
    )


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
        _line_map(node, (), lines)
    check = _Checker(source, lines)
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
