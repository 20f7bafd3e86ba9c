"""The worker's handlers: send a queued email or Slack post, or record why not.

Handlers are ``(session, job)`` as ``plugin.jobs.registry`` defines and run in an app
context. A failed send raises ``TransportError`` (the outbox retries; an email keeps its
Message-ID); with no transport configured the job is parked and ``WaitingForTransport``
raised, so it waits, listed on ``/recruiter/messages``, and never dies.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from plugin.jobs.models import OutboxJob
from plugin.notify.outbox import current_config, message_id, now, park
from plugin.notify.preparing import prepare
from plugin.notify.transports import (
    OutgoingChat,
    OutgoingEmail,
    slack_from_config,
    smtp_from_config,
)

log = logging.getLogger(__name__)


class WaitingForTransport(Exception):
    """No transport is configured for this message: it waits (parked, listed), never dies."""

    retryable = True
    uncertain = False
    retry_after: float | None = None


def send_email(session: Session, job: OutboxJob, config: Mapping[str, Any]) -> dict[str, Any]:
    """Send one queued email (or record why it is not sent). Raises TransportError on a failed
    send (the outbox retries; the same Message-ID each time) and WaitingForTransport, after
    parking the job, when SMTP is not configured."""
    prepared = prepare(session, job.payload, now())
    if prepared.skipped is not None or prepared.rendered is None:
        return {"skipped": prepared.skipped or "nothing to send"}
    transport = smtp_from_config(config)
    if transport is None:
        park(job)
        raise WaitingForTransport("no SMTP transport configured (HIRELOOP_SMTP_HOST)")
    rendered = prepared.rendered
    email = OutgoingEmail(
        to=prepared.recipients,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id(job.key, config),
        headers={"X-Hireloop-Key": job.key},
    )
    session.commit()  # keep what was learnt (the address); hold no lock while SMTP answers
    result = transport.send(email)
    log.info("message sent", extra={"key": job.key, "to": len(email.to)})
    return {"sent": True, **result}


def send_slack(session: Session, job: OutboxJob, config: Mapping[str, Any]) -> dict[str, Any]:
    prepared = prepare(session, job.payload, now())
    rendered = prepared.rendered
    if rendered is None or rendered.chat is None:
        return {"skipped": prepared.skipped or "nothing to post"}
    # No email address for recruiters or hiring managers: Slack still reaches someone.
    if prepared.skipped is not None and not prepared.skipped.startswith(
        ("no recruiter", "no hiring")
    ):
        return {"skipped": prepared.skipped}
    transport = slack_from_config(config)
    if transport is None:
        park(job)
        raise WaitingForTransport("no Slack webhook configured (HIRELOOP_SLACK_WEBHOOK_URL)")
    session.commit()
    return {"sent": True, **transport.post(OutgoingChat(rendered.chat))}


def handle_email(session: Session, job: OutboxJob) -> dict[str, Any]:
    return send_email(session, job, current_config())


def handle_slack(session: Session, job: OutboxJob) -> dict[str, Any]:
    return send_slack(session, job, current_config())
