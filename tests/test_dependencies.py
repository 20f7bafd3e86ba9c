"""Dependency floors past known advisories, and a lock file that holds every runtime
dependency at a version meeting them (deployments install from it)."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT

FLOORS = {"gunicorn": (23, 0), "requests": (2, 32, 4)}


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_floors_in_pyproject_and_the_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0].lower(): spec
        for spec in project["dependencies"]
    }
    locked = dict(
        line.split("==", 1)
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for name, floor in FLOORS.items():
        assert version(declared[name].split(">=", 1)[1]) >= floor, declared[name]
        assert version(locked[name]) >= floor, locked[name]
    assert set(declared) <= set(locked), set(declared) - set(locked)
