"""A job that reads an application's data from its ATS and applies it: the shape shared by
the scorecard import and the interview sweep.

The read happens outside any transaction (no database lock waits on the ATS), so the
application is looked up again afterwards: it may have been purged or deleted meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.ats.base import AtsClient
from plugin.ats.clients import client_for, is_configured
from plugin.jobs.models import OutboxJob

T = TypeVar("T")


def app_config() -> Mapping[str, Any]:
    return current_app.config if has_app_context() else {}


def read_then_apply(
    session: Session,
    job: OutboxJob,
    read: Callable[[AtsClient, str], T],
    apply: Callable[[Application, T], dict[str, Any]],
    *,
    lock: bool = False,
) -> dict[str, Any]:
    """Run ``read(client, external id)`` for the job's application, then ``apply`` its answer
    to the application read again (``lock``: with FOR UPDATE)."""
    application_id = int(job.payload["application_id"])
    application = session.get(Application, application_id)
    if application is None or application.purged_at is not None:
        return {"skipped": "application gone"}
    config = app_config()
    if not is_configured(config, application.ats):
        return {"skipped": f"{application.ats} API not configured"}
    ats, external_id = application.ats, application.external_id
    session.commit()  # hold no transaction while the ATS answers
    answer = read(client_for(config, ats), external_id)
    application = session.get(Application, application_id, with_for_update=lock)
    if application is None:  # pragma: no cover - deleted while we asked
        return {"skipped": "application gone"}
    return apply(application, answer)
