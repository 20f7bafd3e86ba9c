"""Writing a scorecard: drafts, submission, and amendments after submission with an audit
trail (``ScorecardRevision``). Works in the caller's session and never commits."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment, AssignmentStatus
from plugin.core import signals
from plugin.core.models import utcnow
from plugin.scorecards.context import InterviewContext
from plugin.scorecards.errors import ScorecardConflict, ScorecardInvalid, ScorecardNotFound
from plugin.scorecards.inputs import (
    REASON_MAX_CHARS,
    UNRATED,
    ScorecardInput,
    check_input,
    incomplete,
    missing_for_submit,
)
from plugin.scorecards.models import Rating, Scorecard, ScorecardRevision, ScorecardStatus
from plugin.scorecards.reading import content_of, iso, scorecard_for, snapshot
from scorecards.framework import NO_EVIDENCE


@dataclass(frozen=True)
class SaveResult:
    scorecard: Scorecard
    action: str  # draft | submitted | amended | unchanged
    revision: ScorecardRevision | None = None


def interviewer_actor(assignment: Assignment) -> str:
    who = assignment.interviewer_key or f"assignment-{assignment.id}"
    name = f" ({assignment.interviewer_name})" if assignment.interviewer_name else ""
    return f"interviewer:{who}{name}"


def _lock(session: Session, assignment: Assignment) -> Assignment:
    """Serialise writers of one assignment (row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE
    already does), and re-read it so a concurrent submit is seen."""
    locked = session.scalar(
        select(Assignment)
        .where(Assignment.id == assignment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise ScorecardNotFound("This interview no longer exists.")
    return locked


def _write(
    scorecard: Scorecard, data: ScorecardInput, application_id: int, current: Collection[str]
) -> None:
    """The body replaces the ratings of the interview's ``current`` competencies; a rating
    of a competency the loop no longer asks about here (it was edited since) stays, except
    an unrated draft entry once the scorecard is submitted (it is no rating)."""
    existing = {
        r.competency_id: r
        for r in scorecard.ratings
        if r.competency_id in current or (data.submit and r.rating == UNRATED)
    }
    for competency_id, given in data.ratings.items():
        row = existing.pop(competency_id, None)
        if row is None:
            scorecard.ratings.append(
                Rating(
                    application_id=application_id,
                    competency_id=competency_id,
                    rating=given.rating,
                    evidence=given.evidence,
                )
            )
        else:
            row.rating = given.rating
            row.evidence = given.evidence
    for row in existing.values():
        scorecard.ratings.remove(row)
    scorecard.recommendation = data.recommendation
    scorecard.notes = data.notes


def save_scorecard(
    session: Session,
    ctx: InterviewContext,
    data: ScorecardInput,
    *,
    actor: str | None = None,
    now: datetime | None = None,
) -> SaveResult:
    """Save a draft, submit, or amend a submitted scorecard; raises ScorecardError (nothing
    changed) for invalid input (422), an incomplete submission (422), an amendment without a
    reason (409) or a cancelled interview (409). Does not commit."""
    now = now or utcnow()
    check_input(ctx, data)
    assignment = _lock(session, ctx.assignment)
    if assignment.status == AssignmentStatus.CANCELLED or assignment.cancelled_at is not None:
        raise ScorecardConflict(
            "This interview was cancelled; its scorecard can no longer change.",
            code="assignment_cancelled",
        )
    scorecard = scorecard_for(session, assignment.id, fresh=True)
    if scorecard is not None and scorecard.status == ScorecardStatus.SUBMITTED:
        actor = actor or interviewer_actor(assignment)
        return _amend(session, ctx, data, scorecard, actor=actor, now=now)
    return _save_own(session, ctx, data, assignment, scorecard, now=now)


def _amend(
    session: Session,
    ctx: InterviewContext,
    data: ScorecardInput,
    scorecard: Scorecard,
    *,
    actor: str,
    now: datetime,
) -> SaveResult:
    """Change a submitted scorecard: only with a reason, complete, and leaving a revision."""
    if data.reason is None:
        raise ScorecardConflict(
            "This scorecard was submitted and is locked; an amendment needs a reason.",
            code="reason_required",
            fields={"reason": "Say why you are changing a submitted scorecard."},
        )
    missing = missing_for_submit(ctx, data)
    if missing:
        raise incomplete(missing)
    refuse_if_nothing_rated(ctx, data)
    before = snapshot(scorecard)
    if _unchanged(ctx, data, before):
        return SaveResult(scorecard, "unchanged")
    seen_peers = scorecard.peers_seen_at is not None
    if seen_peers and ctx.lock_after_peers and _ratings_change(data, before):
        raise ScorecardConflict(
            "This loop locks ratings once you have seen other interviewers' ratings; "
            "raise it in the debrief instead.",
            code="locked_after_peers",
            fields={"ratings": "Ratings cannot change after seeing peers' ratings."},
        )
    _write(scorecard, data, scorecard.application_id, ctx.competency_ids)
    scorecard.amended_at = now
    session.flush()
    revision = ScorecardRevision(
        scorecard_id=scorecard.id,
        kind="amendment",
        actor=actor,
        reason=data.reason,
        before={**before, "submitted_at": iso(scorecard.submitted_at)},
        after={**snapshot(scorecard), "amended_at": iso(now)},
        after_seeing_peers=seen_peers,
        created_at=now,
    )
    session.add(revision)
    session.flush()
    signals.scorecards_changed.send(session, application_id=scorecard.application_id)
    return SaveResult(scorecard, "amended", revision)


def _ratings_change(data: ScorecardInput, before: dict[str, Any]) -> bool:
    """Whether the body changes any rating point (evidence and notes aside)."""
    old = before["ratings"]
    return any(
        (old.get(cid) or {}).get("rating") != (given.rating or None)
        for cid, given in data.ratings.items()
    )


def refuse_if_nothing_rated(ctx: InterviewContext, data: ScorecardInput) -> None:
    """A submission whose every competency is no_evidence says nothing about the candidate
    and would only open the peers' ratings: refused (422 ``nothing_rated``); the interviewer
    marks the interview as not held instead."""
    given = [data.ratings[cid].rating for cid in ctx.competency_ids if cid in data.ratings]
    if given and all(rating == NO_EVIDENCE for rating in given):
        raise ScorecardInvalid(
            "Every competency is “no evidence”, so the scorecard rates nothing. Rate what "
            "you saw, or, if the interview did not take place, mark it as not held.",
            code="nothing_rated",
            fields={"ratings": "Rate at least one competency, or mark the interview as not held."},
        )


def note_peers_shown(session: Session, own: Scorecard, *, now: datetime | None = None) -> bool:
    """Record the first time an interviewer is shown peers' ratings, on each of their
    submitted scorecards of the application (one person may hold two interviews); True when
    this is that first time. The caller commits."""
    if own.peers_seen_at is not None:
        return False
    now = now or utcnow()
    query = select(Scorecard).where(
        Scorecard.application_id == own.application_id,
        Scorecard.status == ScorecardStatus.SUBMITTED,
        Scorecard.peers_seen_at.is_(None),
    )
    if own.interviewer_key:
        query = query.where(Scorecard.interviewer_key == own.interviewer_key)
    else:
        query = query.where(Scorecard.id == own.id)
    for card in session.scalars(query):
        card.peers_seen_at = now
    own.peers_seen_at = now
    session.flush()
    return True


def mark_not_held(
    session: Session, ctx: InterviewContext, reason: str, *, now: datetime | None = None
) -> Assignment:
    """The interviewer's word that the interview did not take place: the assignment is
    cancelled (no scorecard is expected of it) with the time and reason, which the recruiter
    sees on the review page and in the verdict JSON. Refused once a scorecard is submitted."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise ScorecardInvalid(
            "Say why the interview did not take place.",
            code="reason_required",
            fields={"reason": "Say why the interview did not take place."},
        )
    if len(reason) > REASON_MAX_CHARS:
        raise ScorecardInvalid(
            f"At most {REASON_MAX_CHARS} characters.",
            fields={"reason": f"At most {REASON_MAX_CHARS} characters."},
        )
    assignment = _lock(session, ctx.assignment)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise ScorecardConflict(
            "This scorecard was submitted, so the interview took place.", code="submitted"
        )
    if assignment.status == AssignmentStatus.CANCELLED and assignment.not_held_at is None:
        raise ScorecardConflict(
            "This interview was cancelled; its scorecard can no longer change.",
            code="assignment_cancelled",
        )
    assignment.status = AssignmentStatus.CANCELLED
    assignment.cancelled_at = assignment.cancelled_at or now
    assignment.not_held_at = assignment.not_held_at or now
    assignment.not_held_reason = reason
    session.flush()
    signals.scorecards_changed.send(session, application_id=assignment.application_id)
    return assignment


