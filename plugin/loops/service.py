"""Loops in the database: find, read as a LoopSpec, save (only when the lint has no errors),
delete, and seed a loop document from an ATS job's stages.

A loop's document is stored whole in ``Loop.definition``; the columns beside it (name,
framework, level, ats, job_id) are copies for lookups. Saving is all or nothing: a loop with
errors raises ``LoopRejected`` and the stored row is left exactly as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.ats.base import AtsClient, AtsStage
from plugin.ats.clients import client_for
from plugin.core import signals
from plugin.core.errors import Conflict, Invalid, NotFound
from plugin.frameworks.registry import registry
from plugin.loops.models import Loop
from plugin.loops.reader import loop_for_job
from scorecards.framework import Framework
from scorecards.guides import Guide, build_guide
from scorecards.loops import (
    LintReport,
    LoopError,
    LoopIssue,
    LoopSpec,
    did_you_mean,
    lint_loop,
    parse_loop,
)
from scorecards.suggest import suggest_interview


class FrameworkLookup(Protocol):
    def get(self, framework_id: str) -> Framework | None: ...


class LoopRejected(Invalid):
    """The loop has errors (parse or lint); nothing was stored. ``report`` lists them all."""

    def __init__(self, report: LintReport, status: int = 422) -> None:
        count = len(report.errors)
        super().__init__(
            f"The loop has {count} error{'s' if count != 1 else ''}; nothing was saved. "
            + " ".join(f.message for f in report.errors[:3]),
            code="loop_invalid",
            fields=report.fields(),
        )
        self.report = report
        self.status = status


class LoopConflict(Conflict):
    """Another loop already binds this ATS job."""

    def __init__(self, message: str, existing_id: int) -> None:
        super().__init__(message, fields={"job_id": f"has loop {existing_id}"})
        self.existing_id = existing_id


def framework_for(data: Mapping[str, Any], frameworks: FrameworkLookup) -> Framework:
    """The framework a loop document names (default ``pm``); LoopError when unknown."""
    framework_id = (data.get("framework") if isinstance(data, Mapping) else None) or "pm"
    framework = frameworks.get(str(framework_id))
    if framework is None:
        known = [f.id for f in getattr(frameworks, "all", list)()]
        hint = did_you_mean(str(framework_id), known) if known else ""
        raise LoopError([LoopIssue("framework", f"unknown framework '{framework_id}'{hint}")])
    return framework


def check_document(
    data: Mapping[str, Any], frameworks: FrameworkLookup
) -> tuple[LoopSpec | None, LintReport, Framework | None]:
    """Parse and lint without saving; parse problems come back as error findings."""
    try:
        framework = framework_for(data, frameworks)
        loop = parse_loop(data, framework)
    except LoopError as exc:
        return None, LintReport.from_error(exc), None
    return loop, lint_loop(loop, framework), framework


def _stored_spec(loop_row: Loop, frameworks: FrameworkLookup | None) -> tuple[LoopSpec, Framework]:
    framework = (frameworks or registry()).get(loop_row.framework_id)
    if framework is None:
        raise LoopError(
            [LoopIssue("framework", f"the framework '{loop_row.framework_id}' is not installed")]
        )
    return parse_loop(loop_row.definition, framework), framework


def get_loop_spec(
    session: Session, loop_row: Loop, frameworks: FrameworkLookup | None = None
) -> LoopSpec:
    """The stored loop as a LoopSpec (its document was checked when it was saved)."""
    return _stored_spec(loop_row, frameworks)[0]


def loop_guide(
    loop_row: Loop, interview: str, frameworks: FrameworkLookup | None = None
) -> tuple[LoopSpec, Guide]:
    """The stored loop and the guide of one of its interviews (by ATS interview id or name);
    GuideError when the loop has no such interview."""
    spec, framework = _stored_spec(loop_row, frameworks)
    return spec, build_guide(framework, spec, interview)


def find_loop(session: Session, ref: str) -> Loop | None:
    """A loop by id, ATS job id or name (in that order)."""
    ref = str(ref).strip()
    if not ref:
        return None
    if ref.isdigit():
        row = session.get(Loop, int(ref))
        if row is not None:
            return row
    row = session.scalar(select(Loop).where(Loop.job_id == ref).order_by(Loop.id))
    if row is not None:
        return row
    row = session.scalar(select(Loop).where(Loop.name == ref).order_by(Loop.id))
    if row is not None:
        return row
    return session.scalar(
        select(Loop).where(func.lower(Loop.name) == ref.lower()).order_by(Loop.id)
    )


def save_loop(
    session: Session,
    data: Mapping[str, Any],
    framework_registry: FrameworkLookup,
    *,
    loop_id: int | None = None,
    create_only: bool = False,
) -> tuple[Loop, LintReport]:
    """Create or update a loop from its document, keyed by (ats, job_id) or by ``loop_id``.

    Raises LoopRejected when the document has errors (nothing changes), LoopConflict when the
    job already has another loop (or, with ``create_only``, any loop). Flushes, never commits:
    the caller owns the transaction.
    """
    loop, report, _ = check_document(data, framework_registry)
    if loop is None or not report.ok:
        raise LoopRejected(report)
    row = _row_to_save(session, loop, loop_id=loop_id, create_only=create_only)
    definition = loop.to_dict()
    if row is None:
        row = Loop(
            name=loop.name,
            framework_id=loop.framework,
            level=loop.level,
            ats=loop.ats,
            job_id=loop.job_id,
            definition=definition,
            revision=1,
        )
        session.add(row)
    elif (
        row.definition != definition
        or row.name != loop.name
        or row.ats != loop.ats
        or row.job_id != loop.job_id
    ):
        row.name = loop.name
        row.framework_id = loop.framework
        row.level = loop.level
        row.ats = loop.ats
        row.job_id = loop.job_id
        row.definition = definition
        row.revision = (row.revision or 0) + 1
    session.flush()
    return row, report


def _row_to_save(
    session: Session, loop: LoopSpec, *, loop_id: int | None, create_only: bool
) -> Loop | None:
    """The stored loop the document replaces (None: a new one); LoopConflict when its ATS
    job is bound to another loop, or (``create_only``) to any."""
    existing = loop_for_job(session, loop.ats, loop.job_id)
    if loop_id is not None:
        row = session.get(Loop, loop_id)
        if row is None:
            raise NotFound(f"No loop with id {loop_id}.", fields={"id": "unknown"})
        if existing is not None and existing.id != row.id:
            raise LoopConflict(
                f"{loop.ats} job {loop.job_id} already has loop {existing.id} ('{existing.name}')",
                existing.id,
            )
        return row
    if existing is not None and create_only:
        raise LoopConflict(
            f"{loop.ats} job {loop.job_id} already has loop {existing.id} ('{existing.name}'); "
            "change it with PUT /api/loops/<id>",
            existing.id,
        )
    return existing


class LoopInUse(Conflict):
    """Applications are judged by the loop, so it cannot go."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"{count} application(s) use this loop; it cannot be deleted.", fields={"id": "in use"}
        )
        self.count = count


