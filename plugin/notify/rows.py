"""What the recruiter sees on ``/recruiter/messages``: the notification jobs with what they
are about, and the open assignments whose interviewer has no known address."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, ApplicationStatus, Assignment
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.notify.outbox import EMAIL_KIND, OPEN, PARKED, SLACK_KIND, assignment_key


@dataclass(frozen=True)
class MessageRow:
    job: OutboxJob
    state: str  # waiting | scheduled | sent | skipped | failed | retrying
    description: str
    application_id: int | None
    job_id: str | None
    candidate: str | None
    recipient: str | None


def state_of(job: OutboxJob) -> str:
    if job.status == JobStatus.PENDING:
        if job.run_after >= PARKED:
            return "waiting"
        return "retrying" if job.attempts else "scheduled"
    if job.status == JobStatus.DEAD:
        return "failed"
    if job.status == JobStatus.DONE:
        result = job.result or {}
        return "skipped" if result.get("skipped") else "sent"
    return job.status  # running, claimed...


def _describe(kind: str | None, verdict: bool) -> str:
    if verdict:
        return "Verdict to the hiring managers"
    return {
        "link": "Link to the interviewer",
        "escalation": "Late scorecard to the recruiters",
    }.get(kind or "", f"Reminder {str(kind).rpartition('-')[2]} to the interviewer")


def _subjects(
    session: Session, jobs: Sequence[OutboxJob]
) -> tuple[dict[int, Assignment], dict[int, Application]]:
    """The assignments and applications the jobs are about (one query each)."""
    assignment_ids = {int(j.payload["assignment_id"]) for j in jobs if "assignment_id" in j.payload}
    assignments = {
        a.id: a
        for a in session.scalars(select(Assignment).where(Assignment.id.in_(assignment_ids)))
    }
    app_ids = {a.application_id for a in assignments.values()} | {
        int(j.payload["application_id"]) for j in jobs if "application_id" in j.payload
    }
    applications = {
        a.id: a for a in session.scalars(select(Application).where(Application.id.in_(app_ids)))
    }
    return assignments, applications


def _row(
    job: OutboxJob, assignment: Assignment | None, application: Application | None
) -> MessageRow:
    kind = job.payload.get("kind")
    recipient = None
    if assignment is not None and kind != "escalation":
        recipient = assignment.interviewer_email or assignment.interviewer_name
    description = _describe(kind, "fingerprint" in job.payload)
    if job.kind == SLACK_KIND:
        description += " (Slack)"
        recipient = "Slack"
    return MessageRow(
        job=job,
        state=state_of(job),
        description=description,
        application_id=application.id if application else None,
        job_id=application.job_id if application else None,
        candidate=application.candidate_name if application else None,
        recipient=recipient,
    )


def message_rows(
    session: Session, *, job_scope: str | None = None, limit: int = 200
) -> list[MessageRow]:
    """Notification jobs, newest first, with what they are about (one query per kind of row)."""
    jobs = session.scalars(
        select(OutboxJob)
        .where(OutboxJob.kind.in_((EMAIL_KIND, SLACK_KIND)))
        .order_by(OutboxJob.id.desc())
        .limit(limit)
    ).all()
    assignments, applications = _subjects(session, jobs)
    rows = []
    for job in jobs:
        assignment = assignments.get(int(job.payload.get("assignment_id", 0) or 0))
        app_id = assignment.application_id if assignment else job.payload.get("application_id")
        application = applications.get(int(app_id)) if app_id else None
        if job_scope is not None and (application is None or application.job_id != job_scope):
            continue
        rows.append(_row(job, assignment, application))
    return rows


def assignments_without_address(
    session: Session, *, job_scope: str | None = None
) -> list[tuple[Assignment, Application]]:
    """Open assignments whose interviewer has no known address (their link could not go)."""
    query = (
        select(Assignment, Application)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Assignment.status.in_(OPEN),
            Assignment.interviewer_key != "",
            or_(Assignment.interviewer_email.is_(None), Assignment.interviewer_email == ""),
            Application.status == ApplicationStatus.ACTIVE,
        )
        .order_by(Assignment.id)
    )
    if job_scope is not None:
        query = query.where(Application.job_id == job_scope)
    rows: Sequence[Any] = session.execute(query).all()
    if not rows:
        return []
    keys = [assignment_key(a.id, "link") for a, _ in rows]
    no_address = {
        job.key
        for job in session.scalars(
            select(OutboxJob).where(OutboxJob.key.in_(keys), OutboxJob.status == JobStatus.DONE)
        )
        if (job.result or {}).get("skipped") == "no_address"
    }
    return [(a, app) for a, app in rows if assignment_key(a.id, "link") in no_address]


def counts(rows: Iterable[MessageRow]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.state] = totals.get(row.state, 0) + 1
    return totals
