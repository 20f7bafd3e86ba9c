"""Notifications: what is queued when, and what the worker sends.

Every message is one outbox job with a unique key, queued in the transaction of the change
that caused it, so a message exists exactly when its cause does and is queued once however
often the cause is seen:

- ``notify:{assignment_id}:link``: the interviewer's link, when assigned (never once
  submitted);
- ``notify:{assignment_id}:reminder-{n}``: reminders ``reminder_hours`` after the interview's
  end (default 1 h and 24 h) while the scorecard is open;
- ``notify:{assignment_id}:escalation``: to the loop's recruiters after
  ``escalate_after_hours`` (default 48 h);
- ``notify-hm:{application_id}:{fingerprint}``: to the loop's hiring managers when a verdict
  is complete, and again whenever a complete verdict changes (a verdict that changes back to
  one announced before gets ``:{id of the previous message}`` added to its key).

Messages for recruiters and hiring managers also go to Slack when
``HIRELOOP_SLACK_WEBHOOK_URL`` is set (a second job, the same key plus ``:slack``);
interviewers' links are bearer tokens and never go to a shared channel.

The handler re-reads the state at send time: nothing goes out about a submitted or cancelled
assignment, a closed application or a verdict that has changed since. With no transport
configured a job waits (pending, parked far in the future, never dead) and is listed on
``/recruiter/messages``; the reminder sweep releases parked jobs once a transport appears.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.ats.clients import client_for, is_configured
from plugin.ats.errors import AtsError
from plugin.core.db import get_session
from plugin.core.links import interviewer_url, make_link_token, public_url
from plugin.core.models import utcnow
from plugin.frameworks.registry import registry
from plugin.jobs.models import OutboxJob
from plugin.jobs.queue import enqueue
from plugin.notify import messages as msg
from plugin.notify.transports import (
    OutgoingChat,
    OutgoingEmail,
    configured_channels,
    message_id_domain,
    slack_from_config,
    smtp_from_config,
)
from plugin.verdicts.service import complete_verdict, find_loop
from scorecards.aggregation import Verdict

log = logging.getLogger(__name__)

EMAIL_KIND = "notify"
SLACK_KIND = "notify.slack"
KINDS = ("link", "reminder-1", "reminder-2", "escalation")
OPEN = ("pending", "draft")
# A job that waits for a transport: pending, but not before this moment (never claimed).
PARKED = datetime(9000, 1, 1, tzinfo=UTC)
DEFAULT_REMINDER_HOURS: tuple[float, ...] = (1, 24)
DEFAULT_ESCALATE_AFTER_HOURS = 48.0
# Reminders are not started for interviews that ended longer ago than this (an old import).
REMINDER_HORIZON = timedelta(days=14)

clock: Callable[[], datetime] = utcnow


def now() -> datetime:
    return clock()


# -- keys ----------------------------------------------------------------------------------------


def assignment_key(assignment_id: int, kind: str) -> str:
    return f"notify:{assignment_id}:{kind}"


def verdict_key(application_id: int, fingerprint: str) -> str:
    return f"notify-hm:{application_id}:{fingerprint}"


def message_id(key: str, config: Mapping[str, Any]) -> str:
    """The same Message-ID for every attempt of one message (one outbox key)."""
    local = re.sub(r"[^A-Za-z0-9.-]+", ".", key).strip(".")
    return f"<hireloop.{local}@{message_id_domain(config.get('SMTP_FROM'))}>"


# -- settings from the loop document ----------------------------------------------------------


@dataclass(frozen=True)
class NotifySettings:
    reminder_hours: tuple[float, ...] = DEFAULT_REMINDER_HOURS
    escalate_after_hours: float = DEFAULT_ESCALATE_AFTER_HOURS
    hiring_managers: tuple[str, ...] = ()
    recruiters: tuple[str, ...] = ()


def _emails(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(str(v).strip() for v in value if isinstance(v, str) and "@" in v)


def _hours(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def notify_settings(definition: Mapping[str, Any] | None) -> NotifySettings:
    """``settings.reminder_hours`` / ``settings.escalate_after_hours`` and the optional
    ``notify: {hiring_managers: [...], recruiters: [...]}`` of a loop document."""
    definition = definition or {}
    settings = definition.get("settings") or {}
    notify = definition.get("notify") or {}
    if not isinstance(settings, Mapping):
        settings = {}
    if not isinstance(notify, Mapping):
        notify = {}
    raw_hours = settings.get("reminder_hours", list(DEFAULT_REMINDER_HOURS))
    hours = (
        tuple(sorted(_hours(h, 1) for h in raw_hours))
        if isinstance(raw_hours, list)
        else DEFAULT_REMINDER_HOURS
    )
    return NotifySettings(
        reminder_hours=hours,
        escalate_after_hours=_hours(
            settings.get("escalate_after_hours"), DEFAULT_ESCALATE_AFTER_HOURS
        ),
        hiring_managers=_emails(notify.get("hiring_managers")),
        recruiters=_emails(notify.get("recruiters")),
    )


# -- queueing -------------------------------------------------------------------------------------


def _config() -> Mapping[str, Any]:
    return current_app.config if has_app_context() else {}


def _queue(
    session: Session,
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    channel: str,
    at: datetime | None = None,
) -> OutboxJob:
    """Queue one message; with its transport not configured it is parked (waits, listed)."""
    ready = channel in configured_channels(_config())
    return enqueue(session, kind, key, payload, run_after=(at or now()) if ready else PARKED)


def queue_assignment_message(session: Session, assignment: Assignment, kind: str) -> OutboxJob:
    if assignment.id is None:
        session.flush()
    key = assignment_key(assignment.id, kind)
    payload = {"assignment_id": assignment.id, "kind": kind}
    job = _queue(session, EMAIL_KIND, key, payload, channel="email")
    if kind == "escalation" and "slack" in configured_channels(_config()):
        _queue(session, SLACK_KIND, key + ":slack", payload, channel="slack")
    return job


def assignment_created(session: Session, assignment: Assignment) -> None:
    """Queue the interviewer's link (once per assignment; not while it waits for an
    interviewer, never after a submission)."""
    if assignment.interviewer_key and assignment.status in OPEN:
        queue_assignment_message(session, assignment, "link")


def _skip_waiting(session: Session, assignment_ids: Sequence[int], reason: str) -> int:
    """Mark waiting messages about these assignments as not to be sent (they would be
    skipped at send time anyway; this keeps the recruiter's list of waiting messages true)."""
    if not assignment_ids:
        return 0
    prefixes = [assignment_key(a, "") for a in assignment_ids]
    jobs = session.scalars(
        select(OutboxJob).where(
            OutboxJob.kind.in_((EMAIL_KIND, SLACK_KIND)),
            OutboxJob.status == "pending",
            OutboxJob.locked_by.is_(None),
            or_(*(OutboxJob.key.startswith(p) for p in prefixes)),
        )
    ).all()
    for job in jobs:
        job.status = "done"
        job.result = {"skipped": reason}
    return len(jobs)


def assignment_cancelled(session: Session, assignment: Assignment) -> None:
    if assignment.id is not None:
        _skip_waiting(session, [assignment.id], "cancelled")


def scorecards_submitted(session: Session, application_id: int) -> None:
    """Stop the messages that chase scorecards which are now submitted."""
    submitted = session.scalars(
        select(Assignment.id).where(
            Assignment.application_id == application_id, Assignment.status == "submitted"
        )
    ).all()
    _skip_waiting(session, list(submitted), "submitted")


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
    job = _queue(session, EMAIL_KIND, key, payload, channel="email")
    if "slack" in configured_channels(_config()):
        _queue(session, SLACK_KIND, key + ":slack", payload, channel="slack")
    return job


def release_parked(session: Session, config: Mapping[str, Any]) -> int:
    """Jobs parked for want of a transport run now that it is configured."""
    kinds = [
        kind
        for kind, channel in ((EMAIL_KIND, "email"), (SLACK_KIND, "slack"))
        if channel in configured_channels(config)
    ]
    if not kinds:
        return 0
    result = session.execute(
        update(OutboxJob)
        .where(
            OutboxJob.kind.in_(kinds),
            OutboxJob.status == "pending",
            OutboxJob.run_after >= PARKED,
        )
        .values(run_after=now())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# -- the reminder sweep -------------------------------------------------------------------------


def due_kinds(ends_at: datetime, settings: NotifySettings, at: datetime) -> tuple[str | None, bool]:
    """The reminder due now (only the latest one: a sweep that was down for a day does not
    send two at once) and whether the recruiter's escalation is due."""
    elapsed = at - ends_at
    reminder = None
    for index, hours in enumerate(settings.reminder_hours):
        if elapsed >= timedelta(hours=hours):
            reminder = f"reminder-{index + 1}"
    return reminder, elapsed >= timedelta(hours=settings.escalate_after_hours)


def sweep_reminders(session: Session, at: datetime | None = None) -> list[str]:
    """Queue the reminders and escalations that are due; returns the keys queued now."""
    at = at or now()
    rows = session.execute(
        select(Assignment, Application)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Assignment.status.in_(OPEN),
            Assignment.interviewer_key != "",
            Assignment.ends_at.is_not(None),
            Assignment.ends_at <= at,
            Assignment.ends_at >= at - REMINDER_HORIZON,
            Application.status == "active",
        )
        .order_by(Assignment.id)
    ).all()
    if not rows:
        return []
    loops: dict[int | None, NotifySettings] = {}
    wanted: list[tuple[Assignment, str]] = []
    for assignment, application in rows:
        cache_key = application.loop_id if application.loop_id is not None else -application.id
        if cache_key not in loops:
            loop = find_loop(session, application)
            loops[cache_key] = notify_settings(loop.definition if loop else None)
        assert assignment.ends_at is not None
        reminder, escalate = due_kinds(assignment.ends_at, loops[cache_key], at)
        if reminder:
            wanted.append((assignment, reminder))
        if escalate:
            wanted.append((assignment, "escalation"))
    keys = [assignment_key(a.id, kind) for a, kind in wanted]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        existing.update(
            session.scalars(
                select(OutboxJob.key).where(OutboxJob.key.in_(keys[start : start + 500]))
            )
        )
    queued = []
    for (assignment, kind), key in zip(wanted, keys, strict=True):
        if key not in existing:
            queue_assignment_message(session, assignment, kind)
            queued.append(key)
    return queued


def reminders_task(*args: Any, **kwargs: Any) -> list[str]:
    """The worker's sweep: release parked messages, queue due reminders; commits."""
    session = _session_from(args, kwargs)
    release_parked(session, _config())
    queued = sweep_reminders(session, kwargs.get("now"))
    session.commit()
    if queued:
        log.info("reminders queued", extra={"count": len(queued)})
    return queued


def _session_from(args: Sequence[Any], kwargs: Mapping[str, Any]) -> Session:
    for value in (*args, *kwargs.values()):
        if isinstance(value, Session):
            return value

    return get_session()


# -- interviewer addresses ---------------------------------------------------------------------


AtsClientFactory = Callable[[Mapping[str, Any], str], Any]


def _default_client(config: Mapping[str, Any], ats: str) -> Any:

    if not is_configured(config, ats):
        log.info("no %s API credentials: interviewer addresses come only from the ATS", ats)
        return None
    return client_for(config, ats)


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
    client = client_factory(_config(), application.ats)
    if client is None:
        return None

    email: str | None = None
    try:
        for scheduled in client.scheduled_interviews(application.external_id):
            if not _same_interview(scheduled, assignment):
                continue
            for person in scheduled.interviewers:
                if str(person.id) == assignment.interviewer_key:
                    email = email or person.email
                    if assignment.interviewer_name is None and person.name:
                        assignment.interviewer_name = person.name
                    if assignment.scheduled_interview_id is None:
                        assignment.scheduled_interview_id = str(scheduled.id)
                    if assignment.starts_at is None and scheduled.starts_at is not None:
                        assignment.starts_at = scheduled.starts_at
                    if assignment.ends_at is None and scheduled.ends_at is not None:
                        assignment.ends_at = scheduled.ends_at
    except AtsError as exc:
        if exc.retryable:
            raise
        log.warning("scheduled interviews unavailable: %s", exc)
    if not email:
        try:
            user = client.user(assignment.interviewer_key)
        except AtsError as exc:
            if exc.retryable:
                raise
            user = None
        email = user.email if user is not None else None
    if email:
        assignment.interviewer_email = email
    return email


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


# -- rendering ------------------------------------------------------------------------------------


def _framework_names(framework_id: str | None) -> Callable[[str], msg.Competency]:

    framework = registry().get(framework_id) if framework_id else None

    def name(competency_id: str) -> msg.Competency:
        if framework is not None:
            try:
                return msg.Competency(competency_id, framework.competency(competency_id).name)
            except KeyError:
                pass
        return msg.Competency(competency_id, competency_id.replace("-", " ").capitalize())

    return name


def focus_competencies(definition: Mapping[str, Any], assignment: Assignment) -> list[str]:
    fallback: list[str] = []
    for stage in definition.get("stages") or []:
        for interview in stage.get("interviews") or []:
            key = interview.get("ats_interview_id") or interview.get("name")
            if str(key) != assignment.interview_key:
                continue
            found = [str(c) for c in interview.get("competencies") or []]
            if assignment.stage_id is None or str(stage.get("ats_stage_id")) == assignment.stage_id:
                return found
            fallback = fallback or found
    return fallback


def interview_facts(
    session: Session, assignment: Assignment, application: Application, *, with_link: bool
) -> msg.InterviewFacts:
    loop = find_loop(session, application)
    definition = loop.definition if loop else {}
    names = _framework_names(loop.framework_id if loop else None)
    url = (
        interviewer_url(make_link_token(assignment.id, assignment.link_version))
        if with_link
        else None
    )
    return msg.InterviewFacts(
        candidate=application.candidate_name or f"Candidate {application.external_id}",
        job=application.job_name or (loop.name if loop else f"job {application.job_id}"),
        interview=assignment.interview_name,
        stage=assignment.stage_name,
        interviewer=assignment.interviewer_name or f"interviewer {assignment.interviewer_key}",
        interviewer_email=assignment.interviewer_email,
        starts_at=assignment.starts_at,
        ends_at=assignment.ends_at,
        competencies=tuple(names(c) for c in focus_competencies(definition, assignment)),
        level=str(definition.get("level") or (loop.level if loop else "")) or None,
        url=url,
        review_url=public_url(f"/review/applications/{application.id}"),
        messages_url=public_url("/recruiter/messages"),
    )


@dataclass(frozen=True)
class Prepared:
    """A message ready to send, or the reason it is not sent (``skipped``)."""

    recipients: tuple[str, ...] = ()
    rendered: msg.Rendered | None = None
    skipped: str | None = None


def prepare(session: Session, payload: Mapping[str, Any], at: datetime) -> Prepared:
    """Re-check the state at send time and render the message, or say why not."""
    if "assignment_id" in payload:
        return _prepare_assignment(session, int(payload["assignment_id"]), str(payload["kind"]), at)
    return _prepare_verdict(session, payload)


def _prepare_assignment(session: Session, assignment_id: int, kind: str, at: datetime) -> Prepared:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        return Prepared(skipped="assignment deleted")
    if assignment.status not in OPEN:
        return Prepared(skipped=assignment.status)  # submitted or cancelled
    application = session.get(Application, assignment.application_id)
    if application is None or application.status != "active" or application.purged_at:
        return Prepared(skipped="application closed")
    hours_late = (at - assignment.ends_at).total_seconds() / 3600 if assignment.ends_at else 0.0
    if kind == "escalation":
        loop = find_loop(session, application)
        recruiters = notify_settings(loop.definition if loop else None).recruiters
        facts = interview_facts(session, assignment, application, with_link=False)
        return Prepared(
            recipients=recruiters,
            rendered=msg.escalation_message(facts, hours_late),
            skipped=None if recruiters else "no recruiter address in the loop",
        )
    if not assignment.interviewer_key:
        return Prepared(skipped="no interviewer yet")
    if not assignment.interviewer_email:
        session.commit()  # end the read: no database lock is held while the ATS answers
    email = resolve_address(session, assignment, application)
    facts = interview_facts(session, assignment, application, with_link=True)
    if kind == "link":
        rendered = msg.link_message(facts)
    else:
        number = int(kind.rpartition("-")[2] or 1)
        rendered = msg.reminder_message(facts, number, hours_late)
    if not email:
        return Prepared(rendered=rendered, skipped="no_address")
    return Prepared(recipients=(email,), rendered=rendered)


def _prepare_verdict(session: Session, payload: Mapping[str, Any]) -> Prepared:
    application_id = int(payload["application_id"])
    application = session.get(Application, application_id)
    if application is None:
        return Prepared(skipped="application deleted")
    verdict = complete_verdict(session, application_id)
    if verdict is None:
        return Prepared(skipped="verdict no longer complete")
    if verdict.fingerprint() != payload.get("fingerprint"):
        return Prepared(skipped="verdict changed since; a newer message is queued")
    loop = find_loop(session, application)
    managers = notify_settings(loop.definition if loop else None).hiring_managers
    names = _framework_names(verdict.framework)
    facts = msg.VerdictFacts(
        candidate=application.candidate_name or f"Candidate {application.external_id}",
        job=application.job_name or (loop.name if loop else f"job {application.job_id}"),
        recommendation=verdict.recommendation,
        rule=verdict.rule,
        splits=tuple(names(c) for c in verdict.splits),
        gaps=tuple(names(c) for c in verdict.gaps),
        submitted=verdict.scorecards_submitted,
        expected=verdict.scorecards_expected,
        review_url=public_url(f"/review/applications/{application_id}"),
        previous_recommendation=payload.get("previous_recommendation"),
        verdicts=tuple(
            (msg.Competency(c.id, c.name), c.verdict) for c in verdict.competencies if c.in_scope
        ),
    )
    return Prepared(
        recipients=managers,
        rendered=msg.verdict_message(facts),
        skipped=None if managers else "no hiring manager address in the loop",
    )


# -- the worker's handlers --------------------------------------------------------------------


class WaitingForTransport(Exception):
    """No transport is configured for this message: it waits (parked, listed), never dies."""

    retryable = True
    uncertain = False
    retry_after: float | None = None


def park(job: OutboxJob) -> None:
    job.status = "pending"
    job.run_after = PARKED
    job.locked_by = None
    job.lease_expires_at = None
    job.last_error = "waiting: no transport configured"


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


def _job_and_session(args: Sequence[Any], kwargs: Mapping[str, Any]) -> tuple[OutboxJob, Session]:
    job = next((v for v in (*args, *kwargs.values()) if isinstance(v, OutboxJob)), None)
    if job is None:
        raise TypeError("a notification handler needs the outbox job")
    session = _session_from(args, kwargs)
    return job, session


def handle_email(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """The worker calls ``handler(session, job)`` in an app context."""
    job, session = _job_and_session(args, kwargs)
    return send_email(session, job, _config())


def handle_slack(*args: Any, **kwargs: Any) -> dict[str, Any]:
    job, session = _job_and_session(args, kwargs)
    return send_slack(session, job, _config())


# -- what the recruiter sees ---------------------------------------------------------------------


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
    if job.status == "pending":
        if job.run_after >= PARKED:
            return "waiting"
        return "retrying" if job.attempts else "scheduled"
    if job.status == "dead":
        return "failed"
    if job.status == "done":
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
    rows = []
    for job in jobs:
        assignment = assignments.get(int(job.payload.get("assignment_id", 0) or 0))
        app_id = assignment.application_id if assignment else job.payload.get("application_id")
        application = applications.get(int(app_id)) if app_id else None
        if job_scope is not None and (application is None or application.job_id != job_scope):
            continue
        kind = job.payload.get("kind")
        recipient = None
        if assignment is not None and kind != "escalation":
            recipient = assignment.interviewer_email or assignment.interviewer_name
        description = _describe(kind, "fingerprint" in job.payload)
        if job.kind == SLACK_KIND:
            description += " (Slack)"
            recipient = "Slack"
        rows.append(
            MessageRow(
                job=job,
                state=state_of(job),
                description=description,
                application_id=application.id if application else None,
                job_id=application.job_id if application else None,
                candidate=application.candidate_name if application else None,
                recipient=recipient,
            )
        )
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
            Application.status == "active",
        )
        .order_by(Assignment.id)
    )
    if job_scope is not None:
        query = query.where(Application.job_id == job_scope)
    rows = session.execute(query).all()
    if not rows:
        return []
    keys = [assignment_key(a.id, "link") for a, _ in rows]
    no_address = {
        job.key
        for job in session.scalars(
            select(OutboxJob).where(OutboxJob.key.in_(keys), OutboxJob.status == "done")
        )
        if (job.result or {}).get("skipped") == "no_address"
    }
    return [(a, app) for a, app in rows if assignment_key(a.id, "link") in no_address]


def set_address(session: Session, assignment: Assignment, email: str) -> int:
    """A recruiter gives the interviewer's address: messages that could not go are queued
    again (the link, and a reminder that was due). Returns how many were re-queued."""
    assignment.interviewer_email = email
    jobs = session.scalars(
        select(OutboxJob).where(
            OutboxJob.kind == EMAIL_KIND,
            OutboxJob.key.startswith(assignment_key(assignment.id, "")),
            OutboxJob.status == "done",
        )
    ).all()
    ready = "email" in configured_channels(_config())
    count = 0
    for job in jobs:
        if (job.result or {}).get("skipped") == "no_address":
            job.status = "pending"
            job.attempts = 0
            job.result = None
            job.last_error = None
            job.run_after = now() if ready else PARKED
            count += 1
    return count


def counts(rows: Iterable[MessageRow]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.state] = totals.get(row.state, 0) + 1
    return totals
