from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecards.aggregation import (
    NOT_ASSESSED,
    RatingInput,
    ScorecardInput,
    Verdict,
    aggregate,
    competency_verdict,
    lower_median,
    summarize,
    verdict_from_counts,
)
from scorecards.framework import Framework
from scorecards.hiring_bar import HiringBar
from scorecards.loader import builtin_frameworks

PM: Framework = next(f for f in builtin_frameworks() if f.id == "pm")
POINTS = ("needs_focus", "on_track", "outperforming")
SPEC, DATA, DELIVERY = "functional-specification", "fluency-with-data", "product-delivery"
MUST = [SPEC, DATA]


def card(
    n: int, ratings: Mapping[str, str], *, submitted: bool = True, source: str = "hireloop"
) -> ScorecardInput:
    return ScorecardInput(
        id=n,
        interviewer=f"Interviewer {n}",
        interview=f"Interview {n}",
        source=source,
        ratings={c: RatingInput(r, f"evidence {n} for {c}") for c, r in ratings.items()},
        recommendation="yes",
        submitted=submitted,
    )


def run(
    cards: list[ScorecardInput],
    *,
    must: list[str] | None = None,
    expected: int = 4,
    bar: HiringBar | None = None,
) -> Verdict:
    return aggregate(
        PM, "senior-pm", MUST if must is None else must, bar or HiringBar(), cards, expected
    )


# -- the rule per competency ----------------------------------------------------------------------


def test_lower_median_of_even_count() -> None:
    assert lower_median([1, 2]) == 1
    assert lower_median([0, 1, 1, 2][::-1]) == 1
    assert lower_median([2, 2, 1, 1]) == 1
    assert lower_median([1]) == 1


def test_competency_verdicts() -> None:
    assert competency_verdict([], POINTS) == NOT_ASSESSED
    assert competency_verdict([0, 2], POINTS) == "on_track"  # split is a flag, not a verdict
    assert competency_verdict([1, 2], POINTS) == "on_track"  # borderline, towards the middle
    assert competency_verdict([0, 1], POINTS) == "on_track"  # one needs_focus is no veto
    assert competency_verdict([1, 2, 2], POINTS) == "outperforming"
    assert competency_verdict([0, 1, 1, 0], POINTS) == "on_track"  # half is not a majority
    assert competency_verdict([0, 0, 1, 0], POINTS) == "needs_focus"
    assert competency_verdict([0, 0, 2], POINTS) == "needs_focus"


def test_flags_split_and_borderline() -> None:
    from scorecards.aggregation.competency import summary

    assert summary([0, 1], 2) == (1, (0, 1), False)
    assert summary([1, 2], 2) == (1, (1, 2), False)
    assert summary([0, 2], 2) == (1, None, True)  # the midpoint is a point: not borderline
    assert summary([0, 1, 2], 2) == (1, None, True)
    assert summary([2, 2, 1, 1], 2) == (1, (1, 2), False)
    # on a four-point scale the middle lies between the two inner points
    assert summary([1, 2], 3) == (1, (1, 2), False)
    assert summary([0, 1], 3) == (1, (0, 1), False)
    assert summary([2, 3], 3) == (2, (2, 3), False)


def test_the_debrief_scenario_four_interviewers_split_must_have_gap_and_no_evidence() -> None:
    cards = [
        card(1, {SPEC: "outperforming", DELIVERY: "on_track"}),
        card(2, {SPEC: "needs_focus", DATA: "on_track"}),
        card(3, {DATA: "outperforming", "product-quality": "no_evidence"}),
        card(4, {DATA: "on_track", "stakeholder-inclusion": "on_track"}),
    ]
    verdict = run(cards, expected=4)
    spec = verdict.competency(SPEC)
    assert (spec.verdict, spec.count, spec.median, spec.must_have, spec.split) == (
        "on_track",
        2,
        "on_track",
        True,
        True,
    )
    assert verdict.splits == (SPEC,)
    data = verdict.competency(DATA)
    assert (data.verdict, data.count, data.median) == ("on_track", 3, "on_track")
    assert data.distribution == {"needs_focus": 0, "on_track": 2, "outperforming": 1}
    quality = verdict.competency("product-quality")
    # no_evidence is shown but is missing data: not a rating, not a low score.
    assert (quality.verdict, quality.count, quality.median, quality.no_evidence) == (
        NOT_ASSESSED,
        0,
        None,
        1,
    )
    assert [r.rating for r in quality.ratings] == ["no_evidence"]
    assert "product-quality" in verdict.gaps
    assert DELIVERY not in verdict.gaps and "stakeholder-inclusion" not in verdict.gaps
    # team-leadership is not in scope for a senior PM (no reports), so it is no gap.
    assert "team-leadership" not in {c.id for c in verdict.competencies}
    assert verdict.competency(DELIVERY).thin_evidence
    # The split must-have leads the agenda but no longer decides: otherwise yes.
    assert verdict.recommendation == "yes"
    assert verdict.rule.startswith("otherwise yes")
    assert verdict.complete and not verdict.provisional
    agenda = verdict.agenda()
    assert agenda[0]["competency"] == SPEC and agenda[0]["kind"] == "split"
    body = verdict.to_dict()
    assert body["splits"] == [SPEC] and body["scorecards"]["submitted"] == 4
    assert body["competencies"][0].keys() >= {
        "id",
        "name",
        "area",
        "verdict",
        "count",
        "median",
        "ratings",
    }
    assert body["competencies"][0]["ratings"][0].keys() >= {
        "interviewer",
        "rating",
        "evidence",
        "source",
    }


