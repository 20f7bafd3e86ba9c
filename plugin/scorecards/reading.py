"""Reading scorecards: the own one, its content as plain data, its amendments, and the
peers' scorecards an interviewer may see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from plugin.applications.models import Assignment, AssignmentStatus
from plugin.scorecards.context import InterviewContext
from plugin.scorecards.models import Scorecard, ScorecardRevision, ScorecardStatus


def scorecard_for(session: Session, assignment_id: int, *, fresh: bool = False) -> Scorecard | None:
    """``fresh`` reads past the session's copy: under the lock, a concurrent submit shows."""
    query = (
        select(Scorecard)
        .where(Scorecard.assignment_id == assignment_id)
        .options(selectinload(Scorecard.ratings))
    )
    if fresh:
        query = query.execution_options(populate_existing=True)
    return session.scalar(query)


def snapshot(scorecard: Scorecard | None) -> dict[str, Any]:
    """The scorecard's content as plain data (what an amendment's before/after keep)."""
    if scorecard is None:
        return {
            "ratings": {},
            "recommendation": None,
            "notes": "",
            "status": AssignmentStatus.PENDING,
        }
    return {
        "ratings": {
            r.competency_id: {"rating": r.rating or None, "evidence": r.evidence}
            for r in scorecard.ratings
        },
        "recommendation": scorecard.recommendation,
        "notes": scorecard.notes or "",
        "status": scorecard.status,
    }


def content_of(value: Mapping[str, Any]) -> dict[str, Any]:
    return {k: value.get(k) for k in ("ratings", "recommendation", "notes")}


def revisions_of(session: Session, scorecard: Scorecard | None) -> list[ScorecardRevision]:
    if scorecard is None or scorecard.id is None:
        return []
    return list(
        session.scalars(
            select(ScorecardRevision)
            .where(ScorecardRevision.scorecard_id == scorecard.id)
            .order_by(ScorecardRevision.created_at, ScorecardRevision.id)
        )
    )


def peer_scorecards(
    session: Session, ctx: InterviewContext, own: Scorecard | None
) -> list[Scorecard] | None:
    """The application's other interviewers' submitted scorecards, or None while they must
    stay hidden: until this interviewer has submitted every scorecard of theirs for the
    application (one person may hold two interviews of a loop)."""
    if own is None or own.status != ScorecardStatus.SUBMITTED or not ctx.show_peers_after_submit:
        return None
    person = ctx.assignment.interviewer_key
    if person:
        still_open = session.scalar(
            select(Assignment.id)
            .where(
                Assignment.application_id == ctx.application.id,
                Assignment.interviewer_key == person,
                Assignment.status.in_(AssignmentStatus.open()),
            )
            .limit(1)
        )
        if still_open is not None:
            return None
    query = (
        select(Scorecard)
        .where(
            Scorecard.application_id == ctx.application.id,
            Scorecard.status == ScorecardStatus.SUBMITTED,
            Scorecard.id != own.id,
        )
        .options(selectinload(Scorecard.ratings))
        .order_by(Scorecard.submitted_at, Scorecard.id)
    )
    if person:  # their own other scorecards are not a peer's
        query = query.where(
            or_(Scorecard.interviewer_key.is_(None), Scorecard.interviewer_key != person)
        )
    return list(session.scalars(query))


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ordered_ratings(
    ratings: Mapping[str, Mapping[str, Any]], order: Sequence[str]
) -> list[tuple[str, Mapping[str, Any]]]:
    """Ratings in the interview's competency order, unknown ones after."""
    rank = {cid: i for i, cid in enumerate(order)}
    return sorted(ratings.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))
