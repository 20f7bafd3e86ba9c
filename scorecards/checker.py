"""Located problems in framework files: every problem names the file, line and field.

``Checker`` reads values out of the parsed YAML document and, where one is not what the
framework format expects, records a ``FrameworkIssue`` at the value's path and line and
returns a harmless default, so one pass reports every problem in the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

PathKey = tuple[str | int, ...]
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


def line_map(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, str(key_node.value))
            lines[child] = key_node.start_mark.line + 1
            line_map(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            line_map(item, (*path, index), lines)


class Checker:
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


def entries(
    check: Checker, doc: dict[str, Any], key: str
) -> Iterator[tuple[dict[str, Any], PathKey]]:
    if key not in doc:
        check.fail((key,), f"missing field '{key}'")
        return
    items = check.sequence(doc[key], (key,))
    if not items:
        check.fail((key,), f"'{key}' must not be empty")
    for index, item in enumerate(items):
        yield check.mapping(item, (key, index)), (key, index)
