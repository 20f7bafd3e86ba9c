"""The interview kit in the built-in framework: level-aware questions, rubrics for what happens
in the room, flags, time boxes and the before-you-start block."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from scorecards.agenda import DEFAULT_INTERVIEW_MINUTES, essential_minutes, plan_interview
from scorecards.framework import Framework
from scorecards.guides import build_guide, guide_to_dict, guide_to_html, guide_to_markdown
from scorecards.loader import builtin_frameworks
from scorecards.loops import LoopSpec, parse_loop

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "loops"
IC_LEVELS = ("apm", "pm", "senior-pm")
LEADER_LEVELS = ("director", "vp", "cpo")
POINTS = ("needs_focus", "on_track", "outperforming")


@pytest.fixture(scope="module")
def pm() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


def one_interview_loop(
    pm: Framework,
    level: str,
    fmt: str | None,
    competencies: list[str],
    job_id: str = "1",
    **extra: Any,
) -> LoopSpec:
    interview: dict[str, Any] = {"name": "Interview", "competencies": competencies, **extra}
    if fmt:
        interview["format"] = fmt
    return parse_loop(
        {
            "name": "Kit",
            "framework": "pm",
            "level": level,
            "ats": "greenhouse",
            "job_id": job_id,
            "stages": [{"name": "Onsite", "interviews": [interview]}],
        },
        pm,
    )


# -- the bank ---------------------------------------------------------------------------------


def test_every_competency_has_an_ic_only_and_a_leader_only_question(pm: Framework) -> None:
    for competency in pm.competencies:
        reach = {q.id: set(pm.question_levels(q)) for q in competency.questions}
        ic_only = [q for q, levels in reach.items() if levels and levels <= set(IC_LEVELS)]
        leader_only = [q for q, levels in reach.items() if levels and levels <= set(LEADER_LEVELS)]
        assert ic_only, f"{competency.id} has no question only IC levels get"
        assert leader_only, f"{competency.id} has no question only leader levels get"


def test_every_question_carries_levels_minutes_and_a_rubric_for_each_band_it_reaches(
    pm: Framework,
) -> None:
    for competency in pm.competencies:
        for question in competency.questions:
            levels = pm.question_levels(question)
            assert levels, question.id
            assert question.min_level and question.max_level, question.id
            assert 5 <= question.minutes <= 25, question.id
            bands = {pm.band_of(level).id for level in levels}
            assert set(question.rubric) == bands, question.id
            for band in bands:
                assert all(len(question.rubric[band][p]) > 30 for p in POINTS), question.id


def test_rubric_for_every_question_a_case_or_exercise_guide_shows(pm: Framework) -> None:
    in_the_room = [f for f in pm.formats if f.in_the_room]
    assert {f.id for f in in_the_room} == {
        "spec-writing",
        "analytics-case",
        "design-critique",
        "product-sense",
        "strategy-case",
        "quality-review",
    }
    for level, fmt, competency in itertools.product(pm.levels, in_the_room, pm.competencies):
        loop = one_interview_loop(pm, level.id, fmt.id, [competency.id])
        guide = build_guide(pm, loop, "Interview")
        assert guide.format_kind == fmt.kind
        if guide.opening is not None:
            assert guide.opening.rubric and set(guide.opening.rubric) == set(POINTS)
        for item in guide.competencies:
            assert item.rate_against == "rubric"
            assert all(q.rubric and set(q.rubric) == set(POINTS) for q in item.questions)


def test_every_question_in_the_bank_reaches_some_guide(pm: Framework) -> None:
    shown: set[str] = set()
    formats = [None, *(f.id for f in pm.formats)]
    for level, fmt, competency in itertools.product(pm.levels, formats, pm.competencies):
        for seed in range(4):
            loop = one_interview_loop(pm, level.id, fmt, [competency.id], job_id=f"{seed}")
            guide = build_guide(pm, loop, "Interview")
            shown |= {q.id for c in guide.competencies for q in c.questions}
            if guide.opening is not None:
                shown.add("product-you-love")
    bank = {q.id for c in pm.competencies for q in c.questions}
    assert bank - shown == set()


def test_guides_only_ask_questions_written_for_the_level(pm: Framework) -> None:
    formats = [None, *(f.id for f in pm.formats)]
    for level, fmt in itertools.product(pm.levels, formats):
        loop = one_interview_loop(
            pm,
            level.id,
            fmt,
            ["team-leadership", "managing-up", "product-delivery", "functional-specification"],
            minutes=90,
        )
        for item in build_guide(pm, loop, "Interview").competencies:
            for question in item.questions:
                assert pm.fits_level(pm_question(pm, question.id), level.id)
                if not level.manages_people:
                    assert "on your team" not in question.text.lower(), question.text
                    assert "you lead" not in question.text.lower(), question.text


def pm_question(pm: Framework, question_id: str) -> Any:
    return next(q for c in pm.competencies for q in c.questions if q.id == question_id)


def test_flags_per_band_with_false_positives(pm: Framework) -> None:
    for competency in pm.competencies:
        bands = {pm.band_of(level.id).id for level in pm.levels}
        if competency.min_level:
            bands = {pm.band_of(lv.id).id for lv in pm.levels if lv.manages_people}
        assert bands <= set(competency.flags), competency.id
        for band in bands:
            flags = competency.flags[band]
            assert flags.green and flags.red, (competency.id, band)
            assert any(f.startswith("False positive") for f in flags.red), (competency.id, band)
    text = " ".join(f for c in pm.competencies for fl in c.flags.values() for f in fl.red)
    for false_positive in ("polish", "'we'", "famous"):
        assert false_positive in text.lower()


# -- selection --------------------------------------------------------------------------------


def test_same_interview_at_apm_and_director_asks_different_questions(pm: Framework) -> None:
    competencies = ["functional-specification", "product-delivery", "fluency-with-data"]
    apm = build_guide(
        pm, one_interview_loop(pm, "apm", "past-experience", competencies), "Interview"
    )
    director = build_guide(
        pm, one_interview_loop(pm, "director", "past-experience", competencies), "Interview"
    )
    for low, high in zip(apm.competencies, director.competencies, strict=True):
        assert {q.id for q in low.questions} != {q.id for q in high.questions}
    assert (apm.band, director.band) == ("ic", "executive")


def test_selection_is_stable_for_an_interview_and_varies_between_interviews(
    pm: Framework,
) -> None:
    def leads(name: str) -> list[str]:
        loop = one_interview_loop(
            pm, "pm", "past-experience", [c.id for c in pm.competencies[:4]], job_id=name
        )
        guide = build_guide(pm, loop, "Interview")
        return [c.questions[0].id for c in guide.competencies]

    assert leads("3485") == leads("3485")
    assert len({tuple(leads(f"{n}")) for n in range(6)}) > 1


def test_an_exercise_gets_its_minutes(pm: Framework) -> None:
    loop = one_interview_loop(pm, "pm", "spec-writing", ["functional-specification"])
    guide = build_guide(pm, loop, "Interview")
    lead = guide.competencies[0].questions[0]
    assert lead.id == "spec-exercise-saved-searches" and lead.minutes == 25
    spec_item = next(a for a in guide.agenda if a.what.startswith("Functional Specification"))
    assert spec_item.minutes >= 25
    assert sum(a.minutes for a in guide.agenda) == DEFAULT_INTERVIEW_MINUTES


def test_agenda_is_built_from_the_chosen_questions(pm: Framework) -> None:
    loop = one_interview_loop(
        pm, "senior-pm", "product-sense", ["user-experience-design", "fluency-with-data"]
    )
    guide = build_guide(pm, loop, "Interview")
    assert guide.opening is not None and guide.opening.minutes == 15
    by_name = {a.what.split(":")[0]: a.minutes for a in guide.agenda}
    for item in guide.competencies:
        assert by_name[item.name] == sum(q.minutes for q in item.questions) == item.minutes
    assert guide.minutes == 45 == guide.planned_minutes
    longer = one_interview_loop(
        pm,
        "senior-pm",
        "product-sense",
        ["user-experience-design", "fluency-with-data"],
        minutes=75,
    )
    long_guide = build_guide(pm, longer, "Interview")
    assert long_guide.minutes == 75
    assert sum(len(c.questions) for c in long_guide.competencies) > sum(
        len(c.questions) for c in guide.competencies
    )


def test_default_length_fits_four_focus_competencies_in_every_format(pm: Framework) -> None:
    formats = [None, *(f.id for f in pm.formats)]
    ids = [c.id for c in pm.competencies]
    for level, fmt in itertools.product(pm.levels, formats):
        for four in itertools.combinations(ids, 4):
            assert essential_minutes(pm, level.id, fmt, four) <= DEFAULT_INTERVIEW_MINUTES
            if fmt == "product-sense":  # the tightest: the opening takes 15 of the 45
                plan = plan_interview(pm, level.id, fmt, four, DEFAULT_INTERVIEW_MINUTES, "x")
                assert plan.used <= DEFAULT_INTERVIEW_MINUTES, (level.id, fmt, four)


# -- guide output -----------------------------------------------------------------------------


def test_guide_json_carries_levels_minutes_rubrics_flags_and_before_you_start(
    pm: Framework,
) -> None:
    document = yaml.safe_load((EXAMPLES / "senior-pm-payments.yaml").read_text())
    data = guide_to_dict(build_guide(pm, parse_loop(document, pm), "113104"))
    question = data["competencies"][0]["questions"][0]
    assert set(question["levels"]) == {"min", "max"} and question["minutes"] > 0
    assert set(question["rubric"]) == set(POINTS)
    assert data["competencies"][0]["flags"]["green"] and data["competencies"][0]["flags"]["red"]
    assert data["competencies"][0]["rate_against"] == "rubric"
    before = data["before_you_start"]
    assert {"biases", "do_not_ask", "accommodations"} == set(before)
    assert any("Halo" in line for line in before["biases"])
    assert any("Fluency mistaken for competence" in line for line in before["biases"])
    assert data["band"] == "ic" and data["format_kind"] == "case"


def test_past_experience_guides_keep_the_anchors(pm: Framework) -> None:
    document = yaml.safe_load((EXAMPLES / "senior-pm-payments.yaml").read_text())
    guide = build_guide(pm, parse_loop(document, pm), "113103")
    assert all(c.rate_against == "anchors" for c in guide.competencies)
    assert any("'We' stories" in line for line in guide.before_you_start.biases)


def test_markdown_and_html_show_rubrics_flags_and_before_you_start(pm: Framework) -> None:
    loop = one_interview_loop(pm, "director", "strategy-case", ["strategic-impact"])
    guide = build_guide(pm, loop, "Interview")
    rubric = guide.competencies[0].questions[0].rubric
    assert rubric is not None
    flag = guide.competencies[0].flags.red[0]
    markdown = guide_to_markdown(guide)
    page = guide_to_html(guide)
    for text in (rubric["on_track"], "## Before you start", f"Red flag: {flag}"):
        assert text in markdown
    assert "Rate what you saw in the room" in markdown
    for css in ('class="guide-rubric"', 'class="guide-flags"', 'class="guide-before-you-start"'):
        assert css in page
    assert "What not to ask" in page and "Rate what you saw in the room" in page


def test_a_framework_without_rubrics_keeps_its_anchors_in_an_exercise() -> None:
    from scorecards.loader import load_framework_text
    from tests.scorecards.test_loader import MINIMAL

    eng = load_framework_text(
        MINIMAL + "formats:\n  - {id: review, name: Review, kind: exercise,"
        " competencies: [code-quality]}\n",
        "eng.yaml",
    )
    loop = parse_loop(
        {
            "name": "Eng",
            "framework": "eng",
            "level": "e1",
            "ats": "lever",
            "job_id": "9",
            "stages": [
                {
                    "name": "Onsite",
                    "interviews": [
                        {"name": "Review", "format": "review", "competencies": ["code-quality"]}
                    ],
                }
            ],
        },
        eng,
    )
    guide = build_guide(eng, loop, "Review")
    (item,) = guide.competencies
    assert item.rate_against == "anchors" and item.questions[0].rubric is None
    assert guide.format_kind == "exercise" and "guide-anchors" in guide_to_html(guide)


def test_the_apm_and_director_example_in_the_docs_is_what_the_code_builds(
    pm: Framework,
) -> None:
    docs = (EXAMPLES.parents[1] / "docs" / "loops.md").read_text()
    document = yaml.safe_load((EXAMPLES / "senior-pm-payments.yaml").read_text())
    asked: dict[str, list[str]] = {}
    for level in ("apm", "director"):
        guide = build_guide(pm, parse_loop({**document, "level": level}, pm), "113103")
        asked[level] = [q.text for c in guide.competencies for q in c.questions]
        plan = " + ".join(str(item.minutes) for item in guide.agenda)
        assert f"{plan} minutes" in docs or f"{plan}." in docs
        for text in asked[level]:
            assert f'"{text}"' in docs
    assert asked["apm"] != asked["director"]
