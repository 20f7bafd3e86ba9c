"""``hireloop loops apply FILE`` and ``hireloop guide --loop LOOP --interview INTERVIEW``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml
from flask.cli import with_appcontext

from plugin.core.db import get_session
from plugin.frameworks.registry import registry
from plugin.loops import service
from plugin.loops.reader import loop_for_job
from scorecards.guides import (
    GuideError,
    guide_to_dict,
    guide_to_html,
    guide_to_markdown,
)
from scorecards.loops import LintReport, LoopError


def print_report(report: LintReport, err: bool = False) -> None:
    for finding in (*report.errors, *report.warnings, *report.notes):
        click.echo(str(finding), err=err)
    click.echo(
        f"lint: {len(report.errors)} error(s), {len(report.warnings)} warning(s), "
        f"{len(report.notes)} note(s)",
        err=err,
    )


def _read_document(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        raise click.ClickException(
            f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{path}: a loop file must be a mapping of fields")
    return data


@click.group("loops")
def loops_group() -> None:
    """Interview loops."""


@loops_group.command("apply")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def loops_apply(path: str) -> None:
    """Create or update the loop in FILE (YAML), matched by its ATS and job id, and print its
    lint report. With errors nothing is stored and the exit status is 1."""
    data = _read_document(path)
    session = get_session()
    before = loop_for_job(
        session, str(data.get("ats") or "").strip().lower(), str(data.get("job_id") or "").strip()
    )
    previous = before.revision if before is not None else None
    try:
        row, report = service.save_loop(session, data, registry())
    except service.LoopRejected as exc:
        session.rollback()
        print_report(exc.report, err=True)
        click.echo(f"{path}: not applied; the stored loop is unchanged.", err=True)
        sys.exit(1)
    except service.LoopConflict as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    session.commit()
    print_report(report)
    if previous is None:
        action = "created"
    elif previous == row.revision:
        action = "unchanged"
    else:
        action = "updated"
    click.echo(
        f"loop {row.id} '{row.name}' ({row.ats} job {row.job_id}) {action}, revision {row.revision}"
    )


@click.command("guide")
@click.option("--loop", "loop_ref", required=True, help="Loop id, name or ATS job id.")
@click.option("--interview", required=True, help="Interview name or ATS interview id.")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True
)
@with_appcontext
def guide_command(loop_ref: str, interview: str, fmt: str) -> None:
    """Print the interview guide of one interview of a loop."""
    session = get_session()
    row = service.find_loop(session, loop_ref)
    if row is None:
        raise click.ClickException(f"no loop with id, name or job id '{loop_ref}'")
    try:
        spec, guide = service.loop_guide(row, interview, registry())
    except LoopError as exc:
        raise click.ClickException(str(exc)) from None
    except GuideError:
        spec = service.get_loop_spec(session, row, registry())
        names = ", ".join(f"'{i.name}' ({i.key})" for _, i in spec.interviews)
        raise click.ClickException(
            f"loop '{spec.name}' has no interview '{interview}'; its interviews: {names}"
        ) from None
    if fmt == "json":
        click.echo(json.dumps(guide_to_dict(guide), indent=2, ensure_ascii=False))
    elif fmt == "html":
        click.echo(guide_to_html(guide))
    else:
        click.echo(guide_to_markdown(guide), nl=False)
