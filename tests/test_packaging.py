"""The wheel carries the data files the code reads at run time, not only an editable install.

Built from a copy of the sources (so the worktree gains no build/ or egg-info), without
build isolation (no network): setuptools and wheel come from the test environment.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scorecards.calibration_pack import load_calibration_text
from scorecards.loader import load_framework_text
from tests.conftest import ROOT

SOURCES = ("pyproject.toml", "README.md", "plugin", "scorecards", "webhooks", "migrations")


@pytest.mark.slow
def test_the_wheel_ships_the_framework_and_its_calibration_pack(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    (wheel,) = out.glob("hireloop-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        framework = load_framework_text(archive.read("scorecards/data/pm.yaml").decode())
        pack_text = archive.read("scorecards/data/calibration/pm.yaml").decode()
        names = set(archive.namelist())
    pack = load_calibration_text(pack_text, "wheel:pm.yaml", framework)
    assert len(pack.samples) >= 72
    assert "scorecards/calibration_pack.py" in names
