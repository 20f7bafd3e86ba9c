from __future__ import annotations

from pathlib import Path

from plugin.core.migrate import check, heads, upgrade


def test_one_head() -> None:
    assert len(heads()) == 1


def test_models_and_migrations_agree(database_url: str) -> None:
    check(database_url)  # raises alembic.util.CommandError listing the differences


def test_upgrade_runs_twice_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    upgrade(url)
    check(url)
