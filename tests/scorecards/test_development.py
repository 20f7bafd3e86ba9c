from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pytest

from scorecards.aggregation import RatingInput, ScorecardInput, Verdict, aggregate
from scorecards.development import (
    PlanError,
    build_plan,
    edit_plan,
    goal_from_dict,
    goal_reason,
    next_level,
    plan_text,
)
from scorecards.framework import Framework
from scorecards.hiring_bar import HiringBar
from scorecards.loader import builtin_frameworks

PM: Framework = next(f for f in builtin_frameworks() if f.id == "pm")
SPEC, DATA, QUALITY = "functional-specification", "fluency-with-data", "product-quality"
DELIVERY, STRATEGY, UP = "product-delivery", "strategic-impact", "managing-up"
GOAL_KEYS = {"competency", "verdict", "expectation", "evidence", "actions", "by_day"}


def card(n: int, ratings: Mapping[str, str]) -> ScorecardInput:
    return ScorecardInput(
        id=n,
        interviewer=f"Interviewer {n}",
        interview=f"Interview {n}",
        source="hireloop",
        ratings={c: RatingInput(r, f"evidence {n} for {c}") for c, r in ratings.items()},
    )


def verdict(*cards: ScorecardInput) -> Verdict:
    return aggregate(PM, "senior-pm", [SPEC, DATA], HiringBar(), list(cards), len(cards))


# Spec: on track twice (settled); Data: needs focus twice (a must-have that needs focus);
# Quality: split; Delivery: one rating (thin); Strategic Impact: needs focus once (needs
# focus wins over thin); Managing Up: only no_evidence (not assessed).
HIRED = verdict(
    card(
        1, {SPEC: "on_track", DATA: "needs_focus", QUALITY: "outperforming", DELIVERY: "on_track"}
    ),
    card(2, {SPEC: "on_track", DATA: "needs_focus", QUALITY: "needs_focus", UP: "no_evidence"}),
    card(3, {STRATEGY: "needs_focus"}),
)


def test_each_open_competency_is_a_goal_with_its_reason_and_day() -> None:
    goals = {g.competency: g for g in build_plan(PM, "senior-pm", HIRED.competencies)}
    assert SPEC not in goals  # two ratings that agree: nothing to develop
    assert (goals[DATA].verdict, goals[DATA].by_day) == ("needs_focus", 30)  # must-have
    assert (goals[STRATEGY].verdict, goals[STRATEGY].by_day) == ("needs_focus", 60)
    assert (goals[QUALITY].verdict, goals[QUALITY].by_day) == ("split", 60)
    assert (goals[UP].verdict, goals[UP].by_day) == ("not_assessed", 30)
    assert (goals[DELIVERY].verdict, goals[DELIVERY].by_day) == ("thin", 90)
    # Every competency in scope that nobody was asked about is a gap, so a goal too.
    in_scope = {c.id for c in PM.in_scope("senior-pm")}
    asked = {SPEC, DATA, QUALITY, DELIVERY, STRATEGY, UP}
    assert set(goals) == (in_scope - asked) | (asked - {SPEC})
    days = [g.by_day for g in build_plan(PM, "senior-pm", HIRED.competencies)]
    assert days == sorted(days)


def test_a_goal_carries_the_next_levels_expectation_evidence_and_actions() -> None:
    goals = {g.competency: g for g in build_plan(PM, "senior-pm", HIRED.competencies)}
    data = goals[DATA]
    assert next_level(PM, "senior-pm") == "group-pm"
    assert data.expectation == PM.competency(DATA).expectations["group-pm"]
    assert [(e.interviewer, e.rating) for e in data.evidence] == [
        ("Interviewer 1", "needs_focus"),
        ("Interviewer 2", "needs_focus"),
    ]
    assert data.evidence[0].text == f"evidence 1 for {DATA}"
    on_track = PM.competency(DATA).anchors["senior-pm"]["on_track"]
    assert any(on_track in action for action in data.actions)
    assert data.actions[-1] == "Review it with your manager by day 30."
    split = goals[QUALITY]
    assert "saw needs focus and outperforming" in split.actions[0]
    # "no evidence" with a reason written is shown: it says why nobody could rate it.
    assert [(e.rating, e.text) for e in goals[UP].evidence] == [
        ("no_evidence", f"evidence 2 for {UP}")
    ]
    assert set(data.to_dict()) == GOAL_KEYS
    assert data.to_dict()["evidence"][0] == {
        "interviewer": "Interviewer 1",
        "interview": "Interview 1",
        "rating": "needs_focus",
        "text": f"evidence 1 for {DATA}",
    }


