"""``hireloop ats check``: try each configured ATS call once and name what is refused."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from plugin.ats.check import check_all, greenhouse_writes
from plugin.ats.clients import is_configured
from plugin.core.config import greenhouse_api_version


@click.group("ats")
def ats_group() -> None:
    """The ATS connections."""


@ats_group.command("check")
@with_appcontext
def check_command() -> None:
    """Mint a token, call each endpoint hireloop uses once, and say which are refused."""
    config = current_app.config
    outcomes = check_all(config)
    if not outcomes:
        raise click.ClickException("no ATS has API credentials configured")
    for outcome in outcomes:
        mark = "ok     " if outcome.ok else "REFUSED"
        click.echo(f"{mark} {outcome.ats:<10} {outcome.call:<40} {outcome.what}")
        if not outcome.ok:
            click.echo(f"        {outcome.detail}")
    if is_configured(config, "greenhouse") and greenhouse_api_version(config) != "v1":
        click.echo("Not tried (writes); the credential needs these scopes too:")
        for scope in greenhouse_writes(config):
            click.echo(f"        {scope}")
    refused = [o for o in outcomes if not o.ok]
    if refused:
        raise click.ClickException(f"{len(refused)} of {len(outcomes)} calls refused or failed")
    click.echo(f"All {len(outcomes)} calls answered.")
