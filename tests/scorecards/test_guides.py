from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scorecards.framework import Framework
from scorecards.guides import (
    GuideError,
    build_guide,
    guide_to_dict,
    guide_to_html,
    guide_to_markdown,
)
from scorecards.loader import builtin_frameworks
from scorecards.loops import LoopSpec, parse_loop

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "loops" / "senior-pm-payments.yaml"
FOLLOW_UPS = (
    "Why do you love it?",
    "Why do others love it?",
    "What would you improve?",
    "How would you measure that improvement?",
)


@pytest.fixture(scope="module")
def pm() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


@pytest.fixture
def document() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return data


@pytest.fixture
def loop(pm: Framework, document: dict[str, Any]) -> LoopSpec:
    return parse_loop(document, pm)


def test_product_sense_guide_at_senior_pm(pm: Framework, loop: LoopSpec) -> None:
    guide = build_guide(pm, loop, "113101")
    assert (guide.loop_name, guide.level, guide.level_name) == (
        "Senior PM, Payments",
        "senior-pm",
        "Senior Product Manager",
    )
    assert (guide.stage, guide.interview, guide.format) == (
        "Onsite",
        "Product sense",
        "product-sense",
    )
    assert guide.opening is not None
    assert guide.opening.text == "Tell me about a product that you love."
    assert guide.opening.follow_ups == FOLLOW_UPS
    assert len(guide.opening.listen_for) == 4
    assert [c.id for c in guide.competencies] == [
        "user-experience-design",
        "voice-of-the-customer",
        "business-outcome-ownership",
        "fluency-with-data",
    ]
    for item in guide.competencies:
        competency = pm.competency(item.id)
        assert item.expectation == competency.expectations["senior-pm"]
        assert [(a.point, a.text) for a in item.anchors] == [
            (p, competency.anchors["senior-pm"][p])
            for p in ("needs_focus", "on_track", "outperforming")
        ]
        assert item.evidence_prompts == competency.evidence_prompts
        assert item.questions and all(q.follow_ups for q in item.questions)
        # The opening prompt is not repeated as a competency question.
        assert all(q.id != "product-you-love" for q in item.questions)
    assert [c.must_have for c in guide.competencies] == [False, False, False, True]
    assert sum(item.minutes for item in guide.agenda) == 45


def test_markdown_and_html_carry_the_prompt_and_the_expectations(
    pm: Framework, loop: LoopSpec
) -> None:
    guide = build_guide(pm, loop, "Product sense")
    expectation = pm.competency("voice-of-the-customer").expectations["senior-pm"]
    markdown = guide_to_markdown(guide)
    assert "Tell me about a product that you love." in markdown
    for follow_up in FOLLOW_UPS:
        assert follow_up in markdown
    assert expectation in markdown
    assert "**Expected at Senior Product Manager:**" in markdown
    page = guide_to_html(guide)
    assert page.startswith("<!doctype html>") and "@media print" in page
    assert "Tell me about a product that you love." in page
    assert "How would you measure that improvement?" in page
    assert "Expected at Senior Product Manager" in page
    fragment = guide_to_html(guide, standalone=False)
    assert fragment.lstrip().startswith('<article class="guide"') and "<html" not in fragment


def test_other_formats_have_no_opening_prompt(pm: Framework, loop: LoopSpec) -> None:
    guide = build_guide(pm, loop, "113102")
    assert guide.opening is None
    assert "product that you love" not in guide_to_markdown(guide)
    spec = guide.competencies[0]
    assert spec.id == "functional-specification" and spec.must_have
    # Questions written for the interview's format come first.
    assert spec.questions[0].id in {"walk-through-a-spec", "spec-exercise-saved-searches"}


def test_leader_questions_are_left_out_below_their_levels(
    pm: Framework, document: dict[str, Any]
) -> None:
    senior = build_guide(pm, parse_loop(document, pm), "113102")
    senior_ids = [q.id for q in senior.competencies[0].questions]
    assert "spec-exercise-saved-searches" in senior_ids
    assert "spec-exercise-three-teams" not in senior_ids
    document["level"] = "director"
    director = build_guide(pm, parse_loop(document, pm), "113102")
    director_ids = [q.id for q in director.competencies[0].questions]
    assert "spec-exercise-three-teams" in director_ids
    assert "spec-exercise-saved-searches" not in director_ids
    assert (
        director.competencies[0].expectation
        == pm.competency("functional-specification").expectations["director"]
    )


def test_json_is_serialisable_and_complete(pm: Framework, loop: LoopSpec) -> None:
    data = guide_to_dict(build_guide(pm, loop, "113101"))
    text = json.dumps(data)
    assert "Tell me about a product that you love." in text
    assert data["competencies"][0]["anchors"][1]["point"] == "on_track"
    assert data["opening"]["follow_ups"] == list(FOLLOW_UPS)
    assert data["level_name"] == "Senior Product Manager"


def test_html_escapes_loop_content(pm: Framework, document: dict[str, Any]) -> None:
    document["name"] = "<script>alert(1)</script>"
    guide = build_guide(pm, parse_loop(document, pm), "113101")
    page = guide_to_html(guide)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_unknown_interview(pm: Framework, loop: LoopSpec) -> None:
    with pytest.raises(GuideError):
        build_guide(pm, loop, "999")
