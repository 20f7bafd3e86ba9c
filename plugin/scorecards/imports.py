"""Import of ratings entered in the ATS's own scorecards.

No ATS sends a "scorecard submitted" webhook, so the worker pulls: per application when it
changes stage (``signals.application_stage_changed``), and in a periodic sweep
(``HIRELOOP_IMPORT_SWEEP_SECONDS``, default 900) of applications with interviews awaiting
feedback. Attribute names map to competencies by id, name and alias (``Framework.resolve``);
ratings convert with ``scorecards.scale``; scorecards are stored with their source and the
ATS's id, once per (source, ats_scorecard_id), updated in place when the ATS's copy changes.
Attributes that map to no competency are reported (logged and kept in the job's result),
never dropped silently.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, ApplicationStatus, Assignment, AssignmentStatus
from plugin.ats.clients import SUPPORTED, is_configured
from plugin.core.config import default_of, setting
from plugin.core.models import utcnow
from plugin.frameworks.registry import registry
from plugin.jobs.models import OutboxJob
from plugin.jobs.queue import enqueue
from plugin.loops.reader import framework_id_of, loop_of
from plugin.scorecards.ats_reads import app_config, read_then_apply
from plugin.scorecards.import_store import ImportResult, import_scorecards
from scorecards.framework import Framework

__all__ = [  # the storing half lives in import_store; callers reach it here too
    "ImportResult",
    "enqueue_import",
    "framework_for",
    "import_scorecards",
    "run_import",
    "stage_changed",
    "sweep",
]

KIND = "import-scorecards"
SWEEP = "import-sweep"
SWEEP_BATCH = 500
# Ratings of an application without a loop (or of an unknown framework) read as PM's.
FALLBACK_FRAMEWORK = "pm"


def framework_for(session: Session, application: Application) -> Framework:
    """The framework of the application's loop; PM's when it has no loop or this deployment
    does not know the loop's framework."""
    loop = loop_of(session, application)
    framework_id = framework_id_of(loop) if loop is not None else FALLBACK_FRAMEWORK
    framework = registry().get(framework_id) or registry().get(FALLBACK_FRAMEWORK)
    if framework is None:  # pragma: no cover - pm is built in
        raise LookupError(f"framework {framework_id!r} is not known")
    return framework


def enqueue_import(session: Session, application: Application, reason: str) -> OutboxJob | None:
    """Queue a pull of the application's ATS scorecards (when that ATS's API is configured)."""
    if application.id is None or not is_configured(app_config(), application.ats):
        return None
    stamp = int(time.time())
    return enqueue(
        session,
        KIND,
        f"import:{application.id}:{reason}:{application.current_stage_id or ''}:{stamp}",
        {"application_id": application.id, "reason": reason},
    )


def stage_changed(session: Session, application: Application) -> OutboxJob | None:
    """The hook: a new stage is a good moment to pull the scorecards of the last one."""
    session.flush()
    return enqueue_import(session, application, "stage")


def run_import(session: Session, job: OutboxJob) -> dict[str, Any]:
    return read_then_apply(
        session,
        job,
        lambda client, external_id: client.scorecards(external_id),
        lambda application, cards: import_scorecards(
            session, application, cards, framework_for(session, application)
        ).to_dict(),
    )


def sweep(session: Session) -> int:
    """Queue an import for every active application with feedback outstanding: an
    assignment neither submitted nor cancelled whose interview has ended (or has no time)."""
    config = app_config()
    systems = [ats for ats in SUPPORTED if is_configured(config, ats)]
    if not systems:
        return 0
    default = float(default_of("IMPORT_SWEEP_SECONDS"))
    configured = setting(config, "IMPORT_SWEEP_SECONDS")
    # Unparsable or 0: the default, as the worker's interval_for reads it.
    interval = float(configured) if isinstance(configured, int | float) and configured else default
    slot = int(time.time() // max(interval, 1.0))
    now = utcnow()
    awaiting = exists().where(
        Assignment.application_id == Application.id,
        Assignment.status.in_(AssignmentStatus.open()),
        Assignment.interviewer_key != "",
        or_(Assignment.ends_at.is_(None), Assignment.ends_at <= now),
    )
    ids = session.scalars(
        select(Application.id)
        .where(
            Application.ats.in_(systems),
            Application.status == ApplicationStatus.ACTIVE,
            Application.purged_at.is_(None),
            awaiting,
        )
        .order_by(Application.id)
        .limit(SWEEP_BATCH)
    ).all()
    for application_id in ids:
        enqueue(
            session,
            KIND,
            f"import:{application_id}:sweep:{slot}",
            {"application_id": application_id, "reason": "sweep"},
        )
    return len(ids)
