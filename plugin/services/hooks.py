"""The moments other parts react to, called inside the transaction that made them happen.

Each hook runs in the caller's unit of work: whatever it queues (outbox jobs for write-back,
imports or messages) commits with the change, or not at all. Callers: the inbound handlers
(assignments, stage changes) and the scorecard service (submissions, amendments, imports).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from plugin.models import Application, Assignment
from plugin.services import imports, notifications, verdicts, writeback


def assignment_created(session: Session, assignment: Assignment) -> None:
    """An interviewer was given an interview of an application (or an interviewer arrived
    for an assignment that waited for one)."""
    notifications.assignment_created(session, assignment)


def assignment_cancelled(session: Session, assignment: Assignment) -> None:
    """The interview was cancelled; nothing more should be sent about it."""
    notifications.assignment_cancelled(session, assignment)


def application_stage_changed(session: Session, application: Application) -> None:
    """The application entered a new stage (a good moment to pull the ATS's scorecards)."""
    imports.stage_changed(session, application)


def scorecards_changed(session: Session, application_id: int) -> None:
    """A scorecard of the application was submitted, amended or imported from the ATS."""
    notifications.scorecards_submitted(session, application_id)
    verdict = verdicts.complete_verdict(session, application_id)
    if verdict is not None:
        writeback.verdict_completed(session, application_id, verdict)
        notifications.queue_verdict_message(session, application_id, verdict)
