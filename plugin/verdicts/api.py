"""Verdicts over the API.

- ``GET /api/applications/<id>/verdict``: the mechanical verdict (the contract's shape, plus
  the override beside it, areas, shape, archetype, agenda and pending scorecards).
- ``POST /api/applications/<id>/override``: a hiring manager's recommendation with a
  required reason, recorded beside the mechanical verdict, never replacing it.
- ``POST /api/verdicts/preview``: the verdict a set of ratings would get under a loop's
  hiring bar (the same JSON and code as a stored application's), nothing stored.
- ``GET /api/jobs/<ats>/<job_id>/candidates``: a job's candidates side by side; sortable
  and paged.
- ``GET /api/calibration``: interviewer calibration and inter-rater agreement (admin).

Recruiters and hiring managers see only the jobs their token is scoped to; interviewers'
link tokens are not API tokens, so they get 401 here.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from plugin.auth.tokens import current_principal, require_role
from plugin.core.db import get_session
from plugin.core.errors import ApiError
from plugin.loops.models import Loop
from plugin.verdicts import calibration as calibration_service
from plugin.verdicts import service
from plugin.verdicts.access import visible_application
from plugin.verdicts.comparison import job_comparison
from plugin.verdicts.overrides import record_override
from plugin.verdicts.preview import preview_verdict
from plugin.verdicts.settings import loop_settings
from scorecards.scale import RECOMMENDATIONS

blp = Blueprint("verdicts", __name__, url_prefix="/api", description="Verdicts and calibration")


class OverrideSchema(ma.Schema):
    recommendation = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(RECOMMENDATIONS),
        metadata={"enum": RECOMMENDATIONS},
    )
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=5000))


class PreviewRatingSchema(ma.Schema):
    interviewer = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    competency = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    rating = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))


class PreviewSchema(ma.Schema):
    loop_id = ma.fields.Integer(required=True, strict=True)
    ratings = ma.fields.List(
        ma.fields.Nested(PreviewRatingSchema),
        required=True,
        validate=ma.validate.Length(max=2000),
    )


class CandidatesQuerySchema(ma.Schema):
    sort = ma.fields.String(load_default="recommendation")
    order = ma.fields.String(load_default="asc", validate=ma.validate.OneOf(("asc", "desc")))
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=200))


class CalibrationQuerySchema(ma.Schema):
    days = ma.fields.Integer(load_default=180, validate=ma.validate.Range(min=1, max=3650))
    ats = ma.fields.String(load_default=None)
    job_id = ma.fields.String(load_default=None)


def _visible_application(application_id: int) -> None:
    visible_application(get_session(), application_id, current_principal())


@blp.route("/applications/<int:application_id>/verdict")
@blp.response(200)
@require_role("recruiter", "hiring_manager")
def get_verdict(application_id: int) -> dict[str, Any]:
    """The mechanical verdict of one application, with the rule that produced it."""
    _visible_application(application_id)
    return service.verdict_payload(get_session(), application_id)


@blp.route("/applications/<int:application_id>/override", methods=["POST"])
@require_role("hiring_manager")  # before the body is validated: no token is 401, not 422
@blp.arguments(OverrideSchema)
@blp.response(201)
def post_override(data: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Record an override (recommendation and a required reason) beside the verdict."""
    _visible_application(application_id)
    session = get_session()
    record_override(
        session, application_id, data["recommendation"], data["reason"], current_principal().actor
    )
    session.commit()
    return service.verdict_payload(session, application_id)


@blp.route("/verdicts/preview", methods=["POST"])
@require_role("recruiter", "hiring_manager")  # before the body is validated
@blp.arguments(PreviewSchema)
@blp.response(200)
@blp.alt_response(422, description="Invalid competencies or rating points, each named")
def post_preview(data: dict[str, Any]) -> dict[str, Any]:
    """The verdict these ratings would get under the loop's hiring bar: the same JSON as
    ``GET /api/applications/<id>/verdict``, computed by the same code; nothing is stored."""
    session = get_session()
    loop = session.get(Loop, data["loop_id"])
    # Another job's loop is as if missing.
    if loop is None or not current_principal().can_see_job(loop.job_id):
        raise ApiError(404, f"No loop with id {data['loop_id']}.", fields={"loop_id": "unknown"})
    return preview_verdict(loop_settings(loop), data["ratings"])


@blp.route("/jobs/<ats>/<job_id>/candidates")
@require_role("recruiter", "hiring_manager")
@blp.arguments(CandidatesQuerySchema, location="query")
@blp.response(200)
def get_candidates(query: dict[str, Any], ats: str, job_id: str) -> dict[str, Any]:
    """A job's candidates side by side: recommendation and verdict per competency."""
    if not current_principal().can_see_job(job_id):
        raise ApiError(404, f"No job {job_id} here.", fields={"job_id": "unknown"})
    comparison = job_comparison(
        get_session(),
        ats,
        job_id,
        sort=query["sort"],
        order=query["order"],
        page=query["page"],
        per_page=query["per_page"],
    )
    return comparison.to_dict()


@blp.route("/calibration")
@require_role("admin")
@blp.arguments(CalibrationQuerySchema, location="query")
@blp.response(200)
def get_calibration(query: dict[str, Any]) -> dict[str, Any]:
    """Per interviewer: scorecards, distribution, no-evidence rate, leniency offset; per loop
    and competency: ordinal Krippendorff's alpha. Information only; verdicts never use it."""
    report = calibration_service.calibration_report(
        get_session(), days=query["days"], ats=query["ats"], job_id=query["job_id"]
    )
    return report.to_dict()
