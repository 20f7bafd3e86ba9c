"""Marshmallow schemas of the interviewer's scorecard API (``/api/scorecard``) and the
recruiter's link endpoints. Unknown fields are refused everywhere (422 naming the field).

The shape is checked here; what depends on the interview (which competencies it rates, the
framework's rating points) is checked by ``plugin.scorecards.service.check_input``, which
answers in the same 422 shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from marshmallow import validate

from plugin.scorecards.service import EVIDENCE_MAX_CHARS, NOTES_MAX_CHARS, REASON_MAX_CHARS
from scorecards.scale import RECOMMENDATIONS

MAX_RATINGS = 50
ID_MAX_CHARS = 64


class RatingInputSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    rating = ma.fields.String(required=True, validate=validate.Length(min=1, max=ID_MAX_CHARS))
    evidence = ma.fields.String(load_default="", validate=validate.Length(max=EVIDENCE_MAX_CHARS))


class RatingsField(ma.fields.Field):
    """``{"<competency id>": {"rating", "evidence"}}`` with errors named
    ``ratings.<id>.<field>`` rather than marshmallow's key/value nesting."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> dict[str, dict[str, str]]:
        if not isinstance(value, Mapping):
            raise ma.ValidationError("Must be an object keyed by competency id.")
        if len(value) > MAX_RATINGS:
            raise ma.ValidationError(f"At most {MAX_RATINGS} competencies.")
        schema = RatingInputSchema()
        out: dict[str, dict[str, str]] = {}
        errors: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or not 0 < len(key) <= ID_MAX_CHARS:
                errors[str(key)[:ID_MAX_CHARS]] = ["Not a competency id."]
                continue
            if not isinstance(item, Mapping):
                errors[key] = ['Must be an object: {"rating": ..., "evidence": ...}.']
                continue
            try:
                out[key] = schema.load(item)
            except ma.ValidationError as exc:
                errors[key] = exc.messages
        if errors:
            raise ma.ValidationError(errors)
        return out


class ScorecardInputSchema(ma.Schema):
    """The contract's PUT /api/scorecard body."""

    class Meta:
        unknown = ma.RAISE

    # Required, so that an empty or non-JSON body is refused rather than saved as an empty
    # draft over the one kept (a draft with nothing rated yet sends {}).
    ratings = RatingsField(
        required=True,
        metadata={
            "description": 'Per competency id: {"rating": "<point or no_evidence>", '
            '"evidence": "..."}',
            "type": "object",
        },
    )
    recommendation = ma.fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(RECOMMENDATIONS)
    )
    notes = ma.fields.String(load_default="", validate=validate.Length(max=NOTES_MAX_CHARS))
    submit = ma.fields.Boolean(load_default=False)
    reason = ma.fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=REASON_MAX_CHARS)
    )


class AssignmentSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    interview = ma.fields.String()
    stage = ma.fields.String()
    interviewer = ma.fields.String(allow_none=True)
    status = ma.fields.String()


class CandidateSchema(ma.Schema):
    application_id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)


class CompetencyCardSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    area = ma.fields.String()
    expectation = ma.fields.String()
    anchors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    evidence_prompts = ma.fields.List(ma.fields.String())


class RatingOutSchema(ma.Schema):
    rating = ma.fields.String(allow_none=True)
    evidence = ma.fields.String()


class RevisionSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    after_submission = ma.fields.Boolean()
    after_seeing_peers = ma.fields.Boolean()
    actor = ma.fields.String()
    reason = ma.fields.String()
    created_at = ma.fields.String()
    before = ma.fields.Dict()
    after = ma.fields.Dict()


class PeerScorecardSchema(ma.Schema):
    interviewer = ma.fields.String(allow_none=True)
    interview = ma.fields.String(allow_none=True)
    source = ma.fields.String()
    recommendation = ma.fields.String(allow_none=True)
    notes = ma.fields.String()
    ratings = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(RatingOutSchema))
    submitted_at = ma.fields.String(allow_none=True)
    amended_after_submission = ma.fields.Boolean()


class ScorecardOutSchema(ma.Schema):
    """The interviewer's own scorecard; ``peers`` appears only after their own submission,
    and only when the loop shows peers."""

    assignment = ma.fields.Nested(AssignmentSummarySchema)
    candidate = ma.fields.Nested(CandidateSchema)
    framework = ma.fields.String(allow_none=True)
    level = ma.fields.String(allow_none=True)
    competencies = ma.fields.List(ma.fields.Nested(CompetencyCardSchema))
    status = ma.fields.String()
    ratings = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(RatingOutSchema))
    recommendation = ma.fields.String(allow_none=True)
    notes = ma.fields.String()
    submitted_at = ma.fields.String(allow_none=True)
    amended_at = ma.fields.String(allow_none=True)
    amended_after_submission = ma.fields.Boolean()
    revisions = ma.fields.List(ma.fields.Nested(RevisionSchema))
    peers = ma.fields.List(ma.fields.Nested(PeerScorecardSchema))
    # When peers' ratings were first shown (later rating changes are marked so), whether
    # the loop then locks ratings, and the interviewer's "not held" with its reason.
    peers_seen_at = ma.fields.String(allow_none=True)
    lock_after_peers = ma.fields.Boolean()
    not_held = ma.fields.Dict(allow_none=True)


class LinkSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    token = ma.fields.String()
    link_version = ma.fields.Integer()
    expires_at = ma.fields.String()


class RevokedSchema(ma.Schema):
    id = ma.fields.Integer()
    link_version = ma.fields.Integer()
    revoked = ma.fields.Boolean()
