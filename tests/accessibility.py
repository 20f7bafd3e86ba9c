"""axe-core, from the npm registry (tests/axe/package.json; ``npm ci --prefix tests/axe``),
injected into pages the browser tests open; and the screenshots the docs show.

``serious_violations(page)`` runs axe on the page as it is and returns the serious and
critical violations, each as ``rule: target …`` lines fit for an assertion message. Without
the package installed the tests that need it are skipped, or fail when
HIRELOOP_REQUIRE_BROWSER is set (CI installs it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# Read at import: the tests' autouse fixture clears HIRELOOP_* variables before each test.
TAKE_SCREENSHOTS = bool(os.environ.get("HIRELOOP_SCREENSHOTS"))
REQUIRE = bool(os.environ.get("HIRELOOP_REQUIRE_BROWSER"))

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING = ("serious", "critical")


def axe_source() -> str:
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE}: npm ci --prefix tests/axe"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def serious_violations(page: Any) -> list[str]:
    """The page's serious and critical axe violations (WCAG 2.x A/AA and best practices)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {violation['help']}"
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def screenshot(target: Any, name: str, **options: Any) -> None:
    """docs/screenshots/<name>.png, when HIRELOOP_SCREENSHOTS is set (docs/pages.md).
    ``target`` is a Playwright page (the full page unless ``full_page=False``) or an element."""
    if TAKE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if hasattr(target, "goto"):
            options.setdefault("full_page", True)
        target.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **options)
