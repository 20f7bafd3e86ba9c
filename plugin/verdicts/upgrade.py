"""After an upgrade of the hiring bar: open applications get their verdicts under the new
bar; hired, rejected and closed ones keep what was written.

Each ``VerdictRecord`` says which bar it was computed under (``bar_version``; NULL for rows
from before migration 0006, the old bar). The worker's ``verdict-bar`` sweep takes the
applications with such records, a batch at a time: for an active one it recomputes the
verdict, and a complete verdict whose fingerprint differs from the last one written is
recorded and written back once, exactly as any change is (``writeback.verdict_completed``);
then the application's records are marked as seen by this bar. For any other status the
records are only marked (as the old bar's), and nothing is recomputed or written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plugin.applications.models import Application, ApplicationStatus
from plugin.verdicts.models import VerdictRecord
from plugin.verdicts.service import complete_verdict
from plugin.verdicts.writeback import verdict_completed
from scorecards.hiring_bar import BAR_VERSION, OLD_BAR_VERSION

SWEEP = "verdict-bar"
SWEEP_SECONDS = 3600.0  # it has work only once after an upgrade; the first pass does it
BATCH = 200


def rebar(session: Session, *, batch: int = BATCH) -> dict[str, Any]:
    """One batch of applications whose records predate the current bar (see the module)."""
    ids = session.scalars(
        select(VerdictRecord.application_id)
        .where(VerdictRecord.bar_version.is_(None))
        .group_by(VerdictRecord.application_id)
        .order_by(VerdictRecord.application_id)
        .limit(batch)
    ).all()
    recomputed = written = kept = 0
    for application_id in ids:
        application = session.get(Application, application_id)
        version = OLD_BAR_VERSION
        if application is not None and application.status == ApplicationStatus.ACTIVE:
            verdict = complete_verdict(session, application_id)
            recomputed += 1
            if verdict is not None and verdict_completed(session, application_id, verdict):
                written += 1
            version = BAR_VERSION
        else:
            kept += 1
        session.execute(
            update(VerdictRecord)
            .where(
                VerdictRecord.application_id == application_id,
                VerdictRecord.bar_version.is_(None),
            )
            .values(bar_version=version)
        )
    session.flush()
    return {"recomputed": recomputed, "written": written, "kept": kept}
