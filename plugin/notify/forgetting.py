"""Receiver of ``application_purged``: the outbox forgets a purged candidate.

Every outbox job about the application or one of its assignments (messages, the verdict
note for the ATS, imports) loses the candidate's name and free text from its payload, its
result (what was sent to whom) and its last error. Jobs still waiting, also those failing
and due for another attempt, are not sent at all: they end ``dead`` with the reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.core.privacy import name_pattern, scrub, scrub_text
from plugin.jobs.models import JobStatus, OutboxJob

NOT_SENT = "not sent: the candidate was purged"


def forget_outbox(session: Session, *, application: Any, **_: Any) -> None:
    pattern = name_pattern(application.candidate_name)
    assignment_ids = list(
        session.scalars(select(Assignment.id).where(Assignment.application_id == application.id))
    )
    about = [OutboxJob.payload["application_id"].as_integer() == application.id]
    if assignment_ids:
        about.append(OutboxJob.payload["assignment_id"].as_integer().in_(assignment_ids))
    for job in session.scalars(select(OutboxJob).where(or_(*about))):
        job.payload = scrub(job.payload, pattern)
        job.result = scrub(job.result, pattern) if job.result is not None else None
        job.last_error = scrub_text(job.last_error, pattern)
        if job.status == JobStatus.PENDING:
            job.status = JobStatus.DEAD
            job.last_error = NOT_SENT
