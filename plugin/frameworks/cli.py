"""``hireloop frameworks check FILE``: validate a framework file before deploying it."""

from __future__ import annotations

import sys

import click

from scorecards.loader import FrameworkError, load_framework_file


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
