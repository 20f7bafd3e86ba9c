"""Which application a request is about, and whether the caller's token may see it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.auth.tokens import Principal
from plugin.core.errors import NotFound


def get_application(session: Session, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound(f"No application with id {application_id}.", fields={"id": "unknown"})
    return application


def visible_application(session: Session, application_id: int, principal: Principal) -> Application:
    """The application, when the principal's token may see its job. Another job's answers
    ``NotFound`` like a missing one: a scoped token cannot learn which ids exist."""
    application = get_application(session, application_id)
    if not principal.can_see_job(application.job_id):
        raise NotFound(f"No application with id {application_id}.", fields={"id": "unknown"})
    return application
