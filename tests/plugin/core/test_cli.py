from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.auth.models import ApiToken
from plugin.auth.tokens import hash_token
from plugin.cli import main
from tests.conftest import ROOT

PM_FILE = ROOT / "scorecards" / "data" / "pm.yaml"


def run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HIRELOOP_DATABASE_URL": database_url, "HIRELOOP_SECRET_KEY": "x"}
    return subprocess.run(
        [sys.executable, "-m", "plugin.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def invoke(database_url: str, *args: str) -> Result:
    """The command in this process (the subprocess test above shows the console script runs)."""
    env = {"HIRELOOP_DATABASE_URL": database_url, "HIRELOOP_SECRET_KEY": "x"}
    return CliRunner().invoke(main, list(args), env=env)


def test_db_upgrade_twice_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    first = run(url, "db", "upgrade")  # the console entry point, in a process of its own
    assert first.returncode == 0, first.stderr
    assert "database at head" in first.stdout
    again = invoke(url, "db", "upgrade")
    assert again.exit_code == 0, again.stderr
    assert "database at head" in again.stdout


def test_a_database_without_the_schema_is_a_one_line_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    env = {"HIRELOOP_DATABASE_URL": url, "HIRELOOP_SECRET_KEY": "x"}
    result = CliRunner().invoke(main, ["inbox", "list"], env=env)
    assert result.exit_code == 1
    assert "no such table: webhook_deliveries" in result.output
    assert "run `hireloop db upgrade`" in result.output
    assert "Traceback" not in result.output


def test_tokens_create_prints_the_token_once_on_its_last_line(
    database_url: str, db: Session
) -> None:
    result = invoke(database_url, "tokens", "create", "--role", "hiring_manager", "--job", "3485")
    assert result.exit_code == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("hl_")
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    assert row is not None and row.role == "hiring_manager" and row.job_id == "3485"
    assert token not in {row.token_hash, row.name}


def test_tokens_create_refuses_an_unknown_role(database_url: str) -> None:
    result = invoke(database_url, "tokens", "create", "--role", "boss")
    assert result.exit_code != 0
    assert "boss" in result.stderr


def test_frameworks_check_accepts_the_builtin_file() -> None:
    result = CliRunner().invoke(main, ["frameworks", "check", str(PM_FILE)])
    assert result.exit_code == 0, result.output
    assert "12 competencies" in result.output and "7 levels" in result.output


def test_frameworks_check_names_file_line_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "eng.yaml"
    text = PM_FILE.read_text().replace("area: product-execution", "area: execution", 1)
    broken.write_text(text)
    result = CliRunner().invoke(main, ["frameworks", "check", str(broken)])
    assert result.exit_code == 1
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "area: execution" in t)
    assert f"{broken}:{line}: competencies[0].area: unknown area 'execution'" in result.output
    assert "Traceback" not in result.output
