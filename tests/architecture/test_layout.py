"""The layout rules of DESIGN.md and the restructuring, checked on every run.

- modules stay readable in one sitting (at most 400 lines) and functions at most 60 lines;
- no import cycle between modules, nor between the capability packages of ``plugin``;
- dependencies point one way: ``scorecards`` imports nothing of the project, ``webhooks``
  and ``scorecards`` never import ``plugin``, the outbound clients never import the inbound
  edge, and ``scorecards`` stays free of Flask, SQLAlchemy and requests.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("plugin", "scorecards", "webhooks")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: Longer on purpose, each with the reason (the note of the restructuring lists them too).
LONG_FUNCTIONS: dict[str, str] = {}


def modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            yield ".".join(parts), path


def imports_of(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports, at any depth of the file."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in PACKAGES}


GRAPH = {name: imports_of(name, path) for name, path in modules()}
KNOWN = set(GRAPH)


def edges(name: str) -> set[str]:
    return {m for m in GRAPH[name] if m in KNOWN and m != name}


def test_modules_are_short() -> None:
    long = {
        name: n
        for name, path in modules()
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_functions_are_short() -> None:
    long: dict[str, int] = {}
    for name, path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                where = f"{name}.{node.name}"
                if length > MAX_FUNCTION_LINES and where not in LONG_FUNCTIONS:
                    long[where] = length
    assert long == {}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_modules() -> None:
    # A package's __init__ may import its own modules (it wires them); the modules must not
    # import their package's __init__ back, so that edge alone is left out.
    graph = {n: {m for m in edges(n) if not n.startswith(m + ".")} for n in GRAPH}
    assert _cycle(graph) is None


def capability(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "plugin" and len(parts) > 2 else None


def test_no_cycle_between_capabilities() -> None:
    graph: dict[str, set[str]] = {}
    for name in GRAPH:
        source = capability(name)
        if source is None:
            continue
        for target in map(capability, edges(name)):
            if target is not None and target != source:
                graph.setdefault(source, set()).add(target)
    assert _cycle(graph) is None


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        ("scorecards", ("plugin", "webhooks", "flask", "sqlalchemy", "requests")),
        ("webhooks", ("plugin", "flask", "sqlalchemy")),
        ("plugin.ats", ("webhooks", "plugin.inbound")),
    ],
)
def test_dependencies_point_one_way(importer: str, forbidden: tuple[str, ...]) -> None:
    offending = set()
    for name, path in modules():
        if name == importer or name.startswith(importer + "."):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                targets = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and not node.level
                    else []
                )
                offending.update(
                    f"{name} -> {t}"
                    for t in targets
                    if any(t == f or t.startswith(f + ".") for f in forbidden)
                )
    assert offending == set()
