"""GET /api/frameworks and /api/frameworks/<id>."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from plugin.auth.tokens import ROLES, require_role
from plugin.core.errors import ApiError
from plugin.frameworks.registry import registry
from scorecards.framework import Framework

blp = Blueprint(
    "frameworks", __name__, url_prefix="/api/frameworks", description="Competency frameworks"
)


class FrameworkSummarySchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    version = ma.fields.String()


class FrameworkListSchema(ma.Schema):
    frameworks = ma.fields.List(ma.fields.Nested(FrameworkSummarySchema))


class NamedSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()


class LevelSchema(NamedSchema):
    manages_people = ma.fields.Boolean()
    scope = ma.fields.String()


class QuestionSchema(ma.Schema):
    id = ma.fields.String()
    text = ma.fields.String()
    follow_ups = ma.fields.List(ma.fields.String())
    formats = ma.fields.List(ma.fields.String())


class CompetencySchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    area = ma.fields.String()
    description = ma.fields.String()
    aliases = ma.fields.List(ma.fields.String())
    min_level = ma.fields.String(allow_none=True)
    expectations = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    anchors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String()),
    )
    evidence_prompts = ma.fields.List(ma.fields.String())
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema))


class ArchetypeSchema(NamedSchema):
    strong = ma.fields.List(ma.fields.String())
    growth_areas = ma.fields.List(ma.fields.String())
    description = ma.fields.String()


class FormatSchema(NamedSchema):
    competencies = ma.fields.List(ma.fields.String())
    keywords = ma.fields.List(ma.fields.String())


class FrameworkSchema(FrameworkSummarySchema):
    description = ma.fields.String()
    scale = ma.fields.List(ma.fields.Nested(NamedSchema))
    areas = ma.fields.List(ma.fields.Nested(NamedSchema))
    levels = ma.fields.List(ma.fields.Nested(LevelSchema))
    competencies = ma.fields.List(ma.fields.Nested(CompetencySchema))
    archetypes = ma.fields.List(ma.fields.Nested(ArchetypeSchema))
    formats = ma.fields.List(ma.fields.Nested(FormatSchema))


@blp.route("")
@blp.response(200, FrameworkListSchema)
@require_role(*ROLES)
def list_frameworks() -> dict[str, Any]:
    """The frameworks this deployment knows (built-in and HIRELOOP_FRAMEWORKS_DIR)."""
    return {"frameworks": registry().all()}


@blp.route("/<framework_id>")
@blp.response(200, FrameworkSchema)
@require_role(*ROLES)
def get_framework(framework_id: str) -> Framework:
    """Areas, levels in order, and per competency the expectations, anchors and questions."""
    framework = registry().get(framework_id)
    if framework is None:
        raise ApiError(
            404, f"No framework with id '{framework_id}'.", fields={"framework_id": "unknown"}
        )
    return framework
