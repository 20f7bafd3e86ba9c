"""``hireloop tokens``: API tokens, printed once and stored only hashed."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from plugin.auth.tokens import ROLES, create_token
from plugin.core.db import get_session


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
