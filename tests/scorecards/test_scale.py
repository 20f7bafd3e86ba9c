from __future__ import annotations

import pytest

from scorecards.scale import (
    GREENHOUSE_ATTRIBUTE_RATINGS,
    RECOMMENDATION_LABELS,
    RECOMMENDATIONS,
    Recommendation,
    ScaleError,
    from_greenhouse,
    from_score,
    parse_recommendation,
    rank,
    recommendation_from_score,
    recommendation_to_score,
    to_greenhouse,
    to_score,
)


def test_order_and_no_evidence_is_missing() -> None:
    assert rank("needs_focus") < rank("on_track") < rank("outperforming")  # type: ignore[operator]
    assert rank("no_evidence") is None
    with pytest.raises(ScaleError):
        rank("great")


@pytest.mark.parametrize(
    ("greenhouse", "point"),
    [
        ("definitely_not", "needs_focus"),
        ("no", "needs_focus"),
        ("mixed", "needs_focus"),
        ("yes", "on_track"),
        ("strong_yes", "outperforming"),
        ("no_decision", "no_evidence"),
        (None, "no_evidence"),
        ("Strong Yes", "outperforming"),
    ],
)
def test_from_greenhouse(greenhouse: str | None, point: str) -> None:
    assert from_greenhouse(greenhouse) == point


def test_greenhouse_round_trip_keeps_our_points() -> None:
    for point in ("needs_focus", "on_track", "outperforming", "no_evidence"):
        assert from_greenhouse(to_greenhouse(point)) == point
    assert set(map(to_greenhouse, ("needs_focus", "on_track", "outperforming"))) <= set(
        GREENHOUSE_ATTRIBUTE_RATINGS
    )


@pytest.mark.parametrize(
    ("score", "point"),
    [
        (1, "needs_focus"),
        (2, "needs_focus"),
        ("3", "on_track"),
        (4, "outperforming"),
        (None, "no_evidence"),
    ],
)
def test_lever_and_ashby_scores(score: int | str | None, point: str) -> None:
    assert from_score(score) == point


def test_scores_round_trip() -> None:
    for point in ("needs_focus", "on_track", "outperforming"):
        assert from_score(to_score(point)) == point
    assert to_score("no_evidence") is None


@pytest.mark.parametrize("bad", [0, 5, "x", "3.5"])
def test_bad_scores(bad: object) -> None:
    with pytest.raises(ScaleError):
        from_score(bad)  # type: ignore[arg-type]


def test_unknown_greenhouse_value() -> None:
    with pytest.raises(ScaleError):
        from_greenhouse("maybe")


def test_recommendations() -> None:
    assert [recommendation_from_score(s) for s in (1, 2, 3, 4, None)] == [
        Recommendation.DEFINITELY_NOT,
        Recommendation.NO,
        Recommendation.YES,
        Recommendation.STRONG_YES,
        Recommendation.NO_DECISION,
    ]
    for value in Recommendation:
        score = recommendation_to_score(value)
        assert (recommendation_from_score(score) if score else Recommendation.NO_DECISION) == value
    assert parse_recommendation("strong_yes") is Recommendation.STRONG_YES
    assert parse_recommendation(None) is Recommendation.NO_DECISION
    with pytest.raises(ScaleError):
        parse_recommendation("maybe")


def test_recommendation_values_order_and_labels() -> None:
    assert RECOMMENDATIONS == ("definitely_not", "no", "yes", "strong_yes", "no_decision")
    assert [r.label for r in Recommendation] == [
        "Definitely not",
        "No",
        "Yes",
        "Strong yes",
        "No decision",
    ]
    assert set(RECOMMENDATION_LABELS) == set(RECOMMENDATIONS)
    assert Recommendation("strong_yes").label == RECOMMENDATION_LABELS["strong_yes"]


def test_a_four_point_custom_scale_maps_by_position() -> None:
    points = ("poor", "fair", "good", "great")
    assert from_greenhouse("yes", points) == "good"
    assert from_greenhouse("no", points) == "poor"
    assert to_greenhouse("fair", points) == "no"
    assert to_score("great", points) == 4
