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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from plugin.ats.base import AtsClient
from plugin.ats.clients import client_for, is_configured
from webhooks.events import InboundEvent, InterviewerRef, InterviewRef

Complete = Callable[[InboundEvent], InboundEvent]


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
    if interviews is None and stage_id:
        interviews = tuple(
            InterviewRef(
                id=scheduled.interview_id,
                name=scheduled.interview_name,
                interviewers=tuple(
                    InterviewerRef(user.id, user.name or None, user.email)
                    for user in scheduled.interviewers
                ),
            )
            for scheduled in client.scheduled_interviews(snapshot.external_id)
            if scheduled.stage_id == stage_id and not scheduled.cancelled
        )
    completed = replace(
        snapshot,
        candidate_external_id=snapshot.candidate_external_id or found.candidate_id,
        candidate_name=snapshot.candidate_name or found.candidate_name,
        job_id=snapshot.job_id or found.job_id,
        job_name=snapshot.job_name or found.job_name,
        stage_id=stage_id,
        stage_name=snapshot.stage_name
        or (found.stage_name if found.stage_id == stage_id else None),
        interviews=interviews,
    )
    return replace(event, application=completed, thin=False)
