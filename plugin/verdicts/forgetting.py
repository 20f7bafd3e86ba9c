"""Receiver of ``application_purged``: override reasons, the verdict summaries and the
development plan kept for a purged candidate lose their free text and the candidate's name;
recommendations, ratings and goals stay."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.core.privacy import REMOVED, name_pattern, scrub
from plugin.verdicts.models import DevelopmentPlan, VerdictOverride, VerdictRecord


def forget_verdicts(session: Session, *, application: Any, **_: Any) -> None:
    pattern = name_pattern(application.candidate_name)
    for override in session.scalars(
        select(VerdictOverride).where(VerdictOverride.application_id == application.id)
    ):
        override.reason = REMOVED
    for record in session.scalars(
        select(VerdictRecord).where(VerdictRecord.application_id == application.id)
    ):
        record.summary = scrub(record.summary, pattern)
    for plan in session.scalars(
        select(DevelopmentPlan).where(DevelopmentPlan.application_id == application.id)
    ):
        plan.plan = scrub(plan.plan, pattern)  # each goal's evidence text is free text
