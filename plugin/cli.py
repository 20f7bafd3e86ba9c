"""The ``hireloop`` command: Flask's CLI group with hireloop's commands added."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from plugin.auth import ROLES, create_token
from plugin.commands import inbox as inbox_commands
from plugin.commands import loops as loops_commands
from plugin.commands.demo import demo_command
from plugin.commands.worker import outbox_group, worker_command
from plugin.db import get_session
from scorecards.loader import FrameworkError, load_framework_file


def _create_app() -> Flask:
    from plugin import create_app

    return create_app()


class HireloopGroup(FlaskGroup):
    """Flask's CLI group; a database that cannot answer (down, or without the schema)
    is a one-line error for the operator, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise click.ClickException(
                f"the database did not answer as expected ({reason}). If its schema is "
                "missing or older than this release, run `hireloop db upgrade`."
            ) from None


@click.group(cls=HireloopGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """hireloop: structured interview loops beside your ATS."""


@click.group("db")
def db_group() -> None:
    """The database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema to the newest revision; safe to run again."""
    from plugin.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens."""


@tokens_group.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--job", "job_id", default=None, help="Limit the token to one ATS job id.")
@click.option("--name", default="", help="A label to recognise the token by.")
@with_appcontext
def tokens_create(role: str, job_id: str | None, name: str) -> None:
    """Create a token; it is printed once, alone on the last line, and stored only hashed."""
    session = get_session()
    token = create_token(session, role, job_id, name)
    session.commit()
    scope = f" for job {job_id}" if job_id else ""
    click.echo(f"Created a {role} token{scope}. Keep it now: it cannot be shown again.", err=True)
    click.echo(token)


@click.group("frameworks")
def frameworks_group() -> None:
    """Competency framework files."""


@frameworks_group.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def frameworks_check(path: str) -> None:
    """Validate a framework file; errors name the file, line, path and field."""
    try:
        framework = load_framework_file(path)
    except FrameworkError as exc:
        for issue in exc.issues:
            click.echo(f"error: {issue}", err=True)
        click.echo(f"{path}: {len(exc.issues)} error(s)", err=True)
        sys.exit(1)
    click.echo(
        f"{path}: ok: framework '{framework.id}' version {framework.version}: "
        f"{len(framework.areas)} areas, {len(framework.competencies)} competencies, "
        f"{len(framework.levels)} levels"
    )


for _group in (db_group, tokens_group, frameworks_group):
    main.add_command(_group)
main.add_command(demo_command)
main.add_command(loops_commands.loops_group)
main.add_command(loops_commands.guide_command)
main.add_command(inbox_commands.inbox_group)
main.add_command(worker_command)
main.add_command(outbox_group)


if __name__ == "__main__":
    main()
