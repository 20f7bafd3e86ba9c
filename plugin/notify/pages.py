"""The recruiter's view of notifications: ``/recruiter/messages``.

Lists the messages hireloop queued (waiting for a transport, scheduled, sent, skipped,
failed) and the assignments whose interviewer has no known address, with a form to give
the address (the link, and any reminder that could not go, are queued again).
Also provides the submission-rate figures to the calibration page's include.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from plugin.applications.lookups import visible_assignment
from plugin.applications.models import Assignment
from plugin.auth.csrf import check_csrf
from plugin.auth.pages import page_role
from plugin.auth.tokens import current_principal, signed_in_principal
from plugin.core.db import get_session
from plugin.notify import rows as message_list
from plugin.notify import submission_rates
from plugin.notify.addresses import set_address
from plugin.notify.reminders import remind_now
from plugin.notify.transports import configured_channels

bp = Blueprint("notify_pages", __name__)

STATES = ("waiting", "scheduled", "retrying", "sent", "skipped", "failed")


def _scope() -> str | None:
    principal = current_principal()
    return None if principal.role == "admin" else principal.job_id


@bp.get("/recruiter/messages")
@page_role("recruiter")
def messages_page() -> str:

    session = get_session()
    scope = _scope()
    state = request.args.get("state") or None
    rows = message_list.message_rows(session, job_scope=scope, limit=500)
    totals = message_list.counts(rows)
    shown = [row for row in rows if state is None or row.state == state]
    return render_template(
        "notify/messages.html",
        rows=shown,
        totals=totals,
        states=STATES,
        state=state,
        channels=configured_channels(current_app.config),
        smtp_host=current_app.config["SMTP_HOST"],
        missing=message_list.assignments_without_address(session, job_scope=scope),
    )


def _assignment_in_scope(session: Session, assignment_id: int) -> Assignment:
    """The assignment, or 404 as if missing: a scoped token learns nothing of other jobs."""
    assignment = visible_assignment(session, assignment_id, current_principal().can_see_job)
    if assignment is None:
        abort(404)
    return assignment


@bp.post("/recruiter/messages/assignments/<int:assignment_id>/email")
@page_role("recruiter")
def set_email(assignment_id: int) -> Response:
    check_csrf()
    session = get_session()
    assignment = _assignment_in_scope(session, assignment_id)
    email = request.form.get("email", "").strip()
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        flash(f"'{email}' is not an email address.", "error")
        return redirect(url_for("notify_pages.messages_page"))
    queued = set_address(session, assignment, email)
    session.commit()
    flash(
        f"Saved {email} for {assignment.interviewer_name or assignment.interviewer_key}; "
        f"{queued} message(s) queued again.",
        "info",
    )
    return redirect(url_for("notify_pages.messages_page"))


@bp.post("/recruiter/messages/assignments/<int:assignment_id>/remind")
@page_role("recruiter")
def remind(assignment_id: int) -> Response:
    """The home page's one-click reminder to an interviewer whose scorecard is late."""
    check_csrf()
    session = get_session()
    assignment = _assignment_in_scope(session, assignment_id)
    who = assignment.interviewer_name or assignment.interviewer_key
    if remind_now(session, assignment):
        session.commit()
        flash(f"Reminder queued for {who} ({assignment.interview_name}).", "success")
    else:
        flash(f"{who} was already reminded this hour, or the scorecard is no longer open.", "info")
    return redirect(_back_to(request.form.get("next")))


def _back_to(target: str | None) -> str:
    """Back to the page the button was on (same-site paths only)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home_pages.home")


@bp.app_template_global("submission_rates_report")
def submission_rates_report(days: int = 180, job_id: str | None = None) -> dict[str, Any]:
    """For the calibration page: ``{% include "notify/_submission_rates.html" %}``."""
    principal = signed_in_principal()
    if principal is not None and principal.role != "admin" and principal.job_id is not None:
        job_id = principal.job_id
    return submission_rates.report(get_session(), days=days, job_id=job_id)
