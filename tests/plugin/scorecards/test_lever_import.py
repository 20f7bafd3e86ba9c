"""Lever feedback imported into the interviewer's assignment: matched on the feedback form's
template (``baseTemplateId``), which is what a loop's Lever interview names, not on the
scheduled interview's id."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment, AssignmentStatus
from plugin.ats.lever import scorecard_from_feedback
from plugin.scorecards.imports import framework_for, import_scorecards
from tests.plugin.ats.conftest import payload

FORM = payload("lever/api.feedback.retrieve.response.json")["data"]


def test_lever_feedback_completes_the_assignment_of_its_template(app: Flask, db: Session) -> None:
    application = Application(ats="lever", external_id="opp-1", status="active")
    db.add(application)
    db.flush()

    def assignment(interview_key: str) -> Assignment:
        row = Assignment(
            application_id=application.id,
            interview_key=interview_key,
            interview_name=interview_key,
            interviewer_key=FORM["user"],
            status=AssignmentStatus.PENDING,
        )
        db.add(row)
        return row

    # The same interviewer in two interviews: only the template tells them apart.
    other = assignment("another-template")
    mine = assignment(FORM["baseTemplateId"])
    db.flush()
    card = scorecard_from_feedback({**FORM, "deletedAt": None}, "opp-1")
    assert card.interview_id == FORM["baseTemplateId"] != FORM["interview"]
    with app.app_context():  # the framework registry is the app's
        result = import_scorecards(db, application, [card], framework_for(db, application))
    assert result.created == [FORM["id"]]
    assert (mine.status, other.status) == (AssignmentStatus.SUBMITTED, AssignmentStatus.PENDING)
