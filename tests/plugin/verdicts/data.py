"""Arrange loops, applications, assignments and scorecards for the verdict tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.core.models import utcnow
from plugin.loops.models import Loop
from plugin.scorecards.models import Rating, Scorecard

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
    definition = {**LOOP_DEFINITION, "job_id": job_id, **changes}
    loop = Loop(
        name=definition["name"],
        framework_id="pm",
        level=definition["level"],
        ats="greenhouse",
        job_id=job_id,
        definition=definition,
    )
    db.add(loop)
    db.flush()
    return loop


def make_application(
    db: Session,
    loop: Loop,
    external_id: str,
    name: str,
    scenario: list[tuple[str, str, str, dict[str, tuple[str, str]]]] | None = None,
    *,
    pending: int = 0,
) -> Application:
    application = Application(
        ats="greenhouse",
        external_id=external_id,
        candidate_external_id=f"c{external_id}",
        candidate_name=name,
        job_id=loop.job_id,
        job_name="Senior PM, Payments",
        loop_id=loop.id,
        current_stage_name="Onsite",
    )
    db.add(application)
    db.flush()
    now = utcnow()
    for user_id, interviewer, interview, ratings in scenario if scenario is not None else SCENARIO:
        assignment = Assignment(
            application_id=application.id,
            stage_name="Onsite",
            interview_key=interview,
            interview_name=interview,
            interviewer_key=user_id,
            interviewer_name=interviewer,
            status="submitted",
            submitted_at=now,
        )
        db.add(assignment)
        db.flush()
        card = Scorecard(
            application_id=application.id,
            assignment_id=assignment.id,
            source="hireloop",
            interviewer_key=user_id,
            interviewer_name=interviewer,
            interview_name=interview,
            recommendation="yes",
            status="submitted",
            submitted_at=now - timedelta(hours=1),
        )
        db.add(card)
        db.flush()
        for competency, (rating, evidence) in ratings.items():
            db.add(
                Rating(
                    scorecard_id=card.id,
                    application_id=application.id,
                    competency_id=competency,
                    rating=rating,
                    evidence=evidence,
                )
            )
    for index in range(pending):
        db.add(
            Assignment(
                application_id=application.id,
                stage_name="Onsite",
                interview_key=f"Extra {index}",
                interview_name=f"Extra interview {index}",
                interviewer_key=f"9{index}",
                interviewer_name=f"Pending Person {index}",
                status="pending",
            )
        )
    db.flush()
    return application
