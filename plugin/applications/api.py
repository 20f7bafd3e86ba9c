"""Applications by ATS identity and their interviewer assignments.

- ``GET /api/applications?ats=greenhouse&external_id=N`` → ``{"applications": [...]}``
  (also ``job_id``, ``status``, ``limit``).
- ``GET /api/applications/<id>`` → one application.
- ``GET /api/applications/<id>/assignments`` → ``{"assignments": [...]}``, one per
  interviewer and interview, each with the interviewer's page ``url`` and bearer ``token``
  (cancelled ones only with ``include_cancelled=true``, and without a link).

Recruiters and hiring managers see only the jobs their token is scoped to.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import select

from plugin.applications.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
)
from plugin.auth.tokens import current_principal, require_role
from plugin.core.db import get_session
from plugin.core.errors import ApiError
from plugin.core.links import interviewer_url, make_link_token

blp = Blueprint(
    "applications",
    __name__,
    url_prefix="/api/applications",
    description="Applications and interviewer assignments",
)

ROLES = ("recruiter", "hiring_manager")


class ApplicationsQuerySchema(ma.Schema):
    ats = ma.fields.String(validate=ma.validate.OneOf(("greenhouse", "lever", "ashby")))
    external_id = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
    job_id = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
    status = ma.fields.String(
        validate=ma.validate.OneOf([status.value for status in ApplicationStatus])
    )
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))


class AssignmentsQuerySchema(ma.Schema):
    include_cancelled = ma.fields.Boolean(load_default=False)


class StageSchema(ma.Schema):
    id = ma.fields.String(allow_none=True)
    name = ma.fields.String(allow_none=True)


class ApplicationSchema(ma.Schema):
    id = ma.fields.Integer()
    ats = ma.fields.String()
    external_id = ma.fields.String()
    candidate_external_id = ma.fields.String(allow_none=True)
    candidate_name = ma.fields.String(allow_none=True)
    job_id = ma.fields.String(allow_none=True)
    job_name = ma.fields.String(allow_none=True)
    loop_id = ma.fields.Integer(allow_none=True)
    current_stage = ma.fields.Nested(StageSchema)
    status = ma.fields.String()
    source_updated_at = ma.fields.DateTime(allow_none=True)
    purged = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ApplicationListSchema(ma.Schema):
    applications = ma.fields.List(ma.fields.Nested(ApplicationSchema))


class AssignmentSchema(ma.Schema):
    id = ma.fields.Integer()
    application_id = ma.fields.Integer()
    interview = ma.fields.String()
    interview_key = ma.fields.String()
    stage = ma.fields.Nested(StageSchema)
    interviewer = ma.fields.String(allow_none=True, metadata={"description": "name or id"})
    interviewer_id = ma.fields.String(allow_none=True)
    interviewer_email = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    url = ma.fields.String(allow_none=True)
    token = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class AssignmentListSchema(ma.Schema):
    assignments = ma.fields.List(ma.fields.Nested(AssignmentSchema))


def application_json(application: Application) -> dict[str, Any]:
    return {
        "id": application.id,
        "ats": application.ats,
        "external_id": application.external_id,
        "candidate_external_id": application.candidate_external_id,
        "candidate_name": application.candidate_name,
        "job_id": application.job_id,
        "job_name": application.job_name,
        "loop_id": application.loop_id,
        "current_stage": {
            "id": application.current_stage_id,
            "name": application.current_stage_name,
        },
        "status": application.status,
        "source_updated_at": application.source_updated_at,
        "purged": application.purged_at is not None,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
    }


#: Who may see an interviewer's link: it lets its holder write that interviewer's scorecard.
LINK_ROLES = ("admin", "recruiter")


def assignment_json(assignment: Assignment, *, with_link: bool) -> dict[str, Any]:
    token = None
    if with_link and assignment.status != AssignmentStatus.CANCELLED:
        token = make_link_token(assignment.id, assignment.link_version)
    return {
        "id": assignment.id,
        "application_id": assignment.application_id,
        "interview": assignment.interview_name,
        "interview_key": assignment.interview_key,
        "stage": {"id": assignment.stage_id, "name": assignment.stage_name},
        "interviewer": assignment.interviewer_name or assignment.interviewer_key or None,
        "interviewer_id": assignment.interviewer_key or None,
        "interviewer_email": assignment.interviewer_email,
        "status": assignment.status,
        "url": interviewer_url(token) if token else None,
        "token": token,
        "created_at": assignment.created_at,
    }


def _visible(application_id: int) -> Application:
    application = get_session().get(Application, application_id)
    if application is None:
        raise ApiError(404, f"No application with id {application_id}.", fields={"id": "unknown"})
    if not current_principal().can_see_job(application.job_id):
        # As if missing: a token scoped to one job learns nothing of the others' ids.
        raise ApiError(404, f"No application with id {application_id}.", fields={"id": "unknown"})
    return application


@blp.route("")
@blp.arguments(ApplicationsQuerySchema, location="query")
@blp.response(200, ApplicationListSchema)
@require_role(*ROLES)
def list_applications(args: dict[str, Any]) -> dict[str, Any]:
    """Applications, addressable by ATS identity (``ats`` + ``external_id``)."""
    principal = current_principal()
    query = select(Application).order_by(Application.id).limit(args["limit"])
    for name in ("ats", "external_id", "job_id", "status"):
        if args.get(name):
            query = query.where(getattr(Application, name) == args[name])
    if principal.role != "admin" and principal.job_id is not None:
        query = query.where(Application.job_id == principal.job_id)
    rows = get_session().scalars(query).all()
    return {"applications": [application_json(row) for row in rows]}


@blp.route("/<int:application_id>")
@blp.response(200, ApplicationSchema)
@require_role(*ROLES)
def get_application(application_id: int) -> dict[str, Any]:
    """One application: ATS identity, job, current stage and status."""
    return application_json(_visible(application_id))


@blp.route("/<int:application_id>/assignments")
@blp.arguments(AssignmentsQuerySchema, location="query")
@blp.response(200, AssignmentListSchema)
@require_role(*ROLES)
def list_assignments(args: dict[str, Any], application_id: int) -> dict[str, Any]:
    """One entry per interviewer and interview, with the interviewer's link and token (for
    recruiters and admins; a hiring manager sees null there)."""
    application = _visible(application_id)
    query = (
        select(Assignment)
        .where(Assignment.application_id == application.id)
        .order_by(Assignment.id)
    )
    if not args["include_cancelled"]:
        query = query.where(Assignment.status != AssignmentStatus.CANCELLED)
    rows = get_session().scalars(query).all()
    with_link = current_principal().role in LINK_ROLES
    return {"assignments": [assignment_json(row, with_link=with_link) for row in rows]}
