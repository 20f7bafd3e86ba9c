"""The hiring bar is monotone, for every setting a loop may give it (docs/verdicts.md).

Order: definitely_not < no < no_decision < yes < strong_yes. Raising one rating by one
point never lowers the recommendation, lowering one never raises it; adding a no_evidence
rating changes nothing; split and borderline never move it.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scorecards.aggregation import RatingInput, ScorecardInput, Verdict, aggregate
from scorecards.aggregation.competency import summary
from scorecards.framework import Framework
from scorecards.hiring_bar import HiringBar
from scorecards.loader import builtin_frameworks

PM: Framework = next(f for f in builtin_frameworks() if f.id == "pm")
LEVEL = "senior-pm"
POINTS = PM.points
ORDER = {r: i for i, r in enumerate(("definitely_not", "no", "no_decision", "yes", "strong_yes"))}
# Few competencies, so that must-haves and needs_focus thresholds are actually reached.
COMPETENCIES = [c.id for c in PM.in_scope(LEVEL)][:5]

bars = st.builds(
    HiringBar,
    definitely_not_must_haves_needs_focus=st.integers(min_value=1, max_value=4),
    no_must_haves_needs_focus=st.integers(min_value=1, max_value=4),
    no_competencies_needs_focus=st.integers(min_value=1, max_value=6),
    no_decision_on_unsettled_must_have=st.booleans(),
    strong_yes_needs_all_must_haves_outperforming=st.booleans(),
    strong_yes_min_ratings_per_must_have=st.integers(min_value=1, max_value=3),
)
point = st.sampled_from([*POINTS, "no_evidence"])
card_ratings = st.dictionaries(st.sampled_from(COMPETENCIES), point, min_size=1, max_size=5)
loops = st.fixed_dictionaries(
    {
        "cards": st.lists(card_ratings, min_size=1, max_size=6),
        "must": st.lists(st.sampled_from(COMPETENCIES), max_size=3, unique=True),
        "bar": bars,
        "scoped": st.booleans(),
    }
)


def cards_of(ratings: list[dict[str, str]]) -> list[ScorecardInput]:
    return [
        ScorecardInput(i, f"Interviewer {i}", f"Interview {i}", "hireloop",
                       {c: RatingInput(r, "evidence") for c, r in rs.items()})
        for i, rs in enumerate(ratings)
    ]  # fmt: skip


def run(loop: dict, ratings: list[dict[str, str]]) -> Verdict:
    scope = COMPETENCIES if loop["scoped"] else None
    return aggregate(PM, LEVEL, loop["must"], loop["bar"], cards_of(ratings), len(ratings), scope)


def rated_cells(ratings: list[dict[str, str]]) -> list[tuple[int, str]]:
    return [(i, c) for i, rs in enumerate(ratings) for c, r in rs.items() if r != "no_evidence"]


def moved(ratings: list[dict[str, str]], cell: tuple[int, str], step: int) -> list[dict[str, str]]:
    index, competency = cell
    position = POINTS.index(ratings[index][competency]) + step
    changed = [dict(rs) for rs in ratings]
    changed[index][competency] = POINTS[position]
    return changed


@settings(max_examples=400, deadline=None)
@given(loop=loops, data=st.data())
def test_raising_one_rating_never_lowers_the_recommendation(
    loop: dict, data: st.DataObject
) -> None:
    ratings = loop["cards"]
    cells = [c for c in rated_cells(ratings) if ratings[c[0]][c[1]] != POINTS[-1]]
    assume(cells)
    cell = data.draw(st.sampled_from(cells))
    before, after = run(loop, ratings), run(loop, moved(ratings, cell, +1))
    assert ORDER[after.recommendation] >= ORDER[before.recommendation], (before.rule, after.rule)
    # ... and no competency's verdict goes down either
    for old, new in zip(before.competencies, after.competencies, strict=True):
        if old.count:
            assert POINTS.index(new.verdict) >= POINTS.index(old.verdict)


@settings(max_examples=400, deadline=None)
@given(loop=loops, data=st.data())
def test_lowering_one_rating_never_raises_the_recommendation(
    loop: dict, data: st.DataObject
) -> None:
    ratings = loop["cards"]
    cells = [c for c in rated_cells(ratings) if ratings[c[0]][c[1]] != POINTS[0]]
    assume(cells)
    cell = data.draw(st.sampled_from(cells))
    before, after = run(loop, ratings), run(loop, moved(ratings, cell, -1))
    assert ORDER[after.recommendation] <= ORDER[before.recommendation], (before.rule, after.rule)


@settings(max_examples=300, deadline=None)
@given(loop=loops, competency=st.sampled_from(COMPETENCIES), where=st.integers(0, 6))
def test_adding_a_no_evidence_rating_changes_nothing(
    loop: dict, competency: str, where: int
) -> None:
    ratings = loop["cards"]
    if where < len(ratings) and competency not in ratings[where]:
        changed = [dict(rs) for rs in ratings]
        changed[where][competency] = "no_evidence"
    else:
        changed = [*ratings, {competency: "no_evidence"}]
    before, after = run(loop, ratings), run(loop, changed)
    assert after.recommendation == before.recommendation and after.rule == before.rule
    assert after.fingerprint() == before.fingerprint()
    assert after.splits == before.splits and after.borderline == before.borderline


@settings(max_examples=300, deadline=None)
@given(loop=loops)
def test_split_and_borderline_never_move_the_recommendation(loop: dict) -> None:
    """The same verdicts on the same number of ratings, without any disagreement (each
    competency's ratings all at its verdict), give the same recommendation."""
    verdict = run(loop, loop["cards"])
    flat: list[dict[str, str]] = [
        {} for _ in range(max(c.count for c in verdict.competencies) or 1)
    ]
    for c in verdict.competencies:
        for i in range(c.count):
            flat[i][c.id] = c.verdict
    flattened = run({**loop}, [rs for rs in flat if rs] or [{}])
    assert not flattened.splits and not flattened.borderline
    assert flattened.recommendation == verdict.recommendation


@settings(max_examples=300, deadline=None)
@given(
    positions=st.lists(st.integers(0, 2), min_size=1, max_size=8),
    index=st.integers(0, 7),
)
def test_the_competency_verdict_is_monotone(positions: list[int], index: int) -> None:
    index %= len(positions)
    assume(positions[index] < 2)
    raised = [*positions]
    raised[index] += 1
    assert summary(raised, 2).position >= summary(positions, 2).position


def test_one_rater_is_no_veto_either_way() -> None:
    assert summary([0, 1], 2).position == 1  # one needs_focus does not pull on_track down
    assert summary([1, 2], 2).position == 1  # one outperforming does not lift alone
    assert summary([0, 0, 1, 1], 2).position == 1
    assert summary([1, 1, 2, 2], 2).position == 1