@pytest.mark.parametrize(
    ("ratings", "expected", "clause"),
    [
        ({SPEC: "needs_focus", DATA: "needs_focus"}, "definitely_not", "definitely_not when 2"),
        ({SPEC: "needs_focus", DATA: "outperforming"}, "no", "no when 1 or more must-haves"),
        (
            {
                SPEC: "on_track",
                DATA: "on_track",
                DELIVERY: "needs_focus",
                "product-quality": "needs_focus",
                "managing-up": "needs_focus",
            },
            "no",
            "no when 3 or more competencies",
        ),
        ({SPEC: "on_track"}, "no_decision", "must-have is not assessed"),
        (
            {SPEC: "outperforming", DATA: "outperforming", DELIVERY: "on_track"},
            "yes",
            "rests on fewer than 2 ratings",
        ),
        ({SPEC: "outperforming", DATA: "on_track"}, "yes", "otherwise yes"),
        (
            {SPEC: "outperforming", DATA: "outperforming", DELIVERY: "needs_focus"},
            "yes",
            "otherwise yes",
        ),
    ],
)
def test_hiring_bar_clauses_in_order(ratings: dict[str, str], expected: str, clause: str) -> None:
    verdict = run([card(1, ratings)])
    assert verdict.recommendation == expected
    assert clause in verdict.rule
    fired = [r for r in verdict.rules if r.fired]
    assert len(fired) == 1 and fired[0].outcome == expected


def test_strong_yes_needs_two_ratings_per_must_have() -> None:
    both = {SPEC: "outperforming", DATA: "outperforming", DELIVERY: "on_track"}
    verdict = run([card(1, both), card(2, both)])
    assert verdict.recommendation == "strong_yes"
    assert "strong_yes when every must-have is outperforming with at least 2 ratings" in (
        verdict.rule
    )
    one = run([card(1, both), card(2, {SPEC: "outperforming"})])
    assert one.recommendation == "yes" and one.thin_must_haves == (DATA,)
    assert "Fluency with Data rests on fewer than 2 ratings" in one.rule
    assert any(item["kind"] == "must_have" and item["competency"] == DATA for item in one.agenda())
    lenient = run([card(1, both)], bar=HiringBar(strong_yes_min_ratings_per_must_have=1))
    assert lenient.recommendation == "strong_yes"


def test_split_is_a_flag_that_does_not_decide() -> None:
    """The issue's example: needs focus, on track, on track is yes; raising one on track to
    outperforming makes the must-have split, and the recommendation stays yes."""
    base = [card(1, {SPEC: "needs_focus", DATA: "on_track"}), card(2, {SPEC: "on_track"})]
    before = run([*base, card(3, {SPEC: "on_track", DATA: "on_track"})])
    after = run([*base, card(3, {SPEC: "outperforming", DATA: "on_track"})])
    assert before.recommendation == after.recommendation == "yes"
    assert after.splits == (SPEC,) and after.competency(SPEC).verdict == "on_track"
    assert after.agenda()[0] == {
        "competency": SPEC,
        "kind": "split",
        "text": "Functional Specification is split (needs_focus, on_track, outperforming; "
        "verdict on track): hear each interviewer's evidence.",
    }


