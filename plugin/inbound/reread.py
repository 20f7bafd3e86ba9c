"""Thin webhook payloads, completed from the ATS's API before they are handled.

Lever's webhooks say which opportunity moved to which stage and little else: not the
posting (hireloop's job, which picks the loop), not the candidate's name, not the stage's
interviews and their interviewers. And Lever's signature covers only ``token`` and
``triggeredAt``, not the data, so the data is a hint. Ashby's stage changes carry the
application but not who interviews in its new stage (its interview schedules do, when they
are made; an application may already have one when its stage change is handled). Such an
event (``thin``) is completed here from the API, where that ATS's API is configured, before
the inbox handles it: outside any transaction, so no database lock waits on the ATS. Where
the API answers, its stage and job win (they are also the newer) and it fills in the names
and the interviewers of the stage; the event keeps its kind, time, status (an archived
opportunity does not say whether it was hired) and the candidate id it was sent with
(deletions are matched by it). An API error is the handling's error: the delivery is
retried later, not handled half-informed. Without API credentials the event is handled as
it came.

Lever's interview events and archives are thin too: an interview event re-reads the
opportunity's interviews, which are then the whole panel of its stage (an interview Lever no
longer lists, deleted or cancelled, has nobody); an archive becomes hired or rejected by the
type of the opportunity's archive reason, which only the API tells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from plugin.applications.panels import interview_refs, whole_stage
from plugin.ats.base import AtsClient
from plugin.ats.clients import client_for, is_configured
from webhooks.events import EventKind, InboundEvent, InterviewRef

Complete = Callable[[InboundEvent], InboundEvent]
CLOSING_KINDS = {"hired": EventKind.APPLICATION_HIRED, "rejected": EventKind.APPLICATION_REJECTED}


def completer(config: Mapping[str, Any]) -> Complete:
    """Completes thin events with the ATS client ``config`` describes."""

    def complete(event: InboundEvent) -> InboundEvent:
        if not event.thin or event.application is None:
            return event
        if not is_configured(config, event.provider):
            return event
        return complete_from(client_for(config, event.provider), event)

    return complete


def complete_from(client: AtsClient, event: InboundEvent) -> InboundEvent:
    snapshot = event.application
    if snapshot is None:
        return event
    found = client.application(snapshot.external_id)
    if found is None:  # gone from the ATS: the payload is all there is
        return event
    stage_id = found.stage_id or snapshot.stage_id
    interviews = snapshot.interviews
    complete = snapshot.panel_complete
    status = _status(snapshot.status, found.status)
    # A closed application gets no assignments: its interviews need not be read.
    if interviews is None and stage_id and status in (None, "active"):
        interviews, complete = stage_interviews(client, snapshot.external_id, stage_id)
    completed = replace(
        snapshot,
        candidate_external_id=snapshot.candidate_external_id or found.candidate_id,
        candidate_name=snapshot.candidate_name or found.candidate_name,
        job_id=snapshot.job_id or found.job_id,
        job_name=snapshot.job_name or found.job_name,
        stage_id=stage_id,
        stage_name=snapshot.stage_name
        or (found.stage_name if found.stage_id == stage_id else None),
        status=status,
        interviews=interviews,
        panel_complete=complete,
    )
    kind = event.kind
    if completed.status != snapshot.status:
        kind = CLOSING_KINDS.get(completed.status or "", kind)
    # An interview event names no stage: the panel it updates is the opportunity's stage's.
    event_stage = stage_id if kind is EventKind.INTERVIEWS_SCHEDULED else event.stage_id
    return replace(event, kind=kind, application=completed, stage_id=event_stage, thin=False)


def stage_interviews(
    client: AtsClient, application_id: str, stage_id: str
) -> tuple[tuple[InterviewRef, ...], bool]:
    """The application's interviews in ``stage_id`` that are not cancelled, with who runs
    them (an interview whose interviewers the ATS left out has an unknown panel); and whether
    that is the stage's whole panel, which it is when the ATS places every interview in a
    stage (Lever, Ashby): then an interview it leaves out has nobody now."""
    scheduled = client.scheduled_interviews(application_id)
    interviews = interview_refs(
        item for item in scheduled if item.stage_id == stage_id and not item.cancelled
    )
    return interviews, whole_stage(scheduled)


def _status(sent: str | None, held: str | None) -> str | None:
    """The event's status, except an archive whose kind only the ATS knows (Lever's
    ``closed``): hired or rejected as the ATS now holds it."""
    if sent == "closed" and held in ("hired", "rejected"):
        return held
    return sent
