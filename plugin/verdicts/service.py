"""One application's verdict from the database, and the verdict JSON of the API.

``compute_verdict`` loads what scorecards.aggregation needs for one application (its loop,
the framework, the submitted scorecards of any source, the expected count) and aggregates.
A job's candidates side by side are in ``comparison``; overrides in ``overrides``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from plugin.applications.models import Assignment, AssignmentStatus
from plugin.core import signals
from plugin.core.errors import DomainError
from plugin.core.links import public_url
from plugin.loops import reader
from plugin.scorecards.models import Scorecard, ScorecardStatus
from plugin.verdicts.access import get_application
from plugin.verdicts.amendments import amendments, not_held
from plugin.verdicts.overrides import list_overrides, override_dict
from plugin.verdicts.settings import LoopSettings, loop_settings
from scorecards.aggregation import RatingInput, ScorecardInput, Verdict, aggregate


def scorecard_inputs(cards: Sequence[Scorecard]) -> list[ScorecardInput]:
    return [
        ScorecardInput(
            id=card.id,
            interviewer=card.interviewer_label,
            interview=card.interview_name or "",
            source=card.source,
            ratings={r.competency_id: RatingInput(r.rating, r.evidence) for r in card.ratings},
            recommendation=card.recommendation,
            submitted=card.status == ScorecardStatus.SUBMITTED,
        )
        for card in cards
    ]


@dataclass(frozen=True)
class AssignmentCount:
    expected: int = 0
    submitted: int = 0


def assignment_counts(
    session: Session, application_ids: Sequence[int] | Select[Any]
) -> dict[int, AssignmentCount]:
    """Per application, the scorecards expected (assignments not cancelled) and how many of
    them are submitted. Completeness is counted by assignment, not by scorecard: a scorecard
    from the ATS that answers no assignment must not stand in for one still open."""
    rows = session.execute(
        select(
            Assignment.application_id,
            func.count(),
            func.count().filter(Assignment.status == AssignmentStatus.SUBMITTED),
        )
        .where(
            Assignment.application_id.in_(application_ids),
            Assignment.status != AssignmentStatus.CANCELLED,
        )
        .group_by(Assignment.application_id)
    ).all()
    return {app_id: AssignmentCount(int(n), int(done)) for app_id, n, done in rows}


def compute_verdict(
    session: Session, application_id: int, settings: LoopSettings | None = None
) -> Verdict:
    """The application's verdict; ``settings`` when the caller has its loop's already."""
    if settings is None:
        application = get_application(session, application_id)
        settings = loop_settings(reader.require_loop_of(session, application))
    cards = session.scalars(
        select(Scorecard)
        .where(
            Scorecard.application_id == application_id,
            Scorecard.status == ScorecardStatus.SUBMITTED,
        )
        .options(selectinload(Scorecard.ratings))
        .order_by(Scorecard.id)
    ).all()
    count = assignment_counts(session, [application_id]).get(application_id, AssignmentCount())
    return aggregate(
        settings.framework,
        settings.level,
        settings.must_have,
        settings.hiring_bar,
        scorecard_inputs(cards),
        count.expected,
        answered=count.submitted,
    )


def complete_verdict(session: Session, application_id: int) -> Verdict | None:
    """The verdict when every expected scorecard is in; None while provisional or when the
    application has no loop (nothing to announce or write back then)."""
    try:
        verdict = compute_verdict(session, application_id)
    except DomainError:  # no application, no loop, unknown framework, invalid hiring bar
        return None
    return verdict if verdict.complete else None


def announce_if_complete(session: Session, application_id: int) -> None:
    """Receiver of ``scorecards_changed``: a complete verdict is announced to whoever listens
    (the ATS note, the hiring managers' message), who decide whether it is news."""
    verdict = complete_verdict(session, application_id)
    if verdict is not None:
        signals.verdict_completed.send(session, application_id=application_id, verdict=verdict)


def pending_assignments(session: Session, application_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Assignment)
        .where(
            Assignment.application_id == application_id,
            Assignment.status.in_(AssignmentStatus.open()),
        )
        .order_by(Assignment.starts_at, Assignment.id)
    ).all()
    return [
        {
            "assignment": row.id,
            "interview": row.interview_name,
            "stage": row.stage_name,
            "interviewer": row.interviewer_name or row.interviewer_key or None,
            "status": row.status,
            "ends_at": row.ends_at.isoformat() if row.ends_at else None,
        }
        for row in rows
    ]


def verdict_payload(session: Session, application_id: int) -> dict[str, Any]:
    """The contract's verdict JSON, plus the application, the override and pending work."""
    application = get_application(session, application_id)
    verdict = compute_verdict(session, application_id)
    body = verdict.to_dict()
    overrides = list_overrides(session, application_id)
    body["application"] = {
        "id": application.id,
        "ats": application.ats,
        "external_id": application.external_id,
        "candidate_name": application.candidate_name,
        "job_id": application.job_id,
        "job_name": application.job_name,
        "status": application.status,
        "stage": application.current_stage_name,
    }
    body["override"] = override_dict(overrides[0]) if overrides else None
    body["overrides"] = [override_dict(row) for row in overrides]
    body["pending"] = pending_assignments(session, application_id)
    body["not_held"] = not_held(session, application_id)
    body["amendments"] = amendments(session, application_id)
    body["review_url"] = public_url(f"/review/applications/{application_id}")
    body["preview"] = None  # what POST /api/verdicts/preview fills in
    return body
