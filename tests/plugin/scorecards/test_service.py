"""The scorecard service: drafts, submission checks, the lock, amendments, peers, links."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.core import signals
from plugin.core.db import state
from plugin.core.links import make_link_token
from plugin.jobs.models import OutboxJob
from plugin.jobs.queue import enqueue
from plugin.loops.models import Loop
from plugin.scorecards import service
from plugin.scorecards.models import Rating, Scorecard, ScorecardRevision
from plugin.scorecards.service import (
    EXTREME_EVIDENCE_MIN_CHARS,
    LinkRejected,
    RatingInput,
    ScorecardError,
    ScorecardInput,
)
from plugin.verdicts.service import compute_verdict
from scorecards.framework import Framework
from scorecards.loader import builtin_frameworks
from tests.plugin.scorecards.helpers import EVIDENCE, Arranged, arrange

FRAMEWORKS = {f.id: f for f in builtin_frameworks()}


def frameworks(framework_id: str) -> Framework | None:
    return FRAMEWORKS.get(framework_id)


@pytest.fixture(autouse=True)
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Record scorecards_changed in place of its receivers and, like a real receiver, queue
    work in the caller's session (the service alone is under test here)."""
    seen: list[int] = []

    def announce(session: Session, *, application_id: int) -> list[Any]:
        seen.append(application_id)
        enqueue(session, "test.scorecards", f"sc-{application_id}-{len(seen)}", {})
        return []

    monkeypatch.setattr(signals.scorecards_changed, "send", announce)
    yield seen


def context(db: Session, assignment: Assignment) -> service.InterviewContext:
    return service.load_context(db, db.get(Assignment, assignment.id), frameworks)  # type: ignore[arg-type]


def complete(cids: list[str], **overrides: Any) -> ScorecardInput:
    values: dict[str, Any] = {
        "ratings": {cid: RatingInput("on_track", EVIDENCE) for cid in cids},
        "recommendation": "yes",
        "notes": "Would hire.",
        "submit": True,
    }
    values.update(overrides)
    return ScorecardInput(**values)


def save(db: Session, arranged: Arranged, index: int, data: ScorecardInput) -> service.SaveResult:
    result = service.save_scorecard(db, context(db, arranged.assignments[index]), data)
    db.commit()
    return result


def no_longer_asked(db: Session, arranged: Arranged, competency: str) -> None:
    """The recruiter edits the loop: the first interview no longer asks about ``competency``."""
    loop = db.get(Loop, arranged.application.loop_id)
    assert loop is not None
    document = copy.deepcopy(loop.definition)
    asked = set(arranged.competencies(0))
    for stage in document["stages"]:
        for interview in stage["interviews"]:
            if asked <= set(interview["competencies"]):
                interview["competencies"].remove(competency)
    loop.definition = document
    db.commit()


def count(db: Session, model: Any) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_context_of_an_interview_at_the_loops_level(app: Flask, db: Session) -> None:
    arranged = arrange(app, db)
    ctx = context(db, arranged.assignments[1])
    assert ctx.competency_ids == ("functional-specification", "product-delivery")
    assert ctx.level == "senior-pm" and ctx.level_name == "Senior Product Manager"
    spec = ctx.competencies[0]
    pm = FRAMEWORKS["pm"].competency("functional-specification")
    assert spec.expectation == pm.expectations["senior-pm"]
    assert dict(spec.anchors) == dict(pm.anchors["senior-pm"])
    assert ctx.interview_format == "spec-writing"
    assert ctx.show_peers_after_submit is True
    assert ctx.point_names["no_evidence"] == "No evidence"


def test_aliases_in_the_loop_resolve_and_a_missing_interview_has_no_competencies(
    app: Flask, db: Session
) -> None:
    arranged = arrange(app, db)
    definition = dict(arranged.loop.definition)
    interviews = definition["stages"][0]["interviews"]
    interviews[1] = {**interviews[1], "competencies": ["Feature Specification", "product-delivery"]}
    arranged.loop.definition = {**definition}
    db.commit()
    assert context(db, arranged.assignments[1]).competency_ids[0] == "functional-specification"
    arranged.assignments[0].interview_key = "no-such-interview"
    db.commit()
    ctx = context(db, arranged.assignments[0])
    assert ctx.competencies == ()
    result = save(db, arranged, 0, ScorecardInput(recommendation="no", submit=True))
    assert result.action == "submitted"