def test_borderline_must_have_is_no_veto_and_flagged() -> None:
    verdict = run([card(1, {SPEC: "needs_focus", DATA: "on_track"}), card(2, {SPEC: "on_track"})])
    spec = verdict.competency(SPEC)
    assert (spec.verdict, spec.borderline, spec.between) == (
        "on_track",
        True,
        ("needs_focus", "on_track"),
    )
    assert verdict.recommendation == "yes" and verdict.borderline == (SPEC,)
    body = verdict.to_dict()
    assert body["borderline"] == [SPEC]
    assert body["competencies"][0]["between"] == ["needs_focus", "on_track"]
    assert verdict.agenda()[0]["kind"] == "borderline"


def test_loop_without_must_haves_is_never_strong_yes() -> None:
    ratings = {c.id: "outperforming" for c in PM.in_scope("senior-pm")}
    verdict = run([card(1, ratings)], must=[])
    assert verdict.recommendation == "yes"
    assert "no must-haves" in verdict.rule
    assert not any(
        r.applies for r in verdict.rules if r.outcome in ("definitely_not", "strong_yes")
    )
    three_low = run(
        [card(1, {DELIVERY: "needs_focus", SPEC: "needs_focus", DATA: "needs_focus"})], must=[]
    )
    assert three_low.recommendation == "no"


def test_custom_hiring_bar() -> None:
    bar = HiringBar(no_competencies_needs_focus=1, no_decision_on_unsettled_must_have=False)
    assert (
        run(
            [card(1, {DELIVERY: "needs_focus", SPEC: "on_track", DATA: "on_track"})], bar=bar
        ).recommendation
        == "no"
    )
    assert run([card(1, {SPEC: "on_track"})], bar=bar).recommendation == "yes"
    no_strong = HiringBar(strong_yes_needs_all_must_haves_outperforming=False)
    assert (
        run([card(1, {SPEC: "outperforming", DATA: "outperforming"})], bar=no_strong).recommendation
        == "yes"
    )


def test_nothing_rated_is_no_decision_and_provisional() -> None:
    verdict = run([card(1, {SPEC: "on_track"}, submitted=False)], must=[], expected=3)
    assert verdict.recommendation == "no_decision"
    assert verdict.scorecards_submitted == 0 and verdict.provisional
    assert verdict.to_dict()["scorecards"] == {"submitted": 0, "expected": 3, "pending": 3}
    assert run([], expected=0).provisional  # expected 0 is never complete


def test_pending_scorecards_make_it_provisional() -> None:
    verdict = run([card(1, {SPEC: "on_track", DATA: "on_track"})], expected=2)
    assert verdict.provisional and not verdict.complete and verdict.pending == 1


def test_aliases_resolve_and_unknown_ids_are_reported() -> None:
    verdict = run(
        [card(1, {"Feature Specification": "on_track", "made-up": "on_track"})],
        must=["Feature Specification", DATA],
    )
    assert verdict.must_have == (SPEC, DATA)
    assert verdict.competency(SPEC).count == 1
    assert verdict.unknown_competencies == ("made-up",)


def test_unknown_rating_point_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown rating"):
        run([card(1, {SPEC: "great"})])


def test_areas_shape_and_archetype() -> None:
    cards = [
        card(
            1,
            {
                DATA: "outperforming",
                "business-outcome-ownership": "outperforming",
                "user-experience-design": "needs_focus",
                SPEC: "on_track",
            },
        ),
        card(
            2,
            {
                DATA: "outperforming",
                "product-vision-and-roadmapping": "needs_focus",
                DELIVERY: "on_track",
            },
        ),
    ]
    verdict = run(cards)
    assert verdict.archetype.nearest is not None
    assert verdict.archetype.nearest.id == "growth"
    assert "Fluency with Data" in verdict.archetype.reason
    insight = next(a for a in verdict.areas if a.id == "customer-insight")
    assert insight.assessed == 2 and insight.verdicts["outperforming"] == 1
    shape = {p.id: p.value for p in verdict.shape}
    assert shape[DATA] == 3.0 and shape["managing-up"] is None


def test_flat_profile_has_no_clear_archetype() -> None:
    ratings = {c.id: "on_track" for c in PM.in_scope("senior-pm")}
    verdict = run([card(1, ratings)])
    assert verdict.archetype.nearest is None
    assert "No clear archetype" in verdict.archetype.reason


def test_fingerprint_tracks_verdicts_not_evidence() -> None:
    a = run([card(1, {SPEC: "on_track", DATA: "on_track"})])
    b = run(
        [
            ScorecardInput(
                9,
                "Someone",
                "Other",
                "greenhouse",
                {SPEC: RatingInput("on_track", "different words"), DATA: RatingInput("on_track")},
            )
        ]
    )
    assert a.fingerprint() == b.fingerprint()
    c = run([card(1, {SPEC: "outperforming", DATA: "on_track"})])
    assert a.fingerprint() != c.fingerprint()
    assert len(a.fingerprint()) == 64