def test_the_top_level_keeps_its_own_expectation() -> None:
    assert next_level(PM, "cpo") == "cpo"
    plan = build_plan(PM, "cpo", verdict(card(1, {DATA: "needs_focus"})).competencies)
    data = next(g for g in plan if g.competency == DATA)
    assert data.expectation == PM.competency(DATA).expectations["cpo"]


@dataclass(frozen=True)
class Flagged:
    """A competency's verdict as the hiring bar gives it: needs_focus, on_track,
    outperforming or not_assessed, with ``split`` and ``borderline`` flags beside it."""

    id: str
    verdict: str
    count: int
    must_have: bool
    in_scope: bool
    ratings: tuple[object, ...] = ()
    split: bool = False
    borderline: bool = False


def test_the_split_flag_makes_a_goal_whatever_the_verdict() -> None:
    quality = next(c for c in HIRED.competencies if c.id == QUALITY)
    assert quality.split and quality.verdict in {"needs_focus", "on_track", "outperforming"}
    assert goal_reason(Flagged(QUALITY, "on_track", 2, False, True, split=True)) == "split"
    assert goal_reason(Flagged(QUALITY, "outperforming", 2, False, True, split=True)) == "split"
    # The most serious reason wins; borderline alone makes no goal.
    assert goal_reason(Flagged(QUALITY, "needs_focus", 2, False, True, split=True)) == (
        "needs_focus"
    )
    assert goal_reason(Flagged(QUALITY, "on_track", 3, False, True, borderline=True)) is None
    assert goal_reason(Flagged(QUALITY, "outperforming", 0, False, False)) is None


def test_an_edited_plan_keeps_the_interviews_evidence() -> None:
    edits = [
        {"competency": "Data Fluency", "actions": [" Weekly metrics review ", ""], "by_day": 90},
        {"competency": SPEC, "actions": ["Write the Q3 spec"], "by_day": 60, "expectation": "X"},
        {"competency": "team-leadership"},  # outside this level's scope: no evidence
    ]
    goals = edit_plan(PM, "senior-pm", HIRED.competencies, edits)
    data, spec, lead = goals
    assert (data.competency, data.verdict, data.by_day) == (DATA, "needs_focus", 90)
    assert data.actions == ("Weekly metrics review",) and len(data.evidence) == 2
    assert (spec.verdict, spec.expectation) == ("on_track", "X")  # added: its own verdict
    added = edit_plan(PM, "senior-pm", HIRED.competencies, [{"competency": SPEC}])[0]
    stretch = PM.competency(SPEC).anchors["senior-pm"]["outperforming"]
    assert (
        added.actions[0]
        == f"Build on Functional Specification. What outperforming looks like: {stretch}"
    )
    assert added.by_day == 90
    assert lead.competency == "team-leadership" and lead.evidence == () and lead.actions == ()
    stored = goal_from_dict(PM, data.to_dict())
    assert stored == data


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        ({"competency": "nope"}, "goals.0.competency"),
        ({"competency": DATA, "by_day": 45}, "goals.0.by_day"),
        ({"competency": DATA, "by_day": True}, "goals.0.by_day"),
        ({"competency": DATA, "actions": "do it"}, "goals.0.actions"),
        ({"competency": DATA, "actions": ["x" * 2001]}, "goals.0.actions"),
        ({"competency": DATA, "expectation": 3}, "goals.0.expectation"),
    ],
)
def test_an_edit_that_cannot_be_kept_names_its_field(edit: dict[str, object], field: str) -> None:
    with pytest.raises(PlanError) as caught:
        edit_plan(PM, "senior-pm", HIRED.competencies, [edit])
    assert caught.value.field == field


def test_a_competency_has_one_goal() -> None:
    with pytest.raises(PlanError) as caught:
        edit_plan(PM, "senior-pm", HIRED.competencies, [{"competency": DATA}] * 2)
    assert caught.value.field == "goals.1.competency"


def test_the_plan_as_text_groups_goals_by_day() -> None:
    goals = build_plan(PM, "senior-pm", HIRED.competencies)
    text = plan_text("Jordan Avery", goals)
    assert text.startswith("Development plan for Jordan Avery: 30/60/90 days")
    assert text.index("By day 30:") < text.index("By day 60:") < text.index("By day 90:")
    assert "- Fluency with Data (needs focus)" in text
    assert "No goals" in plan_text("X", ())
    assert replace(goals[0], actions=()).to_dict()["actions"] == []
