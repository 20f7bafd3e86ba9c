from __future__ import annotations

from scorecards.brief import GENERAL, PREPARATION, build_brief
from scorecards.loader import builtin_frameworks
from scorecards.loops import parse_loop

PM = next(f for f in builtin_frameworks() if f.id == "pm")
LOOP = {
    "name": "Senior PM, Payments",
    "framework": "pm",
    "level": "senior-pm",
    "ats": "greenhouse",
    "job_id": "1",
    "stages": [
        {
            "name": "Screen",
            "interviews": [
                {
                    "name": "Deep dive",
                    "format": "past-experience",
                    "competencies": ["Product Delivery"],
                }
            ],
        },
        {
            "name": "Onsite",
            "interviews": [
                {"name": "Chat", "competencies": ["managing-up"]},
                {
                    "name": "Spec",
                    "format": "spec-writing",
                    "competencies": ["functional-specification"],
                },
            ],
        },
    ],
}


def test_each_interview_in_order_with_topics_and_preparation() -> None:
    brief = build_brief(PM, parse_loop(LOOP, PM), job="Senior Product Manager")
    assert brief.title == "Your interviews: Senior Product Manager"
    assert brief.level == "Senior Product Manager" and brief.level_scope
    first, chat, spec = brief.interviews
    assert spec.topics[0].name == "Functional Specification"
    assert (first.stage, first.name, first.kind) == (
        "Screen",
        "Deep dive",
        "Past experience questions",
    )
    assert [t.name for t in first.topics] == ["Product Delivery"]  # the alias resolved
    assert first.preparation == PREPARATION["past-experience"] and first.minutes == 45
    assert chat.kind == "Interview" and chat.preparation == GENERAL
    text = brief.to_text()
    assert text.index("Screen") < text.index("1. Deep dive") < text.index("Onsite")
    assert "3. Spec (Spec writing exercise, about 45 minutes)" in text
    assert (
        f"   - Functional Specification: {PM.competency('functional-specification').description}"
        in text
    )


def test_every_framework_format_has_its_own_advice() -> None:
    assert {f.id for f in PM.formats} <= set(PREPARATION)
