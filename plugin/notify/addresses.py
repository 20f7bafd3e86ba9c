"""Interviewers' email addresses: cached on the assignment, else asked of the ATS; and the
address a recruiter gives when the ATS has none."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.ats.clients import client_for, is_configured
from plugin.ats.errors import AtsError
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.notify.outbox import EMAIL_KIND, PARKED, assignment_key, current_config, is_ready, now

log = logging.getLogger(__name__)

AtsClientFactory = Callable[[Mapping[str, Any], str], Any]


def _default_client(config: Mapping[str, Any], ats: str) -> Any:
    if not is_configured(config, ats):
        log.info("no %s API credentials: interviewer addresses come only from the ATS", ats)
        return None
    return client_for(config, ats)


#: The ATS client for ``(config, ats)``, or None; tests replace it with a fake ATS.
client_factory: AtsClientFactory = _default_client


def resolve_address(
    session: Session, assignment: Assignment, application: Application
) -> str | None:
    """The interviewer's email: cached on the assignment, else from the ATS (a scheduled
    interview's interviewers, which also give the interview's time; else the user record)."""
    if assignment.interviewer_email:
        return assignment.interviewer_email
    if not assignment.interviewer_key:
        return None
    client = client_factory(current_config(), application.ats)
    if client is None:
        return None
    email = _from_scheduled_interviews(client, assignment, application) or _from_user(
        client, assignment
    )
    if email:
        assignment.interviewer_email = email
    return email


def _from_scheduled_interviews(
    client: Any, assignment: Assignment, application: Application
) -> str | None:
    """The interviewer's address on the application's scheduled interviews; fills in what
    the assignment does not know yet (name, scheduled interview, times) on the way."""
    email: str | None = None
    try:
        for scheduled in client.scheduled_interviews(application.external_id):
            if not _same_interview(scheduled, assignment):
                continue
            for person in scheduled.interviewers:
                if str(person.id) == assignment.interviewer_key:
                    email = email or person.email
                    _learn_from(assignment, scheduled, person)
    except AtsError as exc:
        if exc.retryable:
            raise
        log.warning("scheduled interviews unavailable: %s", exc)
    return email


def _learn_from(assignment: Assignment, scheduled: Any, person: Any) -> None:
    if assignment.interviewer_name is None and person.name:
        assignment.interviewer_name = person.name
    if assignment.scheduled_interview_id is None:
        assignment.scheduled_interview_id = str(scheduled.id)
    if assignment.starts_at is None and scheduled.starts_at is not None:
        assignment.starts_at = scheduled.starts_at
    if assignment.ends_at is None and scheduled.ends_at is not None:
        assignment.ends_at = scheduled.ends_at


def _from_user(client: Any, assignment: Assignment) -> str | None:
    try:
        user = client.user(assignment.interviewer_key)
    except AtsError as exc:
        if exc.retryable:
            raise
        user = None
    return user.email if user is not None else None


def _same_interview(scheduled: Any, assignment: Assignment) -> bool:
    if assignment.scheduled_interview_id:
        return str(scheduled.id) == assignment.scheduled_interview_id
    if (
        scheduled.interview_id is not None
        and str(scheduled.interview_id) == assignment.interview_key
    ):
        return True
    return bool(scheduled.interview_name) and scheduled.interview_name in (
        assignment.interview_name,
        assignment.interview_key,
    )


def set_address(session: Session, assignment: Assignment, email: str) -> int:
    """A recruiter gives the interviewer's address: messages that could not go are queued
    again (the link, and a reminder that was due). Returns how many were re-queued."""
    assignment.interviewer_email = email
    jobs = session.scalars(
        select(OutboxJob).where(
            OutboxJob.kind == EMAIL_KIND,
            OutboxJob.key.startswith(assignment_key(assignment.id, "")),
            OutboxJob.status == JobStatus.DONE,
        )
    ).all()
    ready = is_ready("email")
    count = 0
    for job in jobs:
        if (job.result or {}).get("skipped") == "no_address":
            job.status = JobStatus.PENDING
            job.attempts = 0
            job.result = None
            job.last_error = None
            job.run_after = now() if ready else PARKED
            count += 1
    return count
