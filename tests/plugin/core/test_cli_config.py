"""A configuration problem in the CLI: one line per setting on stderr, exit 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_config_problems_are_one_line_each_and_exit_2(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HIRELOOP_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "HIRELOOP_SECRET_KEY": "x",
        "HIRELOOP_LINK_MAX_AGE_DAYS": "abc",
        "HIRELOOP_LEVER_API_KEY": "key",
    }
    result = subprocess.run(
        [sys.executable, "-m", "plugin.cli", "tokens", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "hireloop: HIRELOOP_LEVER_SIGNATURE_TOKEN is required: Lever is enabled and its"
        " webhooks are signed",
        "hireloop: HIRELOOP_PUBLIC_URL is required: links in notes and messages are built from it",
        "hireloop: HIRELOOP_LINK_MAX_AGE_DAYS must be a positive number, got 'abc'",
    ]
