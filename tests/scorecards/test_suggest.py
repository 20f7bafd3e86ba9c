from __future__ import annotations

import pytest

from scorecards.framework import Framework
from scorecards.loader import builtin_frameworks
from scorecards.suggest import keyword_pattern, suggest_interview, suggest_stages


@pytest.fixture(scope="module")
def pm() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


# The seeds' interview-format table, as an ATS would name the interviews.
@pytest.mark.parametrize(
    ("name", "fmt", "competency"),
    [
        ("Spec writing exercise", "spec-writing", "functional-specification"),
        ("Past experience interview", "past-experience", "product-delivery"),
        ("Analytics case study", "analytics-case", "fluency-with-data"),
        ("User research discussion", "user-research", "voice-of-the-customer"),
        ("Design critique", "design-critique", "user-experience-design"),
        ("Product sense", "product-sense", "business-outcome-ownership"),
        ("Strategy case", "strategy-case", "strategic-impact"),
        ("Past conflict resolution", "conflict", "stakeholder-inclusion"),
    ],
)
def test_the_seed_format_table(pm: Framework, name: str, fmt: str, competency: str) -> None:
    suggestion = suggest_interview(pm, name, level="senior-pm")
    assert suggestion.format == fmt
    assert competency in suggestion.competencies
    assert suggestion.confidence >= 0.8
    assert suggestion.reason


def test_keywords_match_whole_words_only(pm: Framework) -> None:
    assert not keyword_pattern("spec").search("a perspective on hiring")
    assert keyword_pattern("spec").search("review their specs")
    assert keyword_pattern("a/b test").search("run an a/b test")
    assert keyword_pattern("product sense").search("product-sense round")
    unmapped = suggest_interview(pm, "Perspectives chat")
    assert unmapped.format is None and unmapped.competencies == ()


def test_unknown_interviews_stay_unmapped(pm: Framework) -> None:
    # The names and kit questions of Greenhouse's documented job stage object.
    culture = suggest_interview(pm, "Cultural Fit Interview", ["Is this person really a good fit?"])
    executive = suggest_interview(
        pm,
        "Executive Interview",
        ["What's their favorite color?", "Do they really want to work here?"],
    )
    for suggestion in (culture, executive):
        assert suggestion.format is None
        assert suggestion.competencies == ()
        assert suggestion.confidence == 0.0
        assert "choose the format and competencies by hand" in suggestion.reason


def test_kit_questions_count_but_with_less_confidence(pm: Framework) -> None:
    suggestion = suggest_interview(
        pm,
        "Hiring manager interview",
        ["<p>Walk me through a <b>PRD</b> you wrote.</p>", "Which requirements did you cut?"],
    )
    assert suggestion.format == "spec-writing"
    assert 0 < suggestion.confidence < 0.8
    assert "kit questions" in suggestion.reason


def test_tied_question_matches_are_not_guessed(pm: Framework) -> None:
    suggestion = suggest_interview(pm, "Onsite 2", ["Tell me about a PRD.", "Which metrics?"])
    assert suggestion.format is None
    assert set(suggestion.alternatives) == {"spec-writing", "analytics-case"}


def test_two_formats_in_a_name_lowers_confidence_and_names_the_other(pm: Framework) -> None:
    suggestion = suggest_interview(pm, "Product sense & metrics")
    assert suggestion.format == "product-sense"
    assert suggestion.alternatives == ("analytics-case",)
    assert suggestion.confidence < 0.9
    assert "Analytics case study" in suggestion.reason


def test_competencies_above_the_level_are_left_out(pm: Framework) -> None:
    senior = suggest_interview(pm, "Leadership interview", level="senior-pm")
    assert senior.competencies == ("managing-up",)
    assert "Team Leadership" in senior.reason
    group = suggest_interview(pm, "Leadership interview", level="group-pm")
    assert group.competencies == ("team-leadership", "managing-up")


def test_suggest_stages_fills_in_what_it_found(pm: Framework) -> None:
    stages = suggest_stages(
        pm,
        [
            {
                "name": "Onsite",
                "ats_stage_id": 71416,
                "interviews": [
                    {"name": "Analytics case study", "ats_interview_id": 1},
                    {"name": "Lunch", "ats_interview_id": 2},
                ],
            }
        ],
        "senior-pm",
    )
    (stage,) = stages
    assert stage["ats_stage_id"] == "71416"
    analytics, lunch = stage["interviews"]
    assert analytics["format"] == "analytics-case"
    assert analytics["competencies"] == ["fluency-with-data"]
    assert analytics["ats_interview_id"] == "1"
    assert lunch["format"] is None and lunch["competencies"] == []
    assert lunch["suggestion"]["confidence"] == 0.0
