"""Receiver of ``application_purged``: override reasons and the verdict summaries kept for
a purged candidate lose their free text and the candidate's name; recommendations stay."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.core.privacy import REMOVED, name_pattern, scrub
from plugin.verdicts.models import VerdictOverride, VerdictRecord


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
