"""Arrange loops, applications, assignments and scorecards for the verdict tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.core.models import utcnow
from plugin.loops.models import Loop
from tests import factories

SPEC, DATA = "functional-specification", "fluency-with-data"

LOOP_DEFINITION: dict[str, Any] = {
    "name": "Senior PM, Payments",
    "framework": "pm",
    "level": "senior-pm",
    "ats": "greenhouse",
    "job_id": "3485",
    "must_have": [SPEC, DATA],
    "stages": [
        {
            "name": "Onsite",
            "ats_stage_id": "71416",
            "interviews": [
                {
                    "name": "Spec writing",
                    "ats_interview_id": "113100",
                    "format": "spec-writing",
                    "competencies": [SPEC, "product-delivery"],
                },
                {
                    "name": "Analytics case",
                    "ats_interview_id": "113101",
                    "format": "analytics-case",
                    "competencies": [DATA, SPEC],
                },
                {
                    "name": "Product sense",
                    "ats_interview_id": "113102",
                    "format": "product-sense",
                    "competencies": [DATA, "product-quality"],
                },
                {
                    "name": "Conflict",
                    "ats_interview_id": "113103",
                    "format": "conflict",
                    "competencies": [DATA, "stakeholder-inclusion"],
                },
            ],
        }
    ],
}

# The debrief scenario: four interviewers, a split must-have (Functional Specification), a
# gap (Product Quality, where the only rating is no_evidence) and that no_evidence rating.
SCENARIO: list[tuple[str, str, str, dict[str, tuple[str, str]]]] = [
    (
        "101",
        "Grace Hopper",
        "Spec writing",
        {
            SPEC: ("outperforming", "Wrote a phased spec with explicit non-goals."),
            "product-delivery": ("on_track", "Shipped the migration in three phases."),
        },
    ),
    (
        "102",
        "Alan Turing",
        "Analytics case",
        {
            SPEC: ("needs_focus", "Could not say what was out of scope."),
            DATA: ("on_track", "Picked conversion, then checked the denominator."),
        },
    ),
    (
        "103",
        "Katherine Johnson",
        "Product sense",
        {
            DATA: ("outperforming", "Sized the market from first principles."),
            "product-quality": ("no_evidence", ""),
        },
    ),
    (
        "104",
        "Edsger Dijkstra",
        "Conflict",
        {
            DATA: ("on_track", "Used the retention curve to settle a dispute."),
            "stakeholder-inclusion": ("on_track", "Brought legal in early."),
        },
    ),
]


def make_loop(db: Session, job_id: str = "3485", **changes: Any) -> Loop:
    return factories.make_loop(db, {**LOOP_DEFINITION, "job_id": job_id, **changes})


def make_application(
    db: Session,
    loop: Loop,
    external_id: str,
    name: str,
    scenario: list[tuple[str, str, str, dict[str, tuple[str, str]]]] | None = None,
    *,
    pending: int = 0,
) -> Application:
    """``name``'s application with a scorecard submitted an hour ago per ``scenario`` entry
    (the debrief scenario by default) and ``pending`` interviews still waiting."""
    application = factories.make_application(
        db,
        loop,
        external_id=external_id,
        candidate_external_id=f"c{external_id}",
        candidate_name=name,
        job_name="Senior PM, Payments",
        current_stage_name="Onsite",
    )
    an_hour_ago = utcnow() - timedelta(hours=1)
    for user_id, interviewer, interview, ratings in scenario if scenario is not None else SCENARIO:
        assignment = factories.make_assignment(
            db,
            application,
            stage_name="Onsite",
            interview_key=interview,
            interviewer_key=user_id,
            interviewer_name=interviewer,
        )
        factories.submit_scorecard(db, assignment, ratings, submitted_at=an_hour_ago)
    for index in range(pending):
        factories.make_assignment(
            db,
            application,
            stage_name="Onsite",
            interview_key=f"Extra {index}",
            interview_name=f"Extra interview {index}",
            interviewer_key=f"9{index}",
            interviewer_name=f"Pending Person {index}",
        )
    return application
