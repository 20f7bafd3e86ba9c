"""The ``hireloop`` command: Flask's CLI group with each capability's commands added."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError, ProgrammingError

from plugin import create_app
from plugin.ats.cli import ats_group
from plugin.auth.cli import tokens_group
from plugin.core.cli import db_group
from plugin.core.config import ConfigError
from plugin.demo.cli import demo_command
from plugin.frameworks.cli import frameworks_group
from plugin.inbound.cli import inbox_group
from plugin.jobs.cli import outbox_group, worker_command
from plugin.loops.cli import guide_command, loops_group

COMMANDS = (
    db_group,
    tokens_group,
    frameworks_group,
    demo_command,
    loops_group,
    guide_command,
    inbox_group,
    worker_command,
    outbox_group,
    ats_group,
)


def _create_app() -> Flask:
    return create_app()


#: The exit status for a configuration problem (as for a usage error: the command cannot run).
CONFIG_EXIT = 2


class HireloopGroup(FlaskGroup):
    """Flask's CLI group; a database that cannot answer (down, or without the schema)
    is a one-line error for the operator, not a traceback, and a configuration problem is
    one line per setting on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            for problem in exc.problems:
                click.echo(f"hireloop: {problem}", err=True)
            ctx.exit(CONFIG_EXIT)
        except (OperationalError, ProgrammingError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise click.ClickException(
                f"the database did not answer as expected ({reason}). If its schema is "
                "missing or older than this release, run `hireloop db upgrade`."
            ) from None


@click.group(cls=HireloopGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """hireloop: structured interview loops beside your ATS."""


for _command in COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
