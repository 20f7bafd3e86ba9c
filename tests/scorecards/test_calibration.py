from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from scorecards.calibration import (
    CalibrationRating,
    agreement,
    interviewer_stats,
    ordinal_alpha,
)

NF, OT, OP, NE = "needs_focus", "on_track", "outperforming", "no_evidence"


def r(
    app: int, who: str, rating: str, competency: str = "c1", loop: str = "L"
) -> CalibrationRating:
    return CalibrationRating(app, loop, competency, who, rating, scorecard=f"{app}-{who}")


def test_distribution_no_evidence_rate_and_leniency() -> None:
    ratings = [
        # Lenient rates one point above Fair on every shared candidate.
        r(1, "lenient", OP),
        r(1, "fair", OT),
        r(2, "lenient", OT),
        r(2, "fair", NF),
        r(3, "lenient", OP),
        r(3, "fair", OT),
        r(3, "harsh", NF),
        r(4, "lenient", NE, "c2"),
        r(4, "fair", OT, "c2"),
        r(5, "alone", OT),
    ]
    rows = {s.interviewer: s for s in interviewer_stats(ratings)}
    lenient = rows["lenient"]
    assert lenient.ratings == 4 and lenient.no_evidence == 1
    assert lenient.no_evidence_rate == pytest.approx(0.25)
    assert lenient.distribution == {NF: 0, OT: 1, OP: 2}
    # +1, +1, and on candidate 3: 2 - mean(1, 0) = +1.5; the no_evidence is not compared.
    assert lenient.leniency == pytest.approx((1 + 1 + 1.5) / 3)
    assert lenient.comparisons == 3 and lenient.candidates == 4 and lenient.scorecards == 4
    assert rows["fair"].leniency == pytest.approx((-1 - 1 + (1 - 1)) / 3)
    assert rows["harsh"].leniency == pytest.approx(0 - 1.5)
    assert rows["alone"].leniency is None and rows["alone"].comparisons == 0
    assert not lenient.enough_data
    assert rows["alone"].to_dict()["no_evidence_rate"] == 0.0


def test_ordinal_alpha_matches_the_package_on_reliability_data() -> None:
    # Three raters, six candidates, some missing: the same data as a rater x unit matrix.
    matrix = [
        [0, 1, 2, 2, np.nan, 1],
        [0, 1, 2, 1, 0, np.nan],
        [np.nan, 1, 2, 2, 0, 2],
    ]
    expected = krippendorff.alpha(
        reliability_data=matrix, level_of_measurement="ordinal", value_domain=[0, 1, 2]
    )
    counts = []
    for unit in zip(*matrix, strict=True):
        row = [0, 0, 0]
        for value in unit:
            if not np.isnan(value):
                row[int(value)] += 1
        counts.append(row)
    assert ordinal_alpha(counts, 3) == pytest.approx(float(expected))


def test_agreement_per_loop_and_competency() -> None:
    perfect = [r(a, w, p) for a, p in ((1, NF), (2, OT), (3, OP)) for w in ("x", "y")]
    opposite = [r(1, "x", NF, "c2"), r(1, "y", OP, "c2"), r(2, "x", OP, "c2"), r(2, "y", NF, "c2")]
    single = [r(9, "x", OT, "c3")]
    same = [r(1, "x", OT, "c4"), r(1, "y", OT, "c4"), r(2, "x", NE, "c4")]
    other_loop = [r(1, "x", OT, "c1", "M"), r(1, "y", OP, "c1", "M")]
    rows = {
        (a.loop, a.competency): a
        for a in agreement(perfect + opposite + single + same + other_loop)
    }
    assert rows[("L", "c1")].alpha == pytest.approx(1.0)
    assert rows[("L", "c1")].units == 3 and rows[("L", "c1")].ratings == 6
    assert rows[("L", "c2")].alpha is not None and rows[("L", "c2")].alpha < 0
    assert rows[("L", "c3")].alpha is None and "two interviewers" in rows[("L", "c3")].note
    assert rows[("L", "c4")].alpha is None and "one point" in rows[("L", "c4")].note
    # One candidate, two different points: the package's alpha is 0 (no better than chance).
    assert rows[("M", "c1")].alpha == pytest.approx(0.0)
    assert rows[("M", "c1")].note == "Only 1 application with two or more ratings: read with care."
    assert "read with care" in rows[("L", "c1")].note


def test_empty_input() -> None:
    assert interviewer_stats([]) == []
    assert agreement([]) == []
    assert ordinal_alpha([], 3) is None