# -- properties ------------------------------------------------------------------------------------

COMPETENCIES = [c.id for c in PM.in_scope("senior-pm")]
point = st.sampled_from([*POINTS, "no_evidence"])
ratings_strategy = st.dictionaries(st.sampled_from(COMPETENCIES), point, max_size=6)
cards_strategy = st.lists(ratings_strategy, min_size=0, max_size=6).map(
    lambda rs: [card(i, r) for i, r in enumerate(rs)]
)
must_strategy = st.lists(st.sampled_from(COMPETENCIES), max_size=3, unique=True)


def essence(verdict: Verdict) -> tuple[object, ...]:
    return (
        verdict.recommendation,
        verdict.rule,
        verdict.splits,
        verdict.gaps,
        tuple(
            (c.id, c.verdict, c.count, c.median, tuple(c.distribution.items()))
            for c in verdict.competencies
        ),
        verdict.fingerprint(),
        verdict.archetype.reason,
    )


@settings(max_examples=150, deadline=None)
@given(cards=cards_strategy, must=must_strategy, data=st.data())
def test_verdict_is_independent_of_scorecard_order(
    cards: list[ScorecardInput], must: list[str], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(cards))
    assert essence(run(cards, must=must)) == essence(run(list(shuffled), must=must))
    assert run(cards, must=must).to_dict() == run(list(shuffled), must=must).to_dict()


@settings(max_examples=150, deadline=None)
@given(
    cards=cards_strategy,
    must=must_strategy,
    competency=st.sampled_from(COMPETENCIES),
    where=st.integers(min_value=0, max_value=6),
)
def test_adding_no_evidence_changes_nothing(
    cards: list[ScorecardInput], must: list[str], competency: str, where: int
) -> None:
    before = run(cards, must=must)
    if where < len(cards) and competency not in cards[where].ratings:
        # ... to an existing scorecard
        old = cards[where]
        changed = list(cards)
        changed[where] = ScorecardInput(
            old.id,
            old.interviewer,
            old.interview,
            old.source,
            {**old.ratings, competency: RatingInput("no_evidence")},
        )
    else:
        # ... or as a new scorecard holding only no_evidence
        changed = [*cards, card(99, {competency: "no_evidence"})]
    after = run(changed, must=must)
    assert essence(after) == essence(before)


@settings(max_examples=200, deadline=None)
@given(positions=st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=8))
def test_split_and_verdict_are_symmetric(positions: list[int]) -> None:
    from scorecards.aggregation.competency import summary

    mirrored = [2 - p for p in positions]
    split = summary(positions, 2).split
    assert split == summary(mirrored, 2).split == summary(positions[::-1], 2).split
    assert split == (0 in positions and 2 in positions)
    # the resolution towards the middle is symmetric: mirroring mirrors the verdict
    assert summary(mirrored, 2).position == 2 - summary(positions, 2).position


@settings(max_examples=150, deadline=None)
@given(cards=cards_strategy, must=must_strategy)
def test_summarize_from_counts_agrees_with_aggregate(
    cards: list[ScorecardInput], must: list[str]
) -> None:
    full = run(cards, must=must)
    counts: dict[str, dict[str, int]] = {}
    for c in cards:
        for cid, r in c.ratings.items():
            counts.setdefault(cid, {}).setdefault(r.rating, 0)
            counts[cid][r.rating] += 1
    summary = summarize(PM, "senior-pm", must, HiringBar(), counts, len(cards), 4)
    assert summary.recommendation == full.recommendation
    assert summary.rule == full.rule
    assert dict(summary.verdicts) == {c.id: c.verdict for c in full.competencies}
    assert summary.splits == full.splits and summary.gaps == full.gaps
    assert summary.borderline == full.borderline


@given(counts=st.lists(st.integers(min_value=0, max_value=4), min_size=3, max_size=3))
def test_verdict_from_counts_matches_positions(counts: list[int]) -> None:
    from scorecards.aggregation.competency import summary, summary_from_counts

    positions = [i for i, n in enumerate(counts) for _ in range(n)]
    assert verdict_from_counts(counts, POINTS) == competency_verdict(positions, POINTS)
    assert summary_from_counts(counts) == (summary(positions, 2) if positions else None)
