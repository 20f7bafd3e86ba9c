from __future__ import annotations

import pytest

from scorecards.framework import Framework
from scorecards.loader import builtin_frameworks

CONTRACT_COMPETENCIES = {
    "product-execution": ["functional-specification", "product-delivery", "product-quality"],
    "customer-insight": ["fluency-with-data", "voice-of-the-customer", "user-experience-design"],
    "product-strategy": [
        "business-outcome-ownership",
        "product-vision-and-roadmapping",
        "strategic-impact",
    ],
    "influencing-people": ["stakeholder-inclusion", "team-leadership", "managing-up"],
}
LEVELS = ["apm", "pm", "senior-pm", "group-pm", "director", "vp", "cpo"]


@pytest.fixture(scope="module")
def pm() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


def test_ids_follow_the_contract(pm: Framework) -> None:
    assert [a.id for a in pm.areas] == list(CONTRACT_COMPETENCIES)
    for area, ids in CONTRACT_COMPETENCIES.items():
        assert [c.id for c in pm.competencies_in(area)] == ids
    assert [lv.id for lv in pm.levels] == LEVELS
    assert pm.points == ("needs_focus", "on_track", "outperforming")


def test_every_competency_is_described_at_every_level(pm: Framework) -> None:
    texts: set[str] = set()
    for competency in pm.competencies:
        assert set(competency.expectations) == set(LEVELS), competency.id
        for level in LEVELS:
            anchors = competency.anchors[level]
            assert set(anchors) == set(pm.points)
            texts.update(anchors.values())
            texts.add(competency.expectations[level])
        assert competency.questions, competency.id
        assert all(q.follow_ups for q in competency.questions), competency.id
        assert competency.evidence_prompts, competency.id
    # 12 x 7 expectations + 12 x 7 x 3 anchors, none copy-pasted
    assert len(texts) == 12 * 7 + 12 * 7 * 3


def test_scope_grows_with_level(pm: Framework) -> None:
    spec = pm.competency("functional-specification")
    assert "feature" in spec.expectations["apm"].lower()
    assert "system" in spec.expectations["cpo"].lower()


def test_product_you_love_question(pm: Framework) -> None:
    questions = [q for c in pm.competencies for q in c.questions if q.id == "product-you-love"]
    assert len(questions) == 1
    question = questions[0]
    assert question.text == "Tell me about a product that you love."
    assert question.follow_ups == (
        "Why do you love it?",
        "Why do others love it?",
        "What would you improve?",
        "How would you measure that improvement?",
    )
    assert "product-sense" in question.formats


@pytest.mark.parametrize(
    ("alias", "competency_id"),
    [
        ("Feature Specification", "functional-specification"),
        ("Functional Specification", "functional-specification"),
        ("Quality Assurance", "product-quality"),
        ("quality assurance", "product-quality"),
        ("Stakeholder Management", "stakeholder-inclusion"),
        ("Product Vision & Roadmapping", "product-vision-and-roadmapping"),
        ("managing-up", "managing-up"),
    ],
)
def test_aliases_resolve_to_one_id(pm: Framework, alias: str, competency_id: str) -> None:
    assert pm.resolve(alias) == competency_id


def test_unknown_name_does_not_resolve(pm: Framework) -> None:
    assert pm.resolve("Juggling") is None


def test_team_leadership_only_where_people_are_managed(pm: Framework) -> None:
    senior = {c.id for c in pm.in_scope("senior-pm")}
    group = {c.id for c in pm.in_scope("group-pm")}
    assert "team-leadership" not in senior
    assert "team-leadership" in group
    assert len(group) == 12 and len(senior) == 11
    assert [lv.manages_people for lv in pm.levels] == [False] * 3 + [True] * 4


def test_archetypes_and_formats_reference_known_competencies(pm: Framework) -> None:
    ids = {c.id for c in pm.competencies}
    assert {a.id for a in pm.archetypes} == {"growth", "discovery", "technical", "strategic"}
    for archetype in pm.archetypes:
        assert set(archetype.strong) <= ids
    assert {f.id for f in pm.formats} >= {
        "spec-writing",
        "past-experience",
        "analytics-case",
        "user-research",
        "design-critique",
        "product-sense",
        "strategy-case",
        "conflict",
    }
