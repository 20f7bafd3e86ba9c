"""Notification figures over the API.

- ``GET /api/calibration/submission-rates``: per interviewer and per loop, the share of
  scorecards submitted within 24 hours of the interview's end (benchmark 90%) and the
  median hours to submit. Admins and recruiters; a recruiter token scoped to a job sees that
  job only.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from plugin.auth.tokens import current_principal, require_role
from plugin.core.db import get_session
from plugin.core.errors import ApiError
from plugin.notify import submission_rates

blp = Blueprint(
    "notifications", __name__, url_prefix="/api", description="Notifications and submission rates"
)


class SubmissionRatesQuerySchema(ma.Schema):
    days = ma.fields.Integer(load_default=180, validate=ma.validate.Range(min=1, max=3650))
    ats = ma.fields.String(load_default=None)
    job_id = ma.fields.String(load_default=None)


@blp.route("/calibration/submission-rates")
@blp.arguments(SubmissionRatesQuerySchema, location="query")
@blp.response(200)
@require_role("recruiter")
def get_submission_rates(query: dict[str, Any]) -> dict[str, Any]:
    """Share of scorecards submitted within 24 h of the interview and median time to submit,
    per interviewer and per loop."""
    principal = current_principal()
    job_id = query["job_id"]
    if principal.role != "admin" and principal.job_id is not None:
        if job_id is not None and job_id != principal.job_id:
            raise ApiError(404, f"No job {job_id} here.", fields={"job_id": "unknown"})
        job_id = principal.job_id
    return submission_rates.report(
        get_session(), days=query["days"], ats=query["ats"], job_id=job_id
    )
