"""The pages everyone lands on: ``/`` (what waits for you, by role), ``/review/jobs`` and
``/review/applications`` (everything your token may see, one click from each review)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from plugin.auth.pages import page_role
from plugin.auth.tokens import current_principal
from plugin.core.db import get_session
from plugin.core.models import utcnow
from plugin.home.agenda import build_agenda
from plugin.home.health import worker_health
from plugin.home.jobs import visible_jobs

bp = Blueprint("home_pages", __name__)

#: The statuses the applications page filters by ("" shows every application).
STATUS_FILTERS = ("active", "hired", "rejected", "closed")


@bp.get("/")
@page_role("recruiter", "hiring_manager")
def home() -> str:
    session = get_session()
    principal = current_principal()
    at = utcnow()
    return render_template(
        "home/home.html",
        agenda=build_agenda(session, principal, at),
        health=worker_health(session, at) if principal.role == "admin" else None,
        role=principal.role,
        now=at,
    )


@bp.get("/review/jobs")
@page_role("recruiter", "hiring_manager")
def jobs() -> str:
    return render_template("home/jobs.html", jobs=visible_jobs(get_session(), current_principal()))


@bp.get("/review/applications")
@page_role("recruiter", "hiring_manager")
def applications() -> str:
    status = request.args.get("status", "active")
    if status not in STATUS_FILTERS:
        status = ""
    jobs = visible_jobs(get_session(), current_principal())
    rows = [
        (job, row)
        for job in jobs
        for row in sorted(job.rows, key=lambda r: r.candidate_name.lower())
        if not status or row.status == status
    ]
    return render_template(
        "home/applications.html", rows=rows, status=status, statuses=STATUS_FILTERS
    )
