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

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload

from plugin.applications.models import Application, Assignment
from plugin.ats.base import AtsScorecard
from plugin.ats.clients import SUPPORTED, client_for, is_configured
from plugin.core import signals
from plugin.core.models import utcnow
from plugin.frameworks.registry import registry
from plugin.jobs.models import OutboxJob
from plugin.jobs.queue import enqueue
from plugin.loops.models import Loop
from plugin.loops.service import loop_for_job
from plugin.scorecards.models import Rating, Scorecard
from scorecards.framework import Framework
from scorecards.scale import (
    ScaleError,
    from_greenhouse,
    from_score,
    parse_recommendation,
    recommendation_from_score,
)

log = logging.getLogger("hireloop.imports")

KIND = "import-scorecards"
SWEEP = "import-sweep"
DEFAULT_SWEEP_SECONDS = 900.0
SWEEP_BATCH = 500


@dataclass
class ImportResult:
    application_id: int
    source: str
    fetched: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    unmapped: list[dict[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def to_dict(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "source": self.source,
            "fetched": self.fetched,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "unmapped": self.unmapped,
        }


def framework_for(session: Session, application: Application) -> Framework:

    loop = session.get(Loop, application.loop_id) if application.loop_id else None
    if loop is None and application.job_id:
        loop = loop_for_job(session, application.ats, application.job_id)
    framework_id = "pm"
    if loop is not None:
        framework_id = str((loop.definition or {}).get("framework") or loop.framework_id or "pm")
    framework = registry().get(framework_id) or registry().get("pm")
    if framework is None:  # pragma: no cover - pm is built in
        raise LookupError(f"framework {framework_id!r} is not known")
    return framework


def _convert(source: str, value: str, points: Sequence[str]) -> str:
    if source == "greenhouse":
        return from_greenhouse(value, points)
    return from_score(value, points)


def _recommendation(source: str, value: str | None) -> str | None:
    if source == "lever":
        return recommendation_from_score(value).value
    return parse_recommendation(value).value


def _match_assignment(assignments: Sequence[Assignment], card: AtsScorecard) -> Assignment | None:
    mine = [
        a for a in assignments if a.interviewer_key and a.interviewer_key == card.interviewer_id
    ]
    if card.interview_id:
        exact = [a for a in mine if a.interview_key == card.interview_id]
        if len(exact) == 1:
            return exact[0]
    name = card.interview_name.strip().lower()
    if name:
        named = [
            a
            for a in mine
            if a.interview_key.strip().lower() == name or a.interview_name.strip().lower() == name
        ]
        if len(named) == 1:
            return named[0]
    return mine[0] if len(mine) == 1 else None


def import_scorecards(
    session: Session,
    application: Application,
    cards: Sequence[AtsScorecard],
    framework: Framework,
) -> ImportResult:
    """Store the ATS's scorecards of one application; idempotent; returns what happened."""
    source = application.ats
    result = ImportResult(application.id, source, fetched=len(cards))
    points = framework.points
    assignments = session.scalars(
        select(Assignment).where(Assignment.application_id == application.id)
    ).all()
    linked = {
        card.assignment_id: card
        for card in session.scalars(
            select(Scorecard).where(
                Scorecard.application_id == application.id, Scorecard.assignment_id.is_not(None)
            )
        ).all()
    }
    stored = {
        card.ats_scorecard_id: card
        for card in session.scalars(
            select(Scorecard)
            .where(
                Scorecard.source == source,
                Scorecard.ats_scorecard_id.in_({card.id for card in cards if card.id}),
            )
            .options(selectinload(Scorecard.ratings))
        ).all()
    }
    for card in cards:
        if not card.id:
            result.skipped.append({"scorecard": "", "reason": "no id"})
            continue
        assignment = _match_assignment(assignments, card)
        existing = stored.get(card.id)
        if existing is None and assignment is not None:
            own = linked.get(assignment.id)
            if own is not None and own.source == "hireloop" and own.status == "submitted":
                result.skipped.append(
                    {"scorecard": card.id, "reason": "already submitted in hireloop"}
                )
                continue
        ratings: dict[str, tuple[str, str]] = {}
        for attribute in card.ratings:
            competency = framework.resolve(attribute.name)
            if competency is None:
                result.unmapped.append({"scorecard": card.id, "attribute": attribute.name})
                continue
            try:
                point = _convert(source, attribute.rating, points)
            except ScaleError as exc:
                result.unmapped.append(
                    {"scorecard": card.id, "attribute": attribute.name, "reason": str(exc)}
                )
                continue
            if competency in ratings:
                result.unmapped.append(
                    {
                        "scorecard": card.id,
                        "attribute": attribute.name,
                        "reason": f"a second rating for {competency}; the first is kept",
                    }
                )
                continue
            ratings[competency] = (point, attribute.note or "")
        try:
            recommendation = _recommendation(source, card.overall_recommendation)
        except ScaleError:
            result.unmapped.append(
                {
                    "scorecard": card.id,
                    "attribute": "overall recommendation",
                    "reason": f"unknown value {card.overall_recommendation!r}",
                }
            )
            recommendation = None
        fields: dict[str, Any] = {
            "interviewer_key": card.interviewer_id,
            "interviewer_name": card.interviewer_name or None,
            "interview_name": card.interview_name or None,
            "recommendation": recommendation,
            "notes": card.notes,
            "status": "submitted",
            "interviewed_at": card.interviewed_at,
            "submitted_at": card.submitted_at or utcnow(),
        }
        if existing is None:
            scorecard = Scorecard(
                application_id=application.id, source=source, ats_scorecard_id=card.id, **fields
            )
            session.add(scorecard)
            stored[card.id] = scorecard
            if assignment is not None and assignment.id not in linked:
                scorecard.assignment_id = assignment.id
                linked[assignment.id] = scorecard
                if assignment.status in ("pending", "draft"):
                    assignment.status = "submitted"
                    assignment.submitted_at = fields["submitted_at"]
            for competency, (point, note) in ratings.items():
                scorecard.ratings.append(
                    Rating(
                        application_id=application.id,
                        competency_id=competency,
                        rating=point,
                        evidence=note,
                    )
                )
            result.created.append(card.id)
            continue
        before = (
            {k: getattr(existing, k) for k in fields if k != "submitted_at"},
            {r.competency_id: (r.rating, r.evidence) for r in existing.ratings},
        )
        after = ({k: v for k, v in fields.items() if k != "submitted_at"}, ratings)
        if before == after:
            result.unchanged.append(card.id)
            continue
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.amended_at = utcnow()
        for rating in list(existing.ratings):
            if rating.competency_id not in ratings:
                existing.ratings.remove(rating)
        current = {r.competency_id: r for r in existing.ratings}
        for competency, (point, note) in ratings.items():
            if competency in current:
                current[competency].rating = point
                current[competency].evidence = note
            else:
                existing.ratings.append(
                    Rating(
                        application_id=application.id,
                        competency_id=competency,
                        rating=point,
                        evidence=note,
                    )
                )
        result.updated.append(card.id)
    session.flush()
    if result.unmapped:
        log.warning(
            "ATS scorecard attributes not mapped to competencies: %s",
            ", ".join(sorted({u["attribute"] for u in result.unmapped})),
            extra={"application_id": application.id, "unmapped": result.unmapped},
        )
    if result.changed:
        signals.scorecards_changed.send(session, application_id=application.id)
    return result


def _config() -> Any:
    return current_app.config if has_app_context() else {}


def enqueue_import(session: Session, application: Application, reason: str) -> OutboxJob | None:
    """Queue a pull of the application's ATS scorecards (when that ATS's API is configured)."""
    if application.id is None or not is_configured(_config(), application.ats):
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
    application_id = int(job.payload["application_id"])
    application = session.get(Application, application_id)
    if application is None or application.purged_at is not None:
        return {"skipped": "application gone"}
    config = _config()
    if not is_configured(config, application.ats):
        return {"skipped": f"{application.ats} API not configured"}
    ats, external_id = application.ats, application.external_id
    session.commit()  # hold no transaction while the ATS answers
    cards = client_for(config, ats).scorecards(external_id)
    application = session.get(Application, application_id)
    if application is None:  # pragma: no cover - deleted while we fetched
        return {"skipped": "application gone"}
    return import_scorecards(
        session, application, cards, framework_for(session, application)
    ).to_dict()


def sweep(session: Session) -> int:
    """Queue an import for every active application with feedback outstanding: an
    assignment neither submitted nor cancelled whose interview has ended (or has no time)."""
    config = _config()
    systems = [ats for ats in SUPPORTED if is_configured(config, ats)]
    if not systems:
        return 0
    try:
        interval = float(config.get("IMPORT_SWEEP_SECONDS") or DEFAULT_SWEEP_SECONDS)
    except (TypeError, ValueError):
        interval = DEFAULT_SWEEP_SECONDS
    slot = int(time.time() // max(interval, 1.0))
    now = utcnow()
    awaiting = exists().where(
        Assignment.application_id == Application.id,
        Assignment.status.in_(("pending", "draft")),
        Assignment.interviewer_key != "",
        or_(Assignment.ends_at.is_(None), Assignment.ends_at <= now),
    )
    ids = session.scalars(
        select(Application.id)
        .where(
            Application.ats.in_(systems),
            Application.status == "active",
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