def test_a_draft_saves_partial_input(app: Flask, db: Session, calls: list[int]) -> None:
    arranged = arrange(app, db)
    data = ScorecardInput(ratings={"functional-specification": RatingInput("needs_focus", "")})
    result = save(db, arranged, 1, data)
    assert result.action == "draft"
    card = db.scalar(select(Scorecard))
    assert card is not None and card.status == "draft" and card.source == "hireloop"
    assert card.assignment_id == arranged.assignments[1].id
    assert card.interviewer_key == "4081" and card.interview_name == "Spec writing"
    rating = db.scalar(select(Rating))
    assert rating is not None and rating.application_id == arranged.application.id
    assert db.get(Assignment, arranged.assignments[1].id).status == "draft"  # type: ignore[union-attr]
    assert calls == []  # drafts change no verdict


def test_a_second_draft_replaces_the_first(app: Flask, db: Session) -> None:
    arranged = arrange(app, db)
    save(db, arranged, 1, complete(["functional-specification", "product-delivery"], submit=False))
    save(db, arranged, 1, ScorecardInput(ratings={"product-delivery": RatingInput("no_evidence")}))
    db.expire_all()
    rows = db.scalars(select(Rating)).all()
    assert [(r.competency_id, r.rating) for r in rows] == [("product-delivery", "no_evidence")]
    assert count(db, Scorecard) == 1


def test_submit_names_exactly_what_is_missing_and_saves_nothing(
    app: Flask, db: Session, calls: list[int]
) -> None:
    arranged = arrange(app, db)
    save(db, arranged, 1, ScorecardInput(notes="first draft"))
    data = ScorecardInput(
        ratings={
            "functional-specification": RatingInput("on_track", "   "),
            "product-delivery": RatingInput("outperforming", "Great."),
        },
        submit=True,
    )
    with pytest.raises(ScorecardError) as caught:
        service.save_scorecard(db, context(db, arranged.assignments[1]), data)
    db.rollback()
    error = caught.value
    assert error.status == 422 and error.code == "incomplete"
    assert set(error.fields) == {
        "ratings.functional-specification.evidence",
        "ratings.product-delivery.evidence",
        "recommendation",
    }
    assert (
        "Evidence is missing for Functional Specification"
        in error.fields["ratings.functional-specification.evidence"]
    )
    extreme = error.fields["ratings.product-delivery.evidence"]
    assert "“Outperforming” is an extreme rating" in extreme
    assert f"at least {EXTREME_EVIDENCE_MIN_CHARS} characters (you wrote 6)" in extreme
    db.expire_all()
    card = db.scalar(select(Scorecard))
    assert card is not None and card.status == "draft" and card.notes == "first draft"
    assert count(db, Rating) == 0 and calls == []


def test_submit_needs_a_rating_per_competency_but_no_evidence_needs_no_text(
    app: Flask, db: Session
) -> None:
    arranged = arrange(app, db)
    data = ScorecardInput(
        ratings={"functional-specification": RatingInput("no_evidence")},
        recommendation="no_decision",
        submit=True,
    )
    with pytest.raises(ScorecardError) as caught:
        service.save_scorecard(db, context(db, arranged.assignments[1]), data)
    db.rollback()
    assert set(caught.value.fields) == {"ratings.product-delivery.rating"}
    assert (
        "Choose a rating for Product Delivery"
        in caught.value.fields["ratings.product-delivery.rating"]
    )
    nothing = ScorecardInput(
        ratings={
            "functional-specification": RatingInput("no_evidence"),
            "product-delivery": RatingInput("no_evidence"),
        },
        recommendation="no_decision",
        submit=True,
    )
    # Rating nothing at all is refused: it would only open the peers' ratings.
    with pytest.raises(ScorecardError) as refused:
        service.save_scorecard(db, context(db, arranged.assignments[1]), nothing)
    db.rollback()
    assert (refused.value.status, refused.value.code) == (422, "nothing_rated")
    assert "not held" in refused.value.fields["ratings"]
    data = ScorecardInput(
        ratings={
            "functional-specification": RatingInput("no_evidence"),
            "product-delivery": RatingInput("on_track", "Shipped the beta on the planned date."),
        },
        recommendation="yes",
        submit=True,
    )
    assert save(db, arranged, 1, data).action == "submitted"


