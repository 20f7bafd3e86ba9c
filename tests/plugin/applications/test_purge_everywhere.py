"""Deleting a candidate removes their name and free text from every table: scorecard
evidence and notes, amendment revisions, override reasons, verdict summaries, development
plans, outbox payloads, results and errors, and webhook bodies, also those still pending or
failing."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.core.privacy import REMOVED
from plugin.inbound.models import REDACTED_BODY, WebhookDelivery
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.schema import metadata
from plugin.scorecards.models import Rating, Scorecard, ScorecardRevision
from plugin.verdicts.models import DevelopmentPlan, VerdictOverride, VerdictRecord
from tests.plugin.inbound.support import add_loop, app, application, inbound_app
from tests.plugin.inbound.test_inbound import GH_STAGE, post_gh

__all__ = ["app", "inbound_app"]  # fixtures

NAMES = ("giuseppe", "hurley")


def everything_stored(db: Session) -> str:
    """Every row of every table as text, lower-cased (bodies decoded)."""
    out = []
    for table in metadata.sorted_tables:
        for row in db.execute(text(f"SELECT * FROM {table.name}")):
            for value in row:
                if isinstance(value, bytes | memoryview):
                    value = bytes(value).decode(errors="replace")
                out.append(str(value))
    return "\n".join(out).lower()


def arrange_free_text(db: Session, application_id: int) -> None:
    assignment = db.scalars(
        select(Assignment).where(Assignment.application_id == application_id)
    ).first()
    assert assignment is not None
    card = Scorecard(
        application_id=application_id,
        assignment_id=assignment.id,
        interviewer_key="2622",
        status="submitted",
        recommendation="yes",
        notes="Giuseppe was late but sharp.",
    )
    card.ratings.append(
        Rating(
            application_id=application_id,
            competency_id="product-delivery",
            rating="on_track",
            evidence="Hurley shipped the payments rewrite.",
        )
    )
    db.add(card)
    db.flush()
    snapshot: dict[str, Any] = {
        "notes": "Giuseppe Hurley",
        "ratings": {"x": {"evidence": "G. Hurley"}},
    }
    db.add(
        ScorecardRevision(
            scorecard_id=card.id,
            actor="a",
            reason="Giuseppe asked",
            before=snapshot,
            after=snapshot,
        )
    )
    db.add(
        VerdictOverride(
            application_id=application_id, recommendation="no", reason="Hurley lied", actor="hm"
        )
    )
    db.add(
        VerdictRecord(
            application_id=application_id,
            fingerprint="f",
            recommendation="yes",
            summary={"candidate": "Giuseppe Hurley", "rule": "for Giuseppe: yes"},
        )
    )
    goal = {
        "competency": "product-delivery",
        "verdict": "thin",
        "expectation": "Leads delivery across teams.",
        "evidence": [
            {
                "interviewer": "Ann",
                "interview": "Delivery",
                "rating": "on_track",
                "text": "Shipped payments, quietly.",
            }
        ],
        "actions": ["Pair Giuseppe with a delivery lead."],
        "by_day": 90,
    }
    db.add(DevelopmentPlan(application_id=application_id, plan={"goals": [goal]}, actor="hm"))
    pending = {"application_id": application_id, "body": "Verdict for Giuseppe Hurley"}
    db.add(OutboxJob(kind="greenhouse.note", key="note", payload=pending))
    db.add(
        OutboxJob(
            kind="notify.email",
            key="failing",
            payload={"assignment_id": assignment.id, "kind": "link"},
            attempts=3,
            last_error="550 mailbox for Giuseppe Hurley full",
        )
    )
    db.add(
        OutboxJob(
            kind="notify.email",
            key="sent",
            payload={"assignment_id": assignment.id, "kind": "reminder"},
            status=JobStatus.DONE,
            result={"sent": True, "subject": "Your interview with Giuseppe Hurley"},
        )
    )
    for status, key in (("pending", "late-1"), ("failed", "late-2")):
        db.add(
            WebhookDelivery(
                provider="greenhouse",
                event_type="application_updated",
                dedupe_key=key,
                body=GH_STAGE,
                headers={"Greenhouse-Event-ID": key},
                status=status,
                last_error="could not handle Giuseppe" if status == "failed" else None,
                application_key="265277",
                candidate_key="265772",
            )
        )
    db.commit()


def test_deleting_a_candidate_removes_their_name_and_free_text_everywhere(
    inbound_app: Flask, db: Session
) -> None:
    add_loop(db)
    assert post_gh(inbound_app, GH_STAGE, event_id="stage").status_code == 200
    stored = application(db, "greenhouse", "265277")
    assert stored is not None
    application_id = stored.id
    arrange_free_text(db, application_id)
    before = everything_stored(db)
    assert all(name in before for name in NAMES)
    db.rollback()  # SQLite: a transaction left open holds the write lock

    body = json.dumps(
        {
            "action": "delete_candidate",
            "payload": {"person": {"id": 265772, "deleted_application_ids": [265277]}},
        }
    ).encode()
    assert post_gh(inbound_app, body, event_id="delete").status_code == 200

    after = everything_stored(db)
    for name in NAMES:
        assert name not in after, after[max(0, after.find(name) - 200) : after.find(name) + 100]
    # The plan's goals stay without the interviewers' words.
    plan = db.scalars(select(DevelopmentPlan)).one().plan
    assert plan["goals"][0]["evidence"][0]["text"] == REMOVED
    assert plan["goals"][0]["evidence"][0]["rating"] == "on_track"
    assert "quietly" not in after
    # Scores stay; waiting work about the candidate is not done any more.
    assert db.scalar(select(Rating.rating)) == "on_track"
    jobs = {job.key: job for job in db.scalars(select(OutboxJob))}
    assert jobs["note"].status == jobs["failing"].status == JobStatus.DEAD
    assert jobs["sent"].status == JobStatus.DONE
    late = db.scalars(select(WebhookDelivery).where(WebhookDelivery.dedupe_key.like("late-%")))
    assert {row.body for row in late} == {REDACTED_BODY}
