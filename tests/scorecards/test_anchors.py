"""The anchors of the built-in framework follow the rules a rater can use in the room.

What can be checked mechanically is checked here, for all 12 competencies x 7 levels:
- On Track names at most three indicators (written as clauses separated by ';') and stays
  short enough to hold in mind while listening;
- Outperforming describes behaviour at the next level's scope ("Works at <scope> scope: ..."
  below CPO), never outcomes or reputation (no "adopted", "copied", "known for", ...);
- Needs Focus describes what the rater sees or hears, not an absence ("cannot", "lacks", ...).
"""

from __future__ import annotations

import re

import pytest

from scorecards.framework import Framework
from scorecards.loader import builtin_frameworks

LEVELS = ["apm", "pm", "senior-pm", "group-pm", "director", "vp", "cpo"]
MAX_ON_TRACK_INDICATORS = 3
MAX_ON_TRACK_WORDS = 50

#: Words that reward results or standing instead of what the candidate did.
OUTCOME_OR_REPUTATION = re.compile(
    r"\b(adopt\w*|cop(y|ied|ies)|reputation|known for|promot\w*|prais\w*|recogni[sz]\w*"
    r"|award\w*|famous|sought|results?|revenue|fewer|faster|improv\w*|increas\w*|grew"
    r"|successful\w*|impact\w*|won|wins|track record|evidence of|rely on|relies on)\b",
    re.IGNORECASE,
)
#: Phrases that define Needs Focus by what is missing rather than by what is observed.
ABSENCE = re.compile(
    r"\b(cannot|can't|unable|lacks?|lacking|fails? to|no example|does not|doesn't|never"
    r"|nothing|not able|struggles to)\b",
    re.IGNORECASE,
)
NEXT_SCOPE = re.compile(r"^Works at [a-zA-Z-]+ scope: \S")


@pytest.fixture(scope="module")
def pm() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


def _anchors(pm: Framework, point: str) -> list[tuple[str, str, str]]:
    return [
        (competency.id, level, competency.anchors[level][point])
        for competency in pm.competencies
        for level in LEVELS
    ]


def indicators(text: str) -> list[str]:
    return [part for part in text.split(";") if part.strip()]


def test_on_track_names_at_most_three_indicators(pm: Framework) -> None:
    anchors = _anchors(pm, "on_track")
    assert len(anchors) == 12 * 7
    too_many = [
        (cid, level)
        for cid, level, text in anchors
        if len(indicators(text)) > MAX_ON_TRACK_INDICATORS or len(text.split()) > MAX_ON_TRACK_WORDS
    ]
    assert too_many == []


def test_outperforming_is_behaviour_at_the_next_scope(pm: Framework) -> None:
    rewarding_outcomes = [
        (cid, level, match.group(0))
        for cid, level, text in _anchors(pm, "outperforming")
        if (match := OUTCOME_OR_REPUTATION.search(text))
    ]
    assert rewarding_outcomes == []
    below_the_top = [
        (cid, level) for cid, level, text in _anchors(pm, "outperforming") if level != "cpo"
    ]
    assert len(below_the_top) == 12 * 6
    not_next_scope = [
        (cid, level)
        for cid, level, text in _anchors(pm, "outperforming")
        if level != "cpo" and not NEXT_SCOPE.match(text)
    ]
    assert not_next_scope == []


def test_needs_focus_is_observable_not_an_absence(pm: Framework) -> None:
    absences = [
        (cid, level, match.group(0))
        for cid, level, text in _anchors(pm, "needs_focus")
        if (match := ABSENCE.search(text))
    ]
    assert absences == []


@pytest.mark.parametrize(
    ("text", "count"),
    [("Does A; does B; does C.", 3), ("Does A, B and C.", 1), ("A; B; C; D", 4)],
)
def test_indicators_are_counted_by_clause(text: str, count: int) -> None:
    assert len(indicators(text)) == count


def test_the_word_lists_catch_what_they_are_for() -> None:
    assert OUTCOME_OR_REPUTATION.search("their specs are the ones other PMs copy")
    assert OUTCOME_OR_REPUTATION.search("standards that other lines adopted")
    assert not OUTCOME_OR_REPUTATION.search("Works at group scope: coaches PMs on specs")
    assert ABSENCE.search("cannot say what problem the feature solved")
    assert not ABSENCE.search("Describes a spec as a list of screens")