def test_submit_locks_and_calls_the_hook_in_the_same_transaction(
    app: Flask, db: Session, calls: list[int]
) -> None:
    arranged = arrange(app, db)
    ctx = context(db, arranged.assignments[0])
    service.save_scorecard(db, ctx, complete(list(ctx.competency_ids)))
    assert calls == [arranged.application.id]
    db.rollback()  # the caller gives up: neither the submission nor the hook's work remains
    assert count(db, Scorecard) == 0 and count(db, OutboxJob) == 0

    result = save(db, arranged, 0, complete(list(ctx.competency_ids)))
    assert result.action == "submitted"
    assert count(db, OutboxJob) == 1
    db.expire_all()
    assignment = db.get(Assignment, arranged.assignments[0].id)
    assert assignment is not None and assignment.status == "submitted"
    assert assignment.submitted_at is not None
    assert result.scorecard.submitted_at == assignment.submitted_at


def test_amending_needs_a_reason_and_keeps_the_original(
    app: Flask, db: Session, calls: list[int]
) -> None:
    arranged = arrange(app, db)
    cids = arranged.competencies(0)
    save(db, arranged, 0, complete(cids))
    calls.clear()
    changed = complete(cids, recommendation="strong_yes", submit=False)
    with pytest.raises(ScorecardError) as caught:
        service.save_scorecard(db, context(db, arranged.assignments[0]), changed)
    db.rollback()
    assert caught.value.status == 409 and caught.value.code == "reason_required"
    assert "reason" in caught.value.fields
    assert calls == [] and count(db, ScorecardRevision) == 0

    amended = ScorecardInput(
        ratings={**changed.ratings, cids[0]: RatingInput("outperforming", EVIDENCE + " More.")},
        recommendation="strong_yes",
        notes=changed.notes,
        reason="Re-read my notes: the pricing case was stronger than I scored it.",
    )
    result = save(db, arranged, 0, amended)
    assert result.action == "amended" and calls == [arranged.application.id]
    revision = db.scalar(select(ScorecardRevision))
    assert revision is not None
    assert revision.kind == "amendment"
    assert revision.actor == "interviewer:4080 (Priya Natarajan)"
    assert revision.reason.startswith("Re-read my notes")
    assert revision.before["recommendation"] == "yes"
    assert revision.before["ratings"][cids[0]] == {"rating": "on_track", "evidence": EVIDENCE}
    assert revision.before["submitted_at"] is not None
    assert revision.after["recommendation"] == "strong_yes"
    assert revision.after["ratings"][cids[0]]["rating"] == "outperforming"
    card = db.scalar(select(Scorecard))
    assert card is not None and card.status == "submitted" and card.amended_at is not None
    assert card.submitted_at is not None and card.amended_at >= card.submitted_at


def test_an_amendment_that_changes_nothing_records_nothing(app: Flask, db: Session) -> None:
    arranged = arrange(app, db)
    cids = arranged.competencies(0)
    save(db, arranged, 0, complete(cids))
    result = save(db, arranged, 0, complete(cids, reason="just checking"))
    assert result.action == "unchanged" and count(db, ScorecardRevision) == 0


def test_an_amendment_must_still_be_complete(app: Flask, db: Session) -> None:
    arranged = arrange(app, db)
    cids = arranged.competencies(0)
    save(db, arranged, 0, complete(cids))
    bad = complete(cids, ratings={cids[0]: RatingInput("needs_focus", "")}, reason="changed mind")
    with pytest.raises(ScorecardError) as caught:
        service.save_scorecard(db, context(db, arranged.assignments[0]), bad)
    db.rollback()
    assert caught.value.status == 422
    assert f"ratings.{cids[0]}.evidence" in caught.value.fields
    assert f"ratings.{cids[1]}.rating" in caught.value.fields


