"""What the hiring manager must know about how the ratings came about: amendments made to
submitted scorecards (marked when made after seeing peers' ratings) and interviews their
interviewer marked as not held."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.scorecards.models import Scorecard, ScorecardRevision


def _point(value: Any) -> str | None:
    return value.get("rating") or None if isinstance(value, Mapping) else None


def rating_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each competency whose rating point differs between two snapshots, in id order."""
    old = before.get("ratings") or {}
    new = after.get("ratings") or {}
    changes = []
    for competency in sorted(set(old) | set(new)):
        was, now = _point(old.get(competency)), _point(new.get(competency))
        if was != now:
            changes.append({"competency": competency, "from": was, "to": now})
    return changes


def amendments(session: Session, application_id: int) -> list[dict[str, Any]]:
    """The contract's ``amendments`` of the verdict JSON, oldest first: ``assignment``,
    ``interviewer``, ``after_seeing_peers``, ``reason``, ``at`` and the rating ``changes``
    (``competency``, ``from``, ``to``); ``scorecard`` besides."""
    rows = session.execute(
        select(ScorecardRevision, Scorecard)
        .join(Scorecard, Scorecard.id == ScorecardRevision.scorecard_id)
        .where(Scorecard.application_id == application_id)
        .order_by(ScorecardRevision.created_at, ScorecardRevision.id)
    ).all()
    return [
        {
            "assignment": card.assignment_id,
            "scorecard": card.id,
            "interviewer": card.interviewer_label,
            "after_seeing_peers": bool(revision.after_seeing_peers),
            "reason": revision.reason,
            "at": revision.created_at.isoformat(),
            "changes": rating_changes(revision.before or {}, revision.after or {}),
        }
        for revision, card in rows
    ]


def not_held(session: Session, application_id: int) -> list[dict[str, Any]]:
    """Interviews their interviewer marked as not held, with the reason (for the recruiter)."""
    rows = session.scalars(
        select(Assignment)
        .where(Assignment.application_id == application_id, Assignment.not_held_at.is_not(None))
        .order_by(Assignment.not_held_at, Assignment.id)
    ).all()
    return [
        {
            "assignment": row.id,
            "interview": row.interview_name,
            "stage": row.stage_name,
            "interviewer": row.interviewer_name or row.interviewer_key or None,
            "reason": row.not_held_reason or "",
            "at": row.not_held_at.isoformat() if row.not_held_at else None,
        }
        for row in rows
    ]


def amended_cells(
    items: list[dict[str, Any]],
) -> dict[tuple[int | str, str], list[dict[str, Any]]]:
    """The amendments that changed each (scorecard, competency) rating, for the heatmap."""
    cells: dict[tuple[int | str, str], list[dict[str, Any]]] = {}
    for item in items:
        for change in item["changes"]:
            entry = {**change, **{k: item[k] for k in ("after_seeing_peers", "reason", "at")}}
            cells.setdefault((item["scorecard"], change["competency"]), []).append(entry)
    return cells
