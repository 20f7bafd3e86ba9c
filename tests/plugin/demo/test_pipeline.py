"""The demo's pipeline data: the candidates' ratings reach every recommendation, with
splits, on both loops the demo may apply (the project's example and its built-in copy)."""

from __future__ import annotations

from typing import Any

import pytest

from plugin.demo.candidates import PIPELINE, PipelineCandidate, overall
from plugin.demo.loops import find_loop, loop_interviews
from plugin.demo.pipeline import positions
from plugin.demo.sandbox.seed import DEMO_LOOP
from scorecards.aggregation import RatingInput, ScorecardInput, Verdict, aggregate
from scorecards.hiring_bar import HiringBar
from scorecards.loader import builtin_frameworks
from tests.conftest import ROOT

PM = next(f for f in builtin_frameworks() if f.id == "pm")
EXAMPLE, _ = find_loop([ROOT / "examples" / "loops"])


def verdict_of(loop: dict[str, Any], candidate: PipelineCandidate) -> Verdict:
    """The verdict the demo's scorecards for ``candidate`` lead to (one per interview)."""
    cards = []
    for number, interview in enumerate(loop_interviews(loop)):
        at = positions(loop, str(interview["ats_interview_id"]))
        ratings = {c: RatingInput(*candidate.rating(c, at[c])) for c in interview["competencies"]}
        cards.append(ScorecardInput(number, f"i{number}", interview["name"], "hireloop", ratings))
    return aggregate(PM, loop["level"], loop["must_have"], HiringBar(), cards, len(cards))


@pytest.mark.parametrize("loop", [EXAMPLE, DEMO_LOOP], ids=["example", "built-in"])
def test_the_pipeline_reaches_every_recommendation_with_splits(loop: dict[str, Any]) -> None:
    verdicts = {c.name: verdict_of(loop, c) for c in PIPELINE}
    assert len(PIPELINE) >= 6 and len({c.application_id for c in PIPELINE}) == len(PIPELINE)
    split = [c for c in PIPELINE if verdicts[c.name].splits]
    assert len(split) >= 2
    # The recommendations come from clauses a split does not decide, so they hold however
    # the hiring bar reads a split must-have.
    for candidate in PIPELINE:
        if candidate not in split:
            assert verdicts[candidate.name].recommendation == candidate.expected, candidate.name
    reached = {c.expected for c in PIPELINE if c not in split}
    assert reached == {"strong_yes", "no_decision", "no", "definitely_not"}
    # Jordan Avery (seed.py) is the "yes": the demo's first candidate, unchanged.


def test_positions_count_earlier_interviews_of_the_same_competency() -> None:
    first, second = (
        i["ats_interview_id"]
        for i in loop_interviews(EXAMPLE)
        if "functional-specification" in i["competencies"]
    )
    assert positions(EXAMPLE, first)["functional-specification"] == 0
    assert positions(EXAMPLE, second)["functional-specification"] == 1
    assert positions(EXAMPLE, "no such interview") == {}


def test_an_interviewers_overall_recommendation_follows_their_ratings() -> None:
    assert overall(["no_evidence"]) == "no_decision"
    assert overall(["outperforming", "outperforming", "on_track"]) == "strong_yes"
    assert overall(["on_track", "needs_focus", "on_track"]) == "yes"
    assert overall(["needs_focus", "on_track"]) == "no"
