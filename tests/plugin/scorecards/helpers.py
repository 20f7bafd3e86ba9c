"""Arranging an application with four interviewers for the scorecard tests."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.core.links import make_link_token
from plugin.loops.models import Loop
from tests.factories import make_application, make_assignment, make_loop

LOOP_DOCUMENT: dict[str, Any] = {
    "name": "Senior PM, Payments",
    "framework": "pm",
    "level": "senior-pm",
    "ats": "greenhouse",
    "job_id": "3485",
    "must_have": ["functional-specification", "fluency-with-data"],
    "stages": [
        {
            "name": "Onsite",
            "ats_stage_id": "71416",
            "interviews": [
                {
                    "name": "Product sense",
                    "ats_interview_id": "113101",
                    "format": "product-sense",
                    "competencies": ["business-outcome-ownership", "user-experience-design"],
                },
                {
                    "name": "Spec writing",
                    "ats_interview_id": "113102",
                    "format": "spec-writing",
                    "competencies": ["functional-specification", "product-delivery"],
                },
                {
                    "name": "Analytics case",
                    "ats_interview_id": "113103",
                    "format": "analytics-case",
                    "competencies": ["fluency-with-data", "functional-specification"],
                },
                {
                    "name": "Stakeholder conflict",
                    "ats_interview_id": "113104",
                    "format": "conflict",
                    "competencies": ["stakeholder-inclusion", "fluency-with-data"],
                },
            ],
        }
    ],
}

INTERVIEWERS = [
    ("4080", "Priya Natarajan"),
    ("4081", "Tomás Herrera"),
    ("4082", "Grace Okafor"),
    ("4083", "Lena Fischer"),
]

EVIDENCE = (
    "Walked through the payments-retry spec line by line, named the non-goals and the two "
    "edge cases engineering found, and showed the success metric they chose."
)


@dataclass
class Arranged:
    loop: Loop
    application: Application
    assignments: list[Assignment]
    tokens: list[str]

    def competencies(self, index: int) -> list[str]:
        interviews = self.loop.definition["stages"][0]["interviews"]
        return list(interviews[index]["competencies"])


def arrange(
    app: Flask,
    db: Session,
    *,
    settings: dict[str, Any] | None = None,
    candidate: str = "Ada Lovelace",
    external_id: str = "69306314",
) -> Arranged:
    document = copy.deepcopy(LOOP_DOCUMENT)
    if settings is not None:
        document["settings"] = settings
    loop = make_loop(db, document, reuse=True)
    application = make_application(
        db,
        loop,
        external_id=external_id,
        candidate_external_id="c-" + external_id,
        candidate_name=candidate,
        job_name="Senior PM, Payments",
        current_stage_id="71416",
        current_stage_name="Onsite",
    )
    assignments = [
        make_assignment(
            db,
            application,
            stage_id="71416",
            stage_name="Onsite",
            interview_key=interview["ats_interview_id"],
            interview_name=interview["name"],
            interviewer_key=user_id,
            interviewer_name=name,
            interviewer_email=f"{user_id}@example.com",
        )
        for interview, (user_id, name) in zip(
            document["stages"][0]["interviews"], INTERVIEWERS, strict=True
        )
    ]
    db.commit()
    with app.app_context():
        tokens = [make_link_token(a.id, a.link_version) for a in assignments]
    return Arranged(loop, application, assignments, tokens)


def full_body(competencies: list[str], **overrides: Any) -> dict[str, Any]:
    """A complete, submittable scorecard for the given competencies."""
    body: dict[str, Any] = {
        "ratings": {cid: {"rating": "on_track", "evidence": EVIDENCE} for cid in competencies},
        "recommendation": "yes",
        "notes": "Clear thinker; would hire for the payments team.",
        "submit": True,
    }
    body.update(overrides)
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
