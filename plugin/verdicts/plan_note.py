"""The development plan written to Greenhouse once, as a private note on the candidate.

Only with ``HIRELOOP_GREENHOUSE_DEVELOPMENT_PLAN_NOTE=true`` and only for Greenhouse
applications. The hiring manager's first save queues an outbox job keyed
``development-plan-note:{app}`` in the save's transaction; later saves find the key taken
and queue nothing, so the ATS gets one note. The worker writes the plan as saved when it
runs. Exactly once as for the verdict note: the body carries the marker
``[hireloop:development-plan:{app}]``, and a retry after an uncertain attempt looks for the
marker among the candidate's notes before writing again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.ats.clients import client_for, is_configured
from plugin.core.config import setting
from plugin.core.links import public_url
from plugin.jobs.models import OutboxJob
from plugin.jobs.queue import enqueue
from plugin.loops import reader
from plugin.verdicts.models import DevelopmentPlan
from plugin.verdicts.settings import loop_settings
from plugin.verdicts.writeback import MissingTarget
from scorecards.development import Goal, goal_from_dict, plan_text

log = logging.getLogger("hireloop.writeback")

KIND = "development-plan-note"
SETTING = "GREENHOUSE_DEVELOPMENT_PLAN_NOTE"
VISIBILITY = "private"


def marker(application_id: int) -> str:
    return f"[hireloop:development-plan:{application_id}]"


def _config() -> Mapping[str, Any]:
    return current_app.config if has_app_context() else {}


def queue_note(session: Session, application: Application) -> OutboxJob | None:
    """Queue the plan's note unless it is switched off, not Greenhouse, or queued before."""
    if application.ats != "greenhouse" or not setting(_config(), SETTING):
        return None
    job = enqueue(
        session,
        KIND,
        f"{KIND}:{application.id}",
        {"application_id": application.id, "marker": marker(application.id)},
    )
    log.info("development plan note queued", extra={"application_id": application.id})
    return job


def write_plan_note(session: Session, job: OutboxJob) -> dict[str, Any]:
    """Write (or find, after an uncertain attempt) the plan's private note: the plan as
    saved now (a save queued it, so one is saved)."""
    application = session.get(Application, int(job.payload["application_id"]))
    if application is None or application.purged_at is not None:
        return {"skipped": "application gone"}
    config = _config()
    if not is_configured(config, application.ats):
        return {"skipped": f"{application.ats} API not configured"}
    target = application.candidate_external_id
    if not target:
        raise MissingTarget(f"application {application.id} has no candidate id yet")
    saved = session.scalar(
        select(DevelopmentPlan).where(DevelopmentPlan.application_id == application.id)
    )
    if saved is None:
        return {"skipped": "no saved plan"}
    framework = loop_settings(reader.require_loop_of(session, application)).framework
    goals = [goal_from_dict(framework, g) for g in saved.plan.get("goals", [])]
    mark = str(job.payload["marker"])
    body = note_body(application, goals, mark)
    session.commit()  # hold no transaction while the ATS answers

    # A client of its own: the verdict note's visibility is configured, this one is private.
    client = client_for({**config, "GREENHOUSE_NOTE_VISIBILITY": VISIBILITY}, application.ats)
    note = None
    if job.attempts > 1:
        note = next((n for n in client.candidate_notes(target) if mark in n.body), None)
    found = note is not None
    if note is None:
        note = client.create_candidate_note(target, body)
    return {"target": target, "note_id": note.id, "found_by_marker": found}


def note_body(application: Application, goals: list[Goal], mark: str) -> str:
    candidate = application.candidate_name or f"application {application.external_id}"
    review = public_url(f"/review/applications/{application.id}#development-plan")
    return f"{plan_text(candidate, goals)}\n\nReview: {review}\n{mark}"