def _unchanged(ctx: InterviewContext, data: ScorecardInput, before: dict[str, Any]) -> bool:
    """Whether the amendment leaves the content as it is (ratings of competencies the
    interview no longer asks about, and the body does not send, stay)."""
    kept = {
        cid: value
        for cid, value in before["ratings"].items()
        if cid not in ctx.competency_ids and cid not in data.ratings
    }
    sent = {cid: {"rating": r.rating, "evidence": r.evidence} for cid, r in data.ratings.items()}
    after = {
        "ratings": {**kept, **sent},
        "recommendation": data.recommendation,
        "notes": data.notes,
    }
    return content_of(before) == content_of(after)


def _save_own(
    session: Session,
    ctx: InterviewContext,
    data: ScorecardInput,
    assignment: Assignment,
    scorecard: Scorecard | None,
    *,
    now: datetime,
) -> SaveResult:
    """Save a draft or submit a scorecard not submitted yet (creating it on first save)."""
    if data.submit:
        missing = missing_for_submit(ctx, data)
        if missing:
            raise incomplete(missing)
        refuse_if_nothing_rated(ctx, data)
    if scorecard is None:
        scorecard = Scorecard(
            application_id=assignment.application_id,
            assignment_id=assignment.id,
            source="hireloop",
            status=ScorecardStatus.DRAFT,
            created_at=now,
        )
        session.add(scorecard)
    scorecard.interviewer_key = assignment.interviewer_key
    scorecard.interviewer_name = assignment.interviewer_name
    scorecard.interview_name = ctx.interview_name
    scorecard.interviewed_at = assignment.starts_at
    _write(scorecard, data, assignment.application_id, ctx.competency_ids)
    if data.submit:
        scorecard.status = ScorecardStatus.SUBMITTED
        scorecard.submitted_at = now
        assignment.status = AssignmentStatus.SUBMITTED
        assignment.submitted_at = now
        session.flush()
        signals.scorecards_changed.send(session, application_id=assignment.application_id)
        return SaveResult(scorecard, "submitted")
    scorecard.status = ScorecardStatus.DRAFT
    if assignment.status == AssignmentStatus.PENDING:
        assignment.status = AssignmentStatus.DRAFT
    session.flush()
    return SaveResult(scorecard, "draft")


def revoke_links(session: Session, assignment: Assignment) -> int:
    """Invalidate every link issued for the assignment so far; returns the new version."""
    locked = _lock(session, assignment)
    locked.link_version = (locked.link_version or 1) + 1
    return locked.link_version
