"""A queued message made ready at send time: the state is read again, so nothing goes out
about a submitted or cancelled assignment, a closed application or a verdict that has
changed since."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from plugin.applications.models import Application, ApplicationStatus, Assignment
from plugin.loops import reader
from plugin.notify import messages as msg
from plugin.notify.addresses import resolve_address
from plugin.notify.facts import interview_facts, verdict_facts
from plugin.notify.outbox import OPEN
from plugin.notify.settings import settings_of
from plugin.verdicts.service import complete_verdict


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
    if (
        application is None
        or application.status != ApplicationStatus.ACTIVE
        or application.purged_at
    ):
        return Prepared(skipped="application closed")
    hours_late = (at - assignment.ends_at).total_seconds() / 3600 if assignment.ends_at else 0.0
    if kind == "escalation":
        return _prepare_escalation(session, assignment, application, hours_late)
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


def _prepare_escalation(
    session: Session, assignment: Assignment, application: Application, hours_late: float
) -> Prepared:
    recruiters = settings_of(reader.loop_of(session, application)).recruiters
    facts = interview_facts(session, assignment, application, with_link=False)
    return Prepared(
        recipients=recruiters,
        rendered=msg.escalation_message(facts, hours_late),
        skipped=None if recruiters else "no recruiter address in the loop",
    )


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
    loop = reader.loop_of(session, application)
    managers = settings_of(loop).hiring_managers
    facts = verdict_facts(application, loop, verdict, payload.get("previous_recommendation"))
    return Prepared(
        recipients=managers,
        rendered=msg.verdict_message(facts),
        skipped=None if managers else "no hiring manager address in the loop",
    )
