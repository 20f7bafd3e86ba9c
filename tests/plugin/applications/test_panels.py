"""Who interviews, from the ATS's scheduled interviews: waiting assignments get their
interviewer, a swapped-out one is cancelled, scheduled-interview ids are recorded, and the
applications the sweep re-reads are the right ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.applications.panels import apply_scheduled, eligible
from plugin.ats.base import AtsScheduledInterview, AtsUser
from tests.plugin.inbound.support import add_loop, app, application, assignments, hook_calls
from tests.plugin.inbound.test_inbound import gh_variant, post_gh
from tests.webhooks.helpers import payload_bytes

__all__ = ["app", "hook_calls"]  # fixtures

STARTS = datetime(2026, 12, 1, 15, tzinfo=UTC)


def scheduled(sid: str, interview: str | None, name: str, *people: str) -> AtsScheduledInterview:
    return AtsScheduledInterview(
        id=sid,
        interview_id=interview,
        interview_name=name,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=1),
        interviewers=tuple(AtsUser(p, f"User {p}", f"{p}@example.com") for p in people),
    )


def waiting_application(app: Flask, db: Session) -> Application:
    add_loop(db)
    assert post_gh(app, gh_variant(interviewers=[])).status_code == 200
    found = application(db, "greenhouse", "265277")
    assert found is not None
    return found


def test_waiting_assignments_get_their_interviewers_and_scheduled_ids(
    app: Flask, db: Session, hook_calls: list[tuple[str, Any]]
) -> None:
    found = waiting_application(app, db)
    assert [(a.interview_key, a.interviewer_key) for a in assignments(db, found.id)] == [
        ("113101", ""),
        ("Spec writing", ""),
    ]
    result = apply_scheduled(
        db,
        found,
        [
            scheduled("7000", "113101", "Assessment", "2622"),
            scheduled("7001", "200", "Spec writing", "2623", "2624"),
            scheduled("6999", "99", "An earlier stage's interview", "2700"),
        ],
    )
    db.commit()
    rows = assignments(db, found.id)
    assert [(a.interview_key, a.interviewer_key, a.scheduled_interview_id) for a in rows] == [
        ("113101", "2622", "7000"),
        ("Spec writing", "2623", "7001"),
        ("Spec writing", "2624", "7001"),
    ]
    assert rows[0].interviewer_email == "2622@example.com" and rows[0].starts_at == STARTS
    assert result == {"scheduled": 3, "assigned": 3, "recorded": 3}
    created = [args for name, args in hook_calls if name == "assignment_created"]
    assert {who for _, who in created} == {"2622", "2623", "2624"}  # their links go out
    # The same panel again changes nothing.
    again = apply_scheduled(db, found, [scheduled("7000", "113101", "Assessment", "2622")])
    assert again["assigned"] == 0 and again["recorded"] == 0


def test_a_swapped_interviewer_is_cancelled_and_the_new_one_assigned(
    app: Flask, db: Session
) -> None:
    found = waiting_application(app, db)
    apply_scheduled(db, found, [scheduled("7000", "113101", "Assessment", "2622")])
    apply_scheduled(db, found, [scheduled("7000", "113101", "Assessment", "2700")])
    db.commit()
    rows = [a for a in assignments(db, found.id) if a.interview_key == "113101"]
    assert [(a.interviewer_key, a.status) for a in rows] == [
        ("2622", "cancelled"),
        ("2700", "pending"),
    ]


def test_an_interview_whose_interviewers_the_ats_left_out_cancels_nobody(
    app: Flask, db: Session
) -> None:
    # Ashby without interviewers[] or interviewerUserIds, Lever without interviewers: the
    # panel is unknown, not empty.
    found = waiting_application(app, db)
    apply_scheduled(db, found, [scheduled("7000", "113101", "Assessment", "2622")])
    unknown = replace(scheduled("7000", "113101", "Assessment"), interviewers_known=False)
    apply_scheduled(db, found, [unknown])
    db.commit()
    rows = [a for a in assignments(db, found.id) if a.interview_key == "113101"]
    assert [(a.interviewer_key, a.status) for a in rows] == [("2622", "pending")]


def test_the_sweep_reads_waiting_and_recent_applications_only(app: Flask, db: Session) -> None:
    found = waiting_application(app, db)
    assert eligible(db, ["greenhouse"]) == [found.id]
    assert eligible(db, ["lever"]) == []
    apply_scheduled(
        db,
        found,
        [
            scheduled("7000", "113101", "Assessment", "2622"),
            scheduled("7001", None, "Spec writing", "2623"),
        ],
    )
    db.commit()
    # Nobody waits, but the stage was entered today: still re-read (swaps, removals).
    assert eligible(db, ["greenhouse"]) == [found.id]
    old = datetime.now(UTC) - timedelta(days=15)
    db.execute(update(Application).values(stage_entered_at=old))
    db.commit()
    assert eligible(db, ["greenhouse"]) == []
    # A slot waiting in an earlier stage is not the current stage's: not re-read for it.
    db.execute(update(Assignment).where(Assignment.interviewer_key == "2623").values(
        interviewer_key="", stage_id="70000"))  # fmt: skip
    db.commit()
    assert eligible(db, ["greenhouse"]) == []
    db.execute(update(Application).values(status="hired"))
    db.execute(update(Assignment).values(stage_id="71416"))
    db.commit()
    assert eligible(db, ["greenhouse"]) == []  # closed applications are not read


def test_interview_deleted_matches_the_recorded_scheduled_interview(
    app: Flask, db: Session
) -> None:
    found = waiting_application(app, db)
    apply_scheduled(db, found, [scheduled("31087450", "113101", "Assessment", "2622")])
    db.commit()
    post_gh(app, payload_bytes("greenhouse/interview_deleted.json"), event_id="deleted")
    statuses = {a.interviewer_key: a.status for a in assignments(db, found.id)}
    assert statuses == {"2622": "cancelled", "": "pending"}
    # A read of the scheduled interviews made before the deletion still lists it: applied
    # after the deletion, it does not bring the interview back.
    db.expire_all()
    stale = application(db, "greenhouse", "265277")
    assert stale is not None
    apply_scheduled(db, stale, [scheduled("31087450", "113101", "Assessment", "2622")])
    db.commit()
    statuses = {a.interviewer_key: a.status for a in assignments(db, found.id)}
    assert statuses == {"2622": "cancelled", "": "pending"}


@pytest.mark.parametrize(
    ("ats", "whole_panel"), [("lever", True), ("ashby", True), ("greenhouse", False)]
)
def test_a_lever_or_ashby_read_cancels_an_interview_it_no_longer_lists(
    app: Flask, db: Session, ats: str, whole_panel: bool
) -> None:
    # Lever and Ashby place every interview in a stage: what they list is the whole panel.
    # Greenhouse lists only what is scheduled yet: an interview it leaves out is not gone.
    found = waiting_application(app, db)
    if ats != "greenhouse":
        add_loop(db, ats=ats)  # the same job and stage, in that ATS
        db.execute(update(Application).where(Application.id == found.id).values(ats=ats))
        db.commit()
        moved = application(db, ats, "265277")
        assert moved is not None
        found = moved

    def staged(sid: str, interview: str, name: str, person: str) -> AtsScheduledInterview:
        return replace(scheduled(sid, interview, name, person), stage_id="71416")

    apply_scheduled(
        db,
        found,
        [
            staged("7000", "113101", "Assessment", "2622"),
            staged("7001", "200", "Spec writing", "2623"),
        ],
    )
    db.commit()
    apply_scheduled(db, found, [staged("7000", "113101", "Assessment", "2622")])
    db.commit()
    statuses = {a.interviewer_key: a.status for a in assignments(db, found.id)}
    if whole_panel:  # Spec writing has nobody now: a slot waits for an interviewer
        assert statuses == {"2622": "pending", "2623": "cancelled", "": "pending"}
    else:
        assert statuses == {"2622": "pending", "2623": "pending"}


def test_a_read_with_an_interview_of_no_known_stage_is_not_the_whole_panel(
    app: Flask, db: Session
) -> None:
    found = waiting_application(app, db)
    add_loop(db, ats="lever")
    db.execute(update(Application).where(Application.id == found.id).values(ats="lever"))
    db.commit()
    lever = application(db, "lever", "265277")
    assert lever is not None
    apply_scheduled(
        db,
        lever,
        [
            replace(scheduled("7000", "113101", "Assessment", "2622"), stage_id="71416"),
            replace(scheduled("7001", "200", "Spec writing", "2623"), stage_id="71416"),
        ],
    )
    db.commit()
    apply_scheduled(db, lever, [scheduled("7000", "113101", "Assessment", "2622")])
    db.commit()
    statuses = {a.interviewer_key: a.status for a in assignments(db, lever.id)}
    assert statuses == {"2622": "pending", "2623": "pending"}