INVALID: list[tuple[dict[str, RatingInput], str, str, str]] = [
    ({"nope": RatingInput("on_track")}, "yes", "ratings.nope", "Unknown competency"),
    (
        {"team-leadership": RatingInput("on_track")},
        "yes",
        "ratings.team-leadership",
        "not a focus competency of this interview",
    ),
    (
        {"Feature Specification": RatingInput("on_track")},
        "yes",
        "ratings.Feature Specification",
        "use 'functional-specification'",
    ),
    (
        {"functional-specification": RatingInput("great")},
        "yes",
        "ratings.functional-specification.rating",
        "Unknown rating point 'great'",
    ),
    ({}, "maybe", "recommendation", "Unknown recommendation 'maybe'"),
    (
        {"functional-specification": RatingInput("on_track", "x" * 10_001)},
        "yes",
        "ratings.functional-specification.evidence",
        "At most 10000 characters",
    ),
]


def test_invalid_input_is_refused_with_the_field_named(app: Flask, db: Session) -> None:
    arranged = arrange(app, db)
    for ratings, recommendation, field, words in INVALID:
        data = ScorecardInput(ratings=ratings, recommendation=recommendation)
        with pytest.raises(ScorecardError) as caught:
            service.save_scorecard(db, context(db, arranged.assignments[1]), data)
        db.rollback()
        assert caught.value.status == 422
        assert words in caught.value.fields[field], caught.value.fields
    assert count(db, Scorecard) == 0


def test_a_cancelled_interview_takes_no_changes(app: Flask, db: Session) -> None:
    arranged = arrange(app, db)
    arranged.assignments[0].status = "cancelled"
    db.commit()
    with pytest.raises(ScorecardError) as caught:
        service.save_scorecard(db, context(db, arranged.assignments[0]), ScorecardInput())
    assert caught.value.status == 409 and caught.value.code == "assignment_cancelled"


def test_peers_stay_hidden_until_the_own_submission(app: Flask, db: Session) -> None:
    arranged = arrange(app, db)
    save(db, arranged, 1, complete(arranged.competencies(1)))  # a peer submitted
    save(db, arranged, 2, complete(arranged.competencies(2), submit=False))  # a peer's draft
    imported = Scorecard(
        application_id=arranged.application.id,
        source="greenhouse",
        ats_scorecard_id="211",
        interviewer_key="4099",
        interviewer_name="From Greenhouse",
        status="submitted",
        recommendation="no",
        submitted_at=arranged.application.created_at,
    )
    db.add(imported)
    db.commit()

    ctx = context(db, arranged.assignments[0])
    assert service.peer_scorecards(db, ctx, None) is None
    save(db, arranged, 0, complete(arranged.competencies(0), submit=False))
    own = service.scorecard_for(db, arranged.assignments[0].id)
    assert service.peer_scorecards(db, ctx, own) is None
    body = service.scorecard_json(db, ctx)
    assert "peers" not in body

    save(db, arranged, 0, complete(arranged.competencies(0)))
    own = service.scorecard_for(db, arranged.assignments[0].id)
    peers = service.peer_scorecards(db, context(db, arranged.assignments[0]), own)
    assert peers is not None
    assert sorted(p.interviewer_name or "" for p in peers) == ["From Greenhouse", "Tomás Herrera"]


def test_a_loop_can_keep_peers_hidden_after_submission(app: Flask, db: Session) -> None:
    arranged = arrange(app, db, settings={"show_peers_after_submit": False})
    save(db, arranged, 1, complete(arranged.competencies(1)))
    save(db, arranged, 0, complete(arranged.competencies(0)))
    ctx = context(db, arranged.assignments[0])
    assert ctx.show_peers_after_submit is False
    own = service.scorecard_for(db, arranged.assignments[0].id)
    assert service.peer_scorecards(db, ctx, own) is None
    assert "peers" not in service.scorecard_json(db, ctx)


