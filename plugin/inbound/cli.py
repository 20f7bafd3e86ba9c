"""``hireloop inbox list`` and ``hireloop inbox replay [ID...] [--failed]``."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from plugin.core.db import get_session
from plugin.inbound import inbox as service
from plugin.inbound.models import DeliveryStatus
from plugin.inbound.reread import completer


@click.group("inbox")
def inbox_group() -> None:
    """Received webhook deliveries (the durable inbox)."""


@inbox_group.command("list")
@click.option("--status", type=click.Choice(service.STATUSES), default=None)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@with_appcontext
def inbox_list(status: str | None, limit: int, as_json: bool) -> None:
    """The newest deliveries first: id, provider, event, status, attempts, last error."""
    rows = service.list_deliveries(get_session(), status, limit)
    if not rows:
        click.echo("no deliveries", err=True)
        return
    for row in rows:
        item = service.summary(row)
        if as_json:
            click.echo(json.dumps(item))
            continue
        line = (
            f"{item['id']:>7}  {item['provider']:<10} {item['event_type']:<28} "
            f"{item['status']:<8} attempts={item['attempts']}  received={item['received_at']}"
        )
        if item["next_attempt_at"]:
            line += f"  next={item['next_attempt_at']}"
        if item["last_error"]:
            line += f"\n         error: {item['last_error']}"
        click.echo(line)


@inbox_group.command("replay")
@click.argument("ids", nargs=-1, type=int)
@click.option("--failed", is_flag=True, help="Replay every failed or dead delivery.")
@with_appcontext
def inbox_replay(ids: tuple[int, ...], failed: bool) -> None:
    """Handle deliveries again now (handlers are idempotent: no second effect)."""
    if not ids and not failed:
        raise click.UsageError("Give delivery ids or --failed.")
    complete = completer(current_app.config)
    results = service.replay(get_session(), ids, failed=failed, complete=complete)
    if not results:
        click.echo("nothing to replay", err=True)
        return
    for delivery_id, status in results.items():
        click.echo(f"{delivery_id}: {status}")
    if any(status in (DeliveryStatus.FAILED, DeliveryStatus.DEAD) for status in results.values()):
        sys.exit(1)
