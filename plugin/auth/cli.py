"""``hireloop tokens``: API tokens, printed once and stored only hashed; listed without
their secrets, revoked, and one-time sign-in links for the pages."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from plugin.auth.models import ApiToken
from plugin.auth.sessions import LINK_PATH, create_login_link
from plugin.auth.tokens import DEFAULT_EXPIRES_DAYS, ROLES, issue_token, usable
from plugin.core.db import get_session
from plugin.core.models import utcnow


@click.group("tokens")
def tokens_group() -> None:
    """API tokens."""


@tokens_group.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--job", "job_id", default=None, help="Limit the token to one ATS job id.")
@click.option("--name", default="", help="A label to recognise the token by.")
@click.option(
    "--expires-days",
    type=click.IntRange(min=1, max=3650),
    default=DEFAULT_EXPIRES_DAYS,
    show_default=True,
    help="Days until the token stops working.",
)
@with_appcontext
def tokens_create(role: str, job_id: str | None, name: str, expires_days: int) -> None:
    """Create a token; it is printed once, alone on the last line, and stored only hashed."""
    session = get_session()
    token, row = issue_token(session, role, job_id, name, expires_days=expires_days)
    session.commit()
    scope = f" for job {job_id}" if job_id else ""
    click.echo(
        f"Created {role} token {row.id}{scope}, expiring {row.expires_at:%Y-%m-%d %H:%M} UTC."
        " Keep it now: it cannot be shown again.",
        err=True,
    )
    click.echo(token)


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else "-"


@tokens_group.command("list")
@with_appcontext
def tokens_list() -> None:
    """Every token: id, role, job, created, last used, expires, state (never the secret)."""
    rows = get_session().scalars(select(ApiToken).order_by(ApiToken.id))
    click.echo("id\trole\tjob\tcreated\tlast used\texpires\tstate\tname")
    now = utcnow()
    for row in rows:
        state = "revoked" if row.revoked_at else ("active" if usable(row, now) else "expired")
        click.echo(
            "\t".join(
                (
                    str(row.id),
                    row.role,
                    row.job_id or "-",
                    _when(row.created_at),
                    _when(row.last_used_at),
                    _when(row.expires_at) if row.expires_at else "never",
                    state,
                    row.name,
                )
            )
        )


@tokens_group.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1))
@with_appcontext
def tokens_revoke(token_id: int) -> None:
    """Revoke a token: it answers 401 from now on, and its page sessions end."""
    session = get_session()
    row = session.get(ApiToken, token_id) if token_id < 2**31 else None
    if row is None:
        raise click.ClickException(f"no token with id {token_id} (see `hireloop tokens list`)")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.commit()
    click.echo(f"Token {token_id} revoked.")


@tokens_group.command("login-link")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--job", "job_id", default=None, help="Limit the sign-in to one ATS job id.")
@click.option("--next", "next_path", default="/", help="The page to open after signing in.")
@with_appcontext
def tokens_login_link(role: str, job_id: str | None, next_path: str) -> None:
    """Print a one-time sign-in address (valid 10 minutes, one use) on the last line."""
    base = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base:
        raise click.ClickException("HIRELOOP_PUBLIC_URL is needed to print a sign-in address")
    session = get_session()
    name = f"login link ({role})"
    _, token = issue_token(session, role, job_id, name, expires_days=DEFAULT_EXPIRES_DAYS)
    secret = create_login_link(session, token, next_path if next_path.startswith("/") else "/")
    session.commit()
    click.echo(f"One-time sign-in as {role} (token {token.id}), valid 10 minutes:", err=True)
    click.echo(f"{base}{LINK_PATH}{secret}")
