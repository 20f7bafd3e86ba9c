from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from scorecards.framework import Framework
from scorecards.loader import builtin_frameworks
from scorecards.loops import (
    LintReport,
    LoopError,
    LoopSettings,
    check_loop,
    lint_loop,
    parse_loop,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "loops" / "senior-pm-payments.yaml"

CONTRACT_EXAMPLE = """
name: Senior PM, Payments
framework: pm
level: senior-pm
ats: greenhouse
job_id: "3485"
must_have: [functional-specification, fluency-with-data]
stages:
  - name: Onsite
    ats_stage_id: "71416"
    interviews:
      - name: Product sense
        ats_interview_id: "113101"
        format: product-sense
        competencies: [user-experience-design, voice-of-the-customer]
"""


@pytest.fixture(scope="module")
def pm() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


@pytest.fixture
def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return data


def _codes(report: LintReport) -> list[str]:
    return [f.code for f in report.findings]


def test_contract_example_parses_into_the_documented_structure(pm: Framework) -> None:
    loop = parse_loop(yaml.safe_load(CONTRACT_EXAMPLE), pm)
    assert (loop.name, loop.framework, loop.level, loop.ats, loop.job_id) == (
        "Senior PM, Payments",
        "pm",
        "senior-pm",
        "greenhouse",
        "3485",
    )
    assert loop.must_have == ("functional-specification", "fluency-with-data")
    stage = loop.stages[0]
    assert (stage.name, stage.ats_stage_id) == ("Onsite", "71416")
    interview = stage.interviews[0]
    assert interview.key == "113101" and interview.format == "product-sense"
    assert interview.competencies == ("user-experience-design", "voice-of-the-customer")
    assert loop.settings == LoopSettings()
    assert loop.settings.reminder_hours == (1, 24) and loop.settings.escalate_after_hours == 48
    assert loop.hiring_bar.is_default


def test_to_dict_round_trips_and_is_what_gets_stored(
    pm: Framework, example: dict[str, Any]
) -> None:
    loop = parse_loop(example, pm)
    document = loop.to_dict()
    assert parse_loop(document, pm) == loop
    assert document["stages"][0]["interviews"][0] == {
        "name": "Product sense",
        "ats_interview_id": "113101",
        "format": "product-sense",
        "competencies": [
            "user-experience-design",
            "voice-of-the-customer",
            "business-outcome-ownership",
            "fluency-with-data",
        ],
    }
    assert "hiring_bar" not in document  # the default is not written out
    example["hiring_bar"] = {"no_competencies_needs_focus": 2}
    custom = parse_loop(example, pm)
    assert custom.hiring_bar.no_competencies_needs_focus == 2
    assert parse_loop(custom.to_dict(), pm) == custom


def test_example_loop_file_is_lint_clean(pm: Framework, example: dict[str, Any]) -> None:
    loop = parse_loop(example, pm)
    report = lint_loop(loop, pm)
    assert report.findings == ()
    assert report.ok and report.clean
    assert len(loop.interviews) == 4


def test_numeric_ats_ids_become_text(pm: Framework, example: dict[str, Any]) -> None:
    example["job_id"] = 3485
    example["stages"][0]["ats_stage_id"] = 71416
    example["stages"][0]["interviews"][0]["ats_interview_id"] = 113101
    loop = parse_loop(example, pm)
    assert loop.job_id == "3485" and loop.stages[0].ats_stage_id == "71416"
    assert loop.find_interview("113101") is not None


def test_aliases_and_names_resolve_to_canonical_ids_and_are_reported(pm: Framework) -> None:
    data = yaml.safe_load(CONTRACT_EXAMPLE)
    data["must_have"] = ["Feature Specification", "Fluency with Data"]
    data["stages"][0]["interviews"][0]["competencies"] = [
        "Stakeholder Management",
        "User Experience Design",
    ]
    loop = parse_loop(data, pm)
    assert loop.must_have == ("functional-specification", "fluency-with-data")
    assert loop.stages[0].interviews[0].competencies == (
        "stakeholder-inclusion",
        "user-experience-design",
    )
    notes = lint_loop(loop, pm).notes
    written = {(n.field, n.competency) for n in notes}
    assert ("must_have[0]", "functional-specification") in written
    assert ("stages[0].interviews[0].competencies[0]", "stakeholder-inclusion") in written
    alias = next(n for n in notes if n.competency == "stakeholder-inclusion")
    assert alias.stage == "Onsite" and alias.interview == "Product sense"
    assert "'Stakeholder Management' is read as stakeholder-inclusion" in alias.message


def test_unknown_competency_is_an_error_at_its_path_with_did_you_mean(pm: Framework) -> None:
    data = yaml.safe_load(CONTRACT_EXAMPLE)
    data["stages"][0]["interviews"][0]["competencies"] = [
        "user-experience-design",
        "voice-of-the-customer",
        "fluency-with-dat",
    ]
    with pytest.raises(LoopError) as caught:
        parse_loop(data, pm)
    (issue,) = caught.value.issues
    assert issue.field == "stages[0].interviews[0].competencies[2]"
    assert "unknown competency 'fluency-with-dat'" in issue.message
    assert "did you mean 'fluency-with-data'?" in issue.message
    assert (issue.stage, issue.interview, issue.competency) == (
        "Onsite",
        "Product sense",
        "fluency-with-dat",
    )


def test_every_problem_is_reported_not_just_the_first(pm: Framework) -> None:
    data = yaml.safe_load(CONTRACT_EXAMPLE)
    data["level"] = "senior"
    data["ats"] = "greenhose"
    data["must_haves"] = []
    data["must_have"] = ["strategy-thing"]
    data["settings"] = {"reminder_hours": [24, 1], "escalate_after_hours": -1}
    data["hiring_bar"] = {"no_competencies_needs_focus": 0}
    del data["name"]
    with pytest.raises(LoopError) as caught:
        parse_loop(data, pm)
    fields = caught.value.fields()
    assert "did you mean 'senior-pm'?" in fields["level"]
    assert "did you mean 'greenhouse'?" in fields["ats"]
    assert "did you mean 'must_have'?" in fields["must_haves"]
    assert "must_have[0]" in fields
    assert fields["name"] == "is required"
    assert "increasing" in fields["settings.reminder_hours"]
    assert "positive" in fields["settings.escalate_after_hours"]
    assert "at least 1" in fields["hiring_bar.no_competencies_needs_focus"]


def test_level_may_be_given_by_its_display_name(pm: Framework) -> None:
    data = yaml.safe_load(CONTRACT_EXAMPLE)
    data["level"] = "Senior Product Manager"
    assert parse_loop(data, pm).level == "senior-pm"


def test_interview_keys_must_be_unique(pm: Framework, example: dict[str, Any]) -> None:
    example["stages"][0]["interviews"][1]["ats_interview_id"] = "113101"
    with pytest.raises(LoopError) as caught:
        parse_loop(example, pm)
    (issue,) = caught.value.issues
    assert issue.field == "stages[0].interviews[1].ats_interview_id"
    assert issue.code == "duplicate_interview"


def test_duplicate_competency_in_one_interview_is_an_error(pm: Framework) -> None:
    data = yaml.safe_load(CONTRACT_EXAMPLE)
    data["stages"][0]["interviews"][0]["competencies"] = [
        "functional-specification",
        "Feature Specification",
    ]
    with pytest.raises(LoopError) as caught:
        parse_loop(data, pm)
    assert caught.value.issues[0].field == "stages[0].interviews[0].competencies[1]"


def test_must_have_assessed_once_names_stage_interview_and_competency(
    pm: Framework, example: dict[str, Any]
) -> None:
    # Take fluency-with-data out of the analytics case: it is left in Product sense only.
    example["stages"][0]["interviews"][3]["competencies"].remove("fluency-with-data")
    report = lint_loop(parse_loop(example, pm), pm)
    assert not report.ok
    (error,) = report.errors
    assert error.code == "must_have_once"
    assert (error.stage, error.interview, error.competency) == (
        "Onsite",
        "Product sense",
        "fluency-with-data",
    )
    assert error.field == "stages[0].interviews[0].competencies"
    assert "assessed once" in error.message


def test_must_have_not_assessed_at_all_is_an_error(pm: Framework) -> None:
    report = lint_loop(parse_loop(yaml.safe_load(CONTRACT_EXAMPLE), pm), pm)
    missing = [e for e in report.errors if e.code == "must_have_not_assessed"]
    assert {e.competency for e in missing} == {"functional-specification", "fluency-with-data"}


def test_six_competencies_in_one_interview_is_an_error(
    pm: Framework, example: dict[str, Any]
) -> None:
    interview = example["stages"][0]["interviews"][1]
    interview["competencies"] = [
        "functional-specification",
        "product-quality",
        "product-delivery",
        "stakeholder-inclusion",
        "managing-up",
        "strategic-impact",
    ]
    report = lint_loop(parse_loop(example, pm), pm)
    (error,) = [e for e in report.errors if e.code == "too_many_competencies"]
    assert (error.stage, error.interview) == ("Onsite", "Spec writing exercise")
    assert error.competency == "managing-up"  # the first one past the limit of four
    assert "6 focus competencies" in error.message and "strategic-impact" in error.message


def test_competency_in_scope_but_not_assessed_is_a_warning(
    pm: Framework, example: dict[str, Any]
) -> None:
    example["stages"][0]["interviews"][2]["competencies"].remove("managing-up")
    report = lint_loop(parse_loop(example, pm), pm)
    assert report.ok
    (warning,) = report.warnings
    assert (warning.code, warning.competency) == ("not_assessed", "managing-up")


def test_team_leadership_only_for_levels_that_manage_people(
    pm: Framework, example: dict[str, Any]
) -> None:
    example["stages"][0]["interviews"][1]["competencies"].append("team-leadership")
    report = lint_loop(parse_loop(example, pm), pm)
    (warning,) = report.warnings
    assert warning.code == "above_level" and warning.competency == "team-leadership"
    assert warning.interview == "Spec writing exercise"
    assert "does not manage people" in warning.message
    # At group-pm it is in scope, so the same loop is clean ...
    example["level"] = "group-pm"
    assert lint_loop(parse_loop(example, pm), pm).clean
    # ... and a group-pm loop without it has a gap.
    example["stages"][0]["interviews"][1]["competencies"].remove("team-leadership")
    gaps = lint_loop(parse_loop(example, pm), pm).warnings
    assert [(w.code, w.competency) for w in gaps] == [("not_assessed", "team-leadership")]


def test_must_have_above_the_level_is_an_error(pm: Framework, example: dict[str, Any]) -> None:
    example["must_have"].append("team-leadership")
    report = lint_loop(parse_loop(example, pm), pm)
    assert "must_have_above_level" in _codes(report)


def test_interviewer_count_counts_interviews_unless_the_loop_says_otherwise(
    pm: Framework, example: dict[str, Any]
) -> None:
    two = copy.deepcopy(example)
    two["stages"][0]["interviews"] = two["stages"][0]["interviews"][:2]
    report = lint_loop(parse_loop(two, pm), pm)
    assert "too_few_interviewers" in _codes(report)
    two["stages"][0]["interviews"][0]["interviewers"] = 2  # a panel of two
    assert "too_few_interviewers" not in _codes(lint_loop(parse_loop(two, pm), pm))

    many = copy.deepcopy(example)
    many["stages"].append(
        {
            "name": "Final",
            "interviews": [
                {"name": f"Extra {n}", "competencies": ["managing-up"]} for n in range(3)
            ],
        }
    )
    report = lint_loop(parse_loop(many, pm), pm)
    assert "too_many_interviewers" in _codes(report)  # 7 interviewers


def test_unknown_format_is_a_warning_with_a_suggestion(
    pm: Framework, example: dict[str, Any]
) -> None:
    example["stages"][0]["interviews"][0]["format"] = "product-sens"
    report = lint_loop(parse_loop(example, pm), pm)
    (warning,) = report.warnings
    assert warning.code == "unknown_format" and "did you mean 'product-sense'?" in warning.message


def test_format_by_display_name(pm: Framework, example: dict[str, Any]) -> None:
    example["stages"][0]["interviews"][1]["format"] = "Spec writing exercise"
    assert parse_loop(example, pm).stages[0].interviews[1].format == "spec-writing"


def test_find_interview_and_stage(pm: Framework, example: dict[str, Any]) -> None:
    loop = parse_loop(example, pm)
    by_id = loop.find_interview("113102")
    assert by_id is not None and by_id[1].name == "Spec writing exercise"
    by_name = loop.find_interview("Spec writing exercise")
    assert by_name == by_id
    assert loop.find_interview("spec  WRITING exercise") == by_id
    assert loop.find_interview("nope") is None
    stage = loop.stage("71416")
    assert stage is not None and stage is loop.stage("Onsite") and stage is loop.stage("onsite")
    assert loop.stage("Offer") is None
    no_id = copy.deepcopy(example)
    no_id["stages"][0]["interviews"][0]["ats_interview_id"] = None
    assert parse_loop(no_id, pm).stages[0].interviews[0].key == "Product sense"


def test_check_loop_turns_parse_errors_into_error_findings(pm: Framework) -> None:
    loop, report = check_loop({"name": "x", "level": "senior-pm", "ats": "greenhouse"}, pm)
    assert loop is None and not report.ok
    assert {"job_id", "stages"} <= {f.field for f in report.errors}
    data = report.to_dict()
    assert data["ok"] is False and data["errors"][0]["severity"] == "error"


# -- interview length -------------------------------------------------------------------------


def test_interview_minutes_default_to_45_and_round_trip(
    pm: Framework, example: dict[str, Any]
) -> None:
    loop = parse_loop(example, pm)
    assert {interview.minutes for _, interview in loop.interviews} == {45}
    assert all("minutes" not in i for s in loop.to_dict()["stages"] for i in s["interviews"])
    example["stages"][0]["interviews"][0]["minutes"] = 60
    longer = parse_loop(example, pm)
    assert longer.interviews[0][1].minutes == 60
    assert parse_loop(longer.to_dict(), pm) == longer


@pytest.mark.parametrize("minutes", [0, 10, "45", 45.5, True, 500])
def test_interview_minutes_must_be_a_sensible_whole_number(
    pm: Framework, example: dict[str, Any], minutes: Any
) -> None:
    example["stages"][0]["interviews"][1]["minutes"] = minutes
    with pytest.raises(LoopError) as caught:
        parse_loop(example, pm)
    assert "stages[0].interviews[1].minutes" in caught.value.fields()


def test_an_interview_too_short_for_its_essentials_is_over_time(
    pm: Framework, example: dict[str, Any]
) -> None:
    # Product sense: 5 introductions + 15 opening + 4 questions of at least 5 + 5 close = 45.
    example["stages"][0]["interviews"][0]["minutes"] = 40
    report = lint_loop(parse_loop(example, pm), pm)
    (error,) = [e for e in report.errors if e.code == "over_time"]
    assert (error.stage, error.interview) == ("Onsite", "Product sense")
    assert error.field == "stages[0].interviews[0].minutes"
    assert "needs at least 45 minutes" in error.message and "40 minutes long" in error.message
    example["stages"][0]["interviews"][0]["minutes"] = 45
    assert "over_time" not in _codes(lint_loop(parse_loop(example, pm), pm))


def test_over_time_counts_the_shortest_question_not_the_exercise(
    pm: Framework, example: dict[str, Any]
) -> None:
    # The spec exercise (25 minutes) is not essential: a shorter question keeps it on time.
    example["stages"][0]["interviews"][1]["minutes"] = 20
    assert "over_time" not in _codes(lint_loop(parse_loop(example, pm), pm))
    example["stages"][0]["interviews"][1]["minutes"] = 15
    assert "over_time" in _codes(lint_loop(parse_loop(example, pm), pm))


@pytest.mark.parametrize("path", sorted(EXAMPLE.parent.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_loop_still_lints_without_errors(pm: Framework, path: Path) -> None:
    report = lint_loop(parse_loop(yaml.safe_load(path.read_text()), pm), pm)
    assert report.ok, [f.message for f in report.errors]


def test_lock_after_peers_and_the_strong_yes_ratings_are_loop_settings(pm: Framework) -> None:
    data = yaml.safe_load(CONTRACT_EXAMPLE)
    assert "lock_after_peers" not in parse_loop(data, pm).to_dict()["settings"]
    data["settings"] = {"lock_after_peers": True}
    data["hiring_bar"] = {"strong_yes_min_ratings_per_must_have": 3}
    loop = parse_loop(data, pm)
    assert loop.settings.lock_after_peers is True
    assert loop.hiring_bar.strong_yes_min_ratings_per_must_have == 3
    assert parse_loop(loop.to_dict(), pm) == loop
    data["settings"] = {"lock_after_peers": "yes"}
    with pytest.raises(LoopError) as caught:
        parse_loop(data, pm)
    assert "settings.lock_after_peers" in caught.value.fields()
