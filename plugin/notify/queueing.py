"""What is queued when: the interviewer's link, the end of messages that no longer apply,
and the hiring managers' verdict message.

Keys (one message per key, however often its cause is seen):

- ``notify:{assignment_id}:link``: the interviewer's link, when assigned (never once
  submitted);
- ``notify:{assignment_id}:reminder-{n}`` and ``:escalation``: queued by the reminder sweep
  (``reminders``);
- ``notify-hm:{application_id}:{fingerprint}``: to the loop's hiring managers when a verdict
  is complete, and again whenever a complete verdict changes (a verdict that changes back to
  one announced before gets ``:{id of the previous message}`` added to its key).

Messages for recruiters and hiring managers also go to Slack when
``HIRELOOP_SLACK_WEBHOOK_URL`` is set (a second job, the same key plus ``:slack``);
interviewers' links are bearer tokens and never go to a shared channel.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment, AssignmentStatus
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.notify.outbox import (
    EMAIL_KIND,
    OPEN,
    SLACK_KIND,
    assignment_key,
    is_ready,
    queue_message,
    verdict_key,
)
from scorecards.aggregation import Verdict


def queue_assignment_message(session: Session, assignment: Assignment, kind: str) -> OutboxJob:
    if assignment.id is None:
        session.flush()
    key = assignment_key(assignment.id, kind)
    payload = {"assignment_id": assignment.id, "kind": kind}
    job = queue_message(session, EMAIL_KIND, key, payload, channel="email")
    if kind == "escalation" and is_ready("slack"):
        queue_message(session, SLACK_KIND, key + ":slack", payload, channel="slack")
    return job


def assignment_created(session: Session, assignment: Assignment) -> None:
    """Queue the interviewer's link (once per assignment; not while it waits for an
    interviewer, never after a submission)."""
    if assignment.interviewer_key and assignment.status in OPEN:
        queue_assignment_message(session, assignment, "link")


def skip_waiting(session: Session, assignment_ids: Sequence[int], reason: str) -> int:
    """Mark waiting messages about these assignments as not to be sent (they would be
    skipped at send time anyway; this keeps the recruiter's list of waiting messages true)."""
    if not assignment_ids:
        return 0
    prefixes = [assignment_key(a, "") for a in assignment_ids]
    jobs = session.scalars(
        select(OutboxJob).where(
            OutboxJob.kind.in_((EMAIL_KIND, SLACK_KIND)),
            OutboxJob.status == JobStatus.PENDING,
            OutboxJob.locked_by.is_(None),
            or_(*(OutboxJob.key.startswith(p) for p in prefixes)),
        )
    ).all()
    for job in jobs:
        job.status = JobStatus.DONE
        job.result = {"skipped": reason}
    return len(jobs)


def assignment_cancelled(session: Session, assignment: Assignment) -> None:
    if assignment.id is not None:
        skip_waiting(session, [assignment.id], "cancelled")


def scorecards_submitted(session: Session, application_id: int) -> None:
    """Stop the messages that chase scorecards which are now submitted."""
    submitted = session.scalars(
        select(Assignment.id).where(
            Assignment.application_id == application_id,
            Assignment.status == AssignmentStatus.SUBMITTED,
        )
    ).all()
    skip_waiting(session, list(submitted), "submitted")


def queue_verdict_message(
    session: Session, application_id: int, verdict: Verdict
) -> OutboxJob | None:
    """Tell the hiring managers about a complete verdict, once per distinct verdict."""
    fingerprint = verdict.fingerprint()
    previous = session.scalar(
        select(OutboxJob)
        .where(
            OutboxJob.kind == EMAIL_KIND,
            OutboxJob.key.startswith(verdict_key(application_id, "")),
        )
        .order_by(OutboxJob.id.desc())
        .limit(1)
    )
    if previous is not None and previous.payload.get("fingerprint") == fingerprint:
        return previous  # the verdict last announced
    key = verdict_key(application_id, fingerprint)
    if previous is not None and session.scalar(select(OutboxJob.id).where(OutboxJob.key == key)):
        key += f":{previous.id}"  # announced before, then changed, now back: announce again
    payload = {
        "application_id": application_id,
        "fingerprint": fingerprint,
        "recommendation": verdict.recommendation,
        "previous_recommendation": previous.payload.get("recommendation") if previous else None,
    }
    job = queue_message(session, EMAIL_KIND, key, payload, channel="email")
    if is_ready("slack"):
        queue_message(session, SLACK_KIND, key + ":slack", payload, channel="slack")
    return job
