"""The interview sweep: who interviews, re-read from the ATS, for every configured ATS.

Greenhouse sends no webhook when interviewers are scheduled: its stage change usually comes
first, listing the stage's interviews with ``"interviewers": []``, and the assignments then
wait for a delivery that never comes. So the worker asks. Every
``HIRELOOP_INTERVIEW_SWEEP_SECONDS`` (default 300; any value down to 1) the sweep queues one
``refresh-interviews`` job per active application that has an assignment waiting for an
interviewer, or that entered its current stage within the last 14 days and still has open
assignments there (``plugin.applications.panels.eligible``). The job reads
``client.scheduled_interviews(application)``, which Greenhouse, Lever and Ashby all answer,
within the credential's shared rate budget, and applies it as the stage's current panel
(``plugin.applications.panels.apply_scheduled``).

Cost (``docs/greenhouse.md``): one ``scheduled_interviews`` read per eligible application
per pass; on Harvest v3 that is four requests (interviews, interviewers, users, job
interviews), on v1 one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from plugin.applications.panels import apply_scheduled, eligible
from plugin.ats.clients import SUPPORTED, is_configured
from plugin.core.config import default_of, setting
from plugin.jobs.models import OutboxJob
from plugin.jobs.queue import enqueue
from plugin.scorecards.ats_reads import app_config, read_then_apply

KIND = "refresh-interviews"
SWEEP = "interview-sweep"  # its interval: HIRELOOP_INTERVIEW_SWEEP_SECONDS


def _interval(config: Mapping[str, Any]) -> float:
    """The configured interval, at least 1 s (0 or unreadable: the default)."""
    value = setting(config, "INTERVIEW_SWEEP_SECONDS")
    if not isinstance(value, int | float) or value <= 0:
        value = float(default_of("INTERVIEW_SWEEP_SECONDS"))
    return max(float(value), 1.0)


def sweep(session: Session) -> int:
    """Queue one refresh per eligible application (once per pass: the key names the pass)."""
    config = app_config()
    systems = [ats for ats in SUPPORTED if is_configured(config, ats)]
    if not systems:
        return 0
    slot = int(time.time() // _interval(config))
    ids = eligible(session, systems)
    for application_id in ids:
        enqueue(
            session,
            KIND,
            f"interviews:{application_id}:{slot}",
            {"application_id": application_id},
            max_attempts=3,  # the next pass asks again anyway
        )
    return len(ids)


def refresh_interviews(session: Session, job: OutboxJob) -> dict[str, Any]:
    """The job: read the application's scheduled interviews and apply them."""
    return read_then_apply(
        session,
        job,
        lambda client, external_id: client.scheduled_interviews(external_id),
        lambda application, scheduled: apply_scheduled(session, application, scheduled),
        lock=True,
    )