def delete_loop(session: Session, row: Loop) -> None:
    """Delete a loop no application uses yet (its scorecards would lose their meaning)."""
    count = sum(int(n) for _, n in signals.loop_in_use.send(session, loop_id=row.id))
    if count:
        raise LoopInUse(int(count))
    session.delete(row)
    session.flush()


def lint_stored(
    session: Session, row: Loop, frameworks: FrameworkLookup | None = None
) -> LintReport:
    lookup = frameworks or registry()
    try:
        framework = framework_for(row.definition, lookup)
        return lint_loop(parse_loop(row.definition, framework), framework)
    except LoopError as exc:
        return LintReport.from_error(exc)


def loop_summary(row: Loop) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "framework": row.framework_id,
        "level": row.level,
        "ats": row.ats,
        "job_id": row.job_id,
        "revision": row.revision,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


def loop_payload(row: Loop, report: LintReport) -> dict[str, Any]:
    """The API's loop: its document, plus id, revision, timestamps and the lint report."""
    return {**row.definition, **loop_summary(row), "lint": report.to_dict()}


# -- seeding from the ATS ---------------------------------------------------------------------


def stages_to_suggest_input(stages: Sequence[AtsStage]) -> list[dict[str, Any]]:
    return [
        {
            "name": stage.name,
            "ats_stage_id": stage.id,
            "interviews": [
                {"name": i.name, "ats_interview_id": i.id, "questions": list(i.questions)}
                for i in stage.interviews
            ],
        }
        for stage in stages
    ]


def seed_loop_from_stages(
    stages: Sequence[AtsStage],
    framework: Framework,
    level: str,
    *,
    name: str = "",
    ats: str = "greenhouse",
    job_id: str = "",
    must_have: Sequence[str] = (),
) -> dict[str, Any]:
    """A loop document from an ATS job's stages, with each interview's format and focus
    competencies filled in where the suggestion found one (others are left empty for the
    recruiter). Stages without interviews (Application Review, Offer) are left out."""
    out_stages: list[dict[str, Any]] = []
    for stage in stages:
        if not stage.interviews:
            continue
        interviews = []
        for interview in stage.interviews:
            suggestion = suggest_interview(framework, interview.name, interview.questions, level)
            interviews.append(
                {
                    "name": interview.name,
                    "ats_interview_id": interview.id,
                    "format": suggestion.format,
                    "competencies": list(suggestion.competencies),
                }
            )
        out_stages.append({"name": stage.name, "ats_stage_id": stage.id, "interviews": interviews})
    return {
        "name": name,
        "framework": framework.id,
        "level": level,
        "ats": ats,
        "job_id": str(job_id),
        "must_have": list(must_have),
        "stages": out_stages,
    }


def seed_loop_from_ats(
    client: AtsClient,
    job_id: str,
    framework: Framework,
    level: str,
    *,
    name: str = "",
    must_have: Sequence[str] = (),
) -> dict[str, Any]:
    """Read the job's stages through the ATS client interface (Greenhouse job stages, Lever
    stages, Ashby's interview plan) and seed a loop document from them."""
    stages = client.job_stages(str(job_id))
    return seed_loop_from_stages(
        stages,
        framework,
        level,
        name=name,
        ats=client.name,
        job_id=str(job_id),
        must_have=must_have,
    )


def ats_client(config: Mapping[str, Any], ats: str) -> AtsClient | None:
    """The configured client for an ATS, or None when it is not configured here."""
    try:
        client: AtsClient = client_for(config, ats)
    except Exception:
        return None
    return client
