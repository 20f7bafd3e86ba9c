"""A hiring manager's recommendation, recorded beside the mechanical verdict (never instead)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from plugin.core.errors import Invalid
from plugin.verdicts.access import get_application
from plugin.verdicts.models import VerdictOverride
from scorecards.scale import RECOMMENDATIONS

MAX_REASON = 5000


def list_overrides(session: Session, application_id: int) -> list[VerdictOverride]:
    """Every override of the application, newest first (the first is the current one)."""
    return list(
        session.scalars(
            select(VerdictOverride)
            .where(VerdictOverride.application_id == application_id)
            .order_by(VerdictOverride.created_at.desc(), VerdictOverride.id.desc())
        ).all()
    )


def current_overrides(
    session: Session, application_ids: Sequence[int] | Select[Any]
) -> dict[int, str]:
    """Per application, the recommendation of its latest override (those with one only)."""
    latest = (
        select(VerdictOverride.application_id, func.max(VerdictOverride.id).label("last"))
        .where(VerdictOverride.application_id.in_(application_ids))
        .group_by(VerdictOverride.application_id)
        .subquery()
    )
    rows = session.execute(
        select(VerdictOverride.application_id, VerdictOverride.recommendation).join(
            latest, latest.c.last == VerdictOverride.id
        )
    ).all()
    return {application_id: recommendation for application_id, recommendation in rows}


def override_dict(row: VerdictOverride) -> dict[str, Any]:
    return {
        "id": row.id,
        "recommendation": row.recommendation,
        "reason": row.reason,
        "actor": row.actor,
        "created_at": row.created_at.isoformat(),
    }


def check_override(recommendation: str, reason: str) -> None:
    """``Invalid`` naming each field at fault."""
    fields: dict[str, str] = {}
    if recommendation not in RECOMMENDATIONS:
        fields["recommendation"] = f"Must be one of: {', '.join(RECOMMENDATIONS)}."
    if not reason.strip():
        fields["reason"] = "A reason is required: say why the mechanical verdict is overridden."
    elif len(reason) > MAX_REASON:
        fields["reason"] = "Keep the reason under 5,000 characters."
    if fields:
        raise Invalid(
            "The override has invalid fields: " + ", ".join(sorted(fields)), fields=fields
        )


def record_override(
    session: Session, application_id: int, recommendation: str, reason: str, actor: str
) -> VerdictOverride:
    """Record a hiring manager's recommendation beside the mechanical one (never instead)."""
    check_override(recommendation, reason)
    get_application(session, application_id)
    row = VerdictOverride(
        application_id=application_id,
        recommendation=recommendation,
        reason=reason.strip(),
        actor=actor,
    )
    session.add(row)
    session.flush()
    return row
