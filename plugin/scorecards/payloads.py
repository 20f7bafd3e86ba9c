"""The JSON bodies of the interviewer's scorecard (GET /api/scorecard)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.scorecards.context import InterviewContext
from plugin.scorecards.models import Scorecard, ScorecardRevision
from plugin.scorecards.reading import iso, peer_scorecards, revisions_of, scorecard_for, snapshot
from plugin.scorecards.saving import note_peers_shown


def revision_json(revision: ScorecardRevision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "kind": revision.kind,
        "after_submission": True,
        "after_seeing_peers": bool(revision.after_seeing_peers),
        "actor": revision.actor,
        "reason": revision.reason,
        "created_at": iso(revision.created_at),
        "before": revision.before,
        "after": revision.after,
    }


def peer_json(scorecard: Scorecard) -> dict[str, Any]:
    return {
        "interviewer": scorecard.interviewer_name or scorecard.interviewer_key,
        "interview": scorecard.interview_name,
        "source": scorecard.source,
        "recommendation": scorecard.recommendation,
        "notes": scorecard.notes or "",
        "ratings": snapshot(scorecard)["ratings"],
        "submitted_at": iso(scorecard.submitted_at),
        "amended_after_submission": scorecard.amended_at is not None,
    }


def scorecard_json(session: Session, ctx: InterviewContext) -> dict[str, Any]:
    """The GET /api/scorecard body: the interview, the own scorecard, and peers if allowed."""
    assignment = ctx.assignment
    own = scorecard_for(session, assignment.id)
    content = snapshot(own)
    body: dict[str, Any] = {
        "assignment": {
            "id": assignment.id,
            "interview": ctx.interview_name,
            "stage": assignment.stage_name,
            "interviewer": assignment.interviewer_name or assignment.interviewer_key,
            "status": assignment.status,
        },
        "candidate": {
            "application_id": ctx.application.id,
            "name": ctx.application.candidate_name,
        },
        "framework": ctx.framework.id if ctx.framework else None,
        "level": ctx.level,
        "competencies": [
            {
                "id": card.id,
                "name": card.name,
                "area": card.area,
                "expectation": card.expectation,
                "anchors": dict(card.anchors),
                "evidence_prompts": list(card.evidence_prompts),
            }
            for card in ctx.competencies
        ],
        "status": content["status"],
        "ratings": content["ratings"],
        "recommendation": content["recommendation"],
        "notes": content["notes"],
        "submitted_at": iso(own.submitted_at) if own else None,
        "amended_at": iso(own.amended_at) if own else None,
        "amended_after_submission": bool(own and own.amended_at),
        "revisions": [revision_json(r) for r in revisions_of(session, own)],
        "not_held": _not_held(assignment),
    }
    peers = peer_scorecards(session, ctx, own)
    if peers is not None:
        if peers and own is not None:
            # Peers' ratings shown now: recorded the first time (the caller commits), so that
            # any later change of a rating is marked as made after seeing them. An empty
            # list shows nobody's ratings and records nothing.
            note_peers_shown(session, own)
        body["peers"] = [peer_json(p) for p in peers]
    body["peers_seen_at"] = iso(own.peers_seen_at) if own else None
    body["lock_after_peers"] = ctx.lock_after_peers
    return body


def _not_held(assignment: Assignment) -> dict[str, Any] | None:
    if assignment.not_held_at is None:
        return None
    return {"at": iso(assignment.not_held_at), "reason": assignment.not_held_reason or ""}
