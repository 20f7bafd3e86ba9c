"""Receiver of ``application_purged``: the interviewers' free text about a purged candidate
goes (evidence, notes, amendment reasons and the snapshots revisions keep); the ratings and
recommendations stay, unlinked from the person, so verdicts and calibration still add up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plugin.core.privacy import REMOVED, name_pattern, scrub
from plugin.scorecards.models import Rating, Scorecard, ScorecardRevision


def forget_scorecards(session: Session, *, application: Any, **_: Any) -> None:
    pattern = name_pattern(application.candidate_name)
    session.execute(
        update(Rating)
        .where(Rating.application_id == application.id)
        .values(evidence="")
        .execution_options(synchronize_session="fetch")
    )
    scorecard_ids = list(
        session.scalars(select(Scorecard.id).where(Scorecard.application_id == application.id))
    )
    session.execute(
        update(Scorecard)
        .where(Scorecard.id.in_(scorecard_ids))
        .values(notes="")
        .execution_options(synchronize_session="fetch")
    )
    for revision in session.scalars(
        select(ScorecardRevision).where(ScorecardRevision.scorecard_id.in_(scorecard_ids))
    ):
        revision.reason = REMOVED
        revision.before = scrub(revision.before, pattern)
        revision.after = scrub(revision.after, pattern)
