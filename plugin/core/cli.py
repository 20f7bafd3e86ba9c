"""``hireloop db upgrade``: the schema comes from the Alembic migrations, never elsewhere."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from plugin.core.migrate import upgrade


@click.group("db")
def db_group() -> None:
    """The database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema to the newest revision; safe to run again."""
    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")