def test_links_are_bound_revocable_and_expire(
    app: Flask, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    arranged = arrange(app, db)
    with app.app_context():
        assert service.assignment_for_link(db, arranged.tokens[2]).id == arranged.assignments[2].id
        with pytest.raises(LinkRejected) as caught:
            service.assignment_for_link(db, arranged.tokens[2][:-3] + "abc")
        assert caught.value.reason == "invalid"
        with pytest.raises(LinkRejected) as caught:
            service.assignment_for_link(db, make_link_token(999_999, 1))
        assert caught.value.reason == "gone"

        assert service.revoke_links(db, arranged.assignments[2]) == 2
        db.commit()
        with pytest.raises(LinkRejected) as caught:
            service.assignment_for_link(db, arranged.tokens[2])
        assert caught.value.reason == "revoked"
        fresh = make_link_token(arranged.assignments[2].id, 2)
        assert service.assignment_for_link(db, fresh).id == arranged.assignments[2].id

        later = time.time() + 31 * 86400
        monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
        with pytest.raises(LinkRejected) as caught:
            service.assignment_for_link(db, fresh)
        assert caught.value.reason == "expired"


def test_a_draft_saved_after_a_submit_elsewhere_cannot_overwrite_it(
    app: Flask, db: Session
) -> None:
    """An autosave that read the scorecard before another tab submitted it."""

    arranged = arrange(app, db)
    cids = list(context(db, arranged.assignments[1]).competency_ids)
    save(db, arranged, 1, complete(cids, submit=False, notes="first draft"))
    with app.app_context():
        late = state().sessions()
        late_ctx = context(late, arranged.assignments[1])
        stale = service.scorecard_for(late, arranged.assignments[1].id)
        assert stale is not None and stale.status == "draft"
        late.commit()  # the autosave's read is over; its copy of the scorecard stays
        save(db, arranged, 1, complete(cids, notes="submitted"))  # the other tab submits
        with pytest.raises(ScorecardError) as refused:
            service.save_scorecard(late, late_ctx, complete(cids, submit=False, notes="late"))
        late.rollback()
        late.close()
    assert refused.value.status == 409
    db.expire_all()
    card = db.scalar(select(Scorecard))
    assert card is not None and (card.status, card.notes) == ("submitted", "submitted")


def test_an_amendment_after_the_loop_changed_keeps_ratings_it_no_longer_asks_for(
    app: Flask, db: Session
) -> None:
    arranged = arrange(app, db)
    cids = arranged.competencies(0)
    save(db, arranged, 0, complete(cids))
    no_longer_asked(db, arranged, cids[1])
    assert context(db, arranged.assignments[0]).competency_ids == (cids[0],)

    same = complete([cids[0]], reason="nothing new")
    assert save(db, arranged, 0, same).action == "unchanged"
    changed = complete(
        [cids[0]], ratings={cids[0]: RatingInput("outperforming", EVIDENCE)}, reason="re-read"
    )
    assert save(db, arranged, 0, changed).action == "amended"
    card = db.scalar(select(Scorecard))
    assert card is not None
    ratings = {r.competency_id: r.rating for r in card.ratings}
    assert ratings == {cids[0]: "outperforming", cids[1]: "on_track"}


def test_an_unrated_draft_entry_the_loop_no_longer_asks_for_is_dropped_on_submit(
    app: Flask, db: Session
) -> None:

    arranged = arrange(app, db)
    cids = arranged.competencies(0)
    # The page saves evidence typed before a rating was chosen as an unrated entry.
    typed = {cids[1]: RatingInput(service.UNRATED, "typed before rating")}
    save(db, arranged, 0, ScorecardInput(ratings=typed))
    no_longer_asked(db, arranged, cids[1])

    assert save(db, arranged, 0, complete([cids[0]])).action == "submitted"
    card = db.scalar(select(Scorecard))
    assert card is not None
    assert {r.competency_id: r.rating for r in card.ratings} == {cids[0]: "on_track"}
    with app.app_context():  # no unknown rating '' reaches the aggregation
        verdict = compute_verdict(db, arranged.application.id)
    assert verdict.competency(cids[0]).count == 1
