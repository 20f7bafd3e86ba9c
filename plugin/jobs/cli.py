"""``hireloop worker [--once]``, ``hireloop outbox list [--status]`` and
``hireloop outbox retry [ID...|--dead]``."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_, select

from plugin.core.db import get_session
from plugin.core.models import utcnow
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.jobs.worker import Worker

#: The choices of ``--status``: plain strings, as click shows and compares them.
STATUSES = tuple(status.value for status in JobStatus)
DEFAULT_RETRIES = 8


@click.command("worker")
@click.option("--once", is_flag=True, help="Drain what is due now, then exit.")
@click.option("--id", "worker_id", default=None, help="A name for this worker in logs/leases.")
@with_appcontext
def worker_command(once: bool, worker_id: str | None) -> None:
    """Run the outbox (ATS write-back, imports, messages), sweeps and the webhook inbox."""

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Its work can wait a moment; the web processes' answers cannot. On a machine they
    # share, the worker takes the CPU second (HIRELOOP_WORKER_NICE, 0 to leave it as is).
    niceness: int = app.config["WORKER_NICE"]
    if niceness:
        os.nice(niceness)
    worker = Worker(app, worker_id=worker_id)
    worker.install_signal_handlers()
    processed = worker.run(once=once)
    click.echo(f"worker {worker.worker_id}: {processed} job(s) processed", err=True)


@click.group("outbox")
def outbox_group() -> None:
    """Queued work for the ATS and the message transports."""


def job_summary(job: OutboxJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "key": job.key,
        "status": job.status,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "run_after": job.run_after.isoformat(),
        "locked_by": job.locked_by,
        "last_error": job.last_error,
        "result": job.result,
    }


@outbox_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--kind", default=None, help="Only jobs of this kind (e.g. verdict-note).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@with_appcontext
def outbox_list(status: str | None, kind: str | None, limit: int, as_json: bool) -> None:
    """The newest jobs first: id, kind, status, attempts, key and the last error."""
    query = select(OutboxJob).order_by(OutboxJob.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxJob.status == status)
    if kind:
        query = query.where(OutboxJob.kind == kind)
    rows = get_session().scalars(query).all()
    if not rows:
        click.echo("no jobs", err=True)
        return
    for job in rows:
        if as_json:
            click.echo(json.dumps(job_summary(job), default=str))
            continue
        click.echo(
            f"{job.id:>7}  {job.kind:<22} {job.status:<8} "
            f"attempts={job.attempts}/{job.max_attempts}  {job.key}"
        )
        if job.last_error:
            click.echo(f"         error: {job.last_error.splitlines()[0][:200]}")


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--dead", "all_dead", is_flag=True, help="Retry every dead job.")
@with_appcontext
def outbox_retry(ids: tuple[int, ...], all_dead: bool) -> None:
    """Queue dead (or waiting) jobs to run now, with a fresh allowance of attempts.

    Attempts are not reset: a write that may have reached the ATS is checked for first."""
    if not ids and not all_dead:
        click.echo("error: give job ids or --dead", err=True)
        sys.exit(2)
    session = get_session()
    chosen = []
    if all_dead:
        chosen.append(OutboxJob.status == JobStatus.DEAD)
    if ids:
        chosen.append(OutboxJob.id.in_(ids))
    query = select(OutboxJob).where(or_(*chosen))
    jobs = session.scalars(query.order_by(OutboxJob.id).with_for_update()).all()
    missing = set(ids) - {job.id for job in jobs}
    refused = 0
    now = utcnow()
    for job in jobs:
        if job.status in (JobStatus.DONE, JobStatus.RUNNING):
            click.echo(f"job {job.id}: {job.status}, not retried", err=True)
            refused += 1
            continue
        job.status = JobStatus.PENDING
        job.run_after = now
        job.locked_by = None
        job.lease_expires_at = None
        job.max_attempts = job.attempts + DEFAULT_RETRIES
        click.echo(f"job {job.id}: {job.kind} {job.key} queued again")
    session.commit()
    for job_id in sorted(missing):
        click.echo(f"job {job_id}: no such job", err=True)
    if missing or refused:
        sys.exit(1)
