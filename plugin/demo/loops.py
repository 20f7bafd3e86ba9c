"""The example loop the demo applies, and the interviews it lists."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from plugin.demo.errors import DemoError
from plugin.demo.report import label
from plugin.demo.sandbox import seed as sample

PREFERRED_LOOPS = ("senior-pm-payments.yaml", "demo-senior-pm.yaml")


def find_loop(search: list[Path] | None = None) -> tuple[dict[str, Any], str]:
    """The example loop to apply: the project's Senior PM example if present, else the demo's
    own copy, else the copy built into the package."""
    roots = search or [
        Path.cwd() / "examples" / "loops",
        Path(__file__).resolve().parents[2] / "examples" / "loops",
    ]
    for name in PREFERRED_LOOPS:
        for root in roots:
            path = root / name
            if path.is_file():
                try:
                    loop = yaml.safe_load(path.read_text(encoding="utf-8"))
                except yaml.YAMLError:
                    continue
                if _usable(loop):
                    return loop, str(path)
    return dict(sample.DEMO_LOOP), "the built-in demo loop"


def _usable(loop: Any) -> bool:
    return (
        isinstance(loop, dict)
        and loop.get("ats") == "greenhouse"
        and isinstance(loop.get("stages"), list)
        and any(isinstance(s, dict) and s.get("interviews") for s in loop["stages"])
    )


def loop_interviews(loop: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [i for s in loop.get("stages") or [] for i in s.get("interviews") or []]


def competencies_from_loop(loop: Mapping[str, Any], assignment: Mapping[str, Any]) -> list[str]:
    """The competencies the loop gives the assignment's interview (when the scorecard
    answer does not list them)."""
    wanted = label(assignment.get("interview"))
    for interview in loop_interviews(loop):
        if wanted in (str(interview.get("ats_interview_id")), str(interview.get("name"))):
            return [str(c) for c in interview.get("competencies") or []]
    raise DemoError(f"assignment for interview {wanted!r} matches no interview of the loop")
