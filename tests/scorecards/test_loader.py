from __future__ import annotations

from pathlib import Path

import pytest

from scorecards.loader import (
    FrameworkError,
    builtin_frameworks,
    frameworks_in,
    load_framework_file,
    load_framework_text,
)

MINIMAL = """\
id: eng
name: Engineering
version: "1"
scale:
  - {id: below, name: Below}
  - {id: meets, name: Meets}
  - {id: above, name: Above}
levels:
  - {id: e1, name: Engineer I}
  - {id: e2, name: Engineer II, manages_people: true}
areas:
  - {id: craft, name: Craft}
competencies:
  - id: code-quality
    name: Code Quality
    area: craft
    aliases: [Clean Code]
    expectations:
      e1: Writes readable code for a task.
      e2: Sets the bar for readable code in a service.
    anchors:
      e1: {below: a, meets: b, above: c}
      e2: {below: d, meets: e, above: f}
    questions:
      - id: last-review
        text: Walk me through a code review you gave.
        follow_ups: ["What did you ask for?"]
"""


def test_a_custom_framework_loads() -> None:
    framework = load_framework_text(MINIMAL, "eng.yaml")
    assert framework.id == "eng"
    assert framework.points == ("below", "meets", "above")
    assert framework.resolve("clean code") == "code-quality"
    assert framework.competency("code-quality").questions[0].follow_ups == (
        "What did you ask for?",
    )


def errors_of(text: str) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(text, "eng.yaml")
    return [str(issue) for issue in caught.value.issues]


def test_missing_anchor_names_file_line_path_and_field() -> None:
    broken = MINIMAL.replace("e2: {below: d, meets: e, above: f}", "e2: {below: d, above: f}")
    with pytest.raises(FrameworkError) as caught:
        load_framework_text(broken, "eng.yaml")
    (issue,) = caught.value.issues
    assert issue.source == "eng.yaml"
    assert issue.line == 23
    assert issue.path == "competencies[0].anchors.e2.meets"
    assert issue.field == "meets"
    assert str(issue) == "eng.yaml:23: competencies[0].anchors.e2.meets: missing field 'meets'"


def test_every_problem_is_reported_at_once() -> None:
    broken = MINIMAL.replace("area: craft", "area: crafts").replace(
        "      e2: Sets the bar for readable code in a service.\n", ""
    )
    messages = errors_of(broken)
    assert any("unknown area 'crafts'" in m and ":16:" in m for m in messages)
    assert any("missing expectation for level 'e2'" in m for m in messages)


def test_unknown_level_key_and_duplicate_ids() -> None:
    broken = MINIMAL.replace("      e1: Writes", "      e9: Typo.\n      e1: Writes").replace(
        "  - {id: e2, name: Engineer II, manages_people: true}",
        "  - {id: e2, name: Engineer II, manages_people: true}\n  - {id: e2, name: Again}",
    )
    messages = errors_of(broken)
    assert any("unknown level 'e9'" in m for m in messages)
    assert any("duplicate level id 'e2'" in m for m in messages)


def test_invalid_yaml_points_at_the_line() -> None:
    (message,) = errors_of("id: eng\nname: [unclosed\nversion: 1\n")
    assert message.startswith("eng.yaml:3:") or message.startswith("eng.yaml:2:")
    assert "invalid YAML" in message


def test_not_a_mapping() -> None:
    (message,) = errors_of("- just\n- a list\n")
    assert "must be a mapping" in message


def test_no_evidence_is_reserved() -> None:
    broken = MINIMAL.replace("{id: above, name: Above}", "{id: no_evidence, name: Nothing}")
    assert any("'no_evidence' is built in" in m for m in errors_of(broken))


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(tmp_path / "missing.yaml")
    assert "cannot read file" in str(caught.value)


def test_folder_of_frameworks(tmp_path: Path) -> None:
    (tmp_path / "eng.yaml").write_text(MINIMAL)
    (tmp_path / "broken.yaml").write_text(MINIMAL.replace("id: eng", "id: 'Bad Id'"))
    with pytest.raises(FrameworkError) as caught:
        frameworks_in(tmp_path)
    assert all("broken.yaml" in issue.source for issue in caught.value.issues)
    (tmp_path / "broken.yaml").unlink()
    assert [f.id for f in frameworks_in(tmp_path)] == ["eng"]


def test_builtin_frameworks_load_cleanly() -> None:
    assert "pm" in {f.id for f in builtin_frameworks()}


# -- the interview kit fields -----------------------------------------------------------------

KIT = (
    MINIMAL.replace(
        'follow_ups: ["What did you ask for?"]',
        """follow_ups: ["What did you ask for?"]
        formats: [review-exercise]
        levels: {min: e1, max: e1}
        minutes: 20
        rubric:
          ic: {below: "Nitpicks.", meets: "Asks why.", above: "Teaches."}""",
    ).replace(
        "    questions:\n",
        "    flags:\n      ic: {green: [Asks why], red: ['False positive: speed']}\n"
        "    questions:\n",
    )
    + """formats:
  - {id: review-exercise, name: Review exercise, kind: exercise, competencies: [code-quality]}
"""
)


def test_kit_fields_load_with_default_bands() -> None:
    framework = load_framework_text(KIT, "eng.yaml")
    assert [(b.id, b.levels) for b in framework.bands] == [("ic", ("e1",)), ("manager", ("e2",))]
    competency = framework.competency("code-quality")
    question = competency.questions[0]
    assert (question.min_level, question.max_level, question.minutes) == ("e1", "e1", 20)
    assert question.rubric["ic"] == {
        "below": "Nitpicks.",
        "meets": "Asks why.",
        "above": "Teaches.",
    }
    assert competency.flags["ic"].red == ("False positive: speed",)
    assert framework.fits_level(question, "e1") and not framework.fits_level(question, "e2")
    assert framework.formats[0].kind == "exercise" and framework.formats[0].in_the_room


def test_a_question_without_kit_fields_is_asked_at_every_level() -> None:
    framework = load_framework_text(MINIMAL, "eng.yaml")
    question = framework.competency("code-quality").questions[0]
    assert framework.question_levels(question) == ("e1", "e2")
    assert question.minutes == 10 and question.rubric == {}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("levels: {min: e1, max: e1}", "levels: {min: e1, max: e7}", "unknown level 'e7'"),
        ("levels: {min: e1, max: e1}", "levels: {min: e2, max: e1}", "min 'e2' is above max"),
        ("minutes: 20", "minutes: 0", "'minutes' must be between 1 and 60"),
        ("minutes: 20", "minutes: soon", "'minutes' must be a whole number"),
        ("ic: {below:", "exec: {below:", "unknown band 'exec'"),
        ('meets: "Asks why.", ', "", "competencies[0].questions[0].rubric.ic.meets: missing"),
        ("kind: exercise", "kind: quiz", "unknown kind 'quiz'"),
        ("ic: {green:", "staff: {green:", "competencies[0].flags.staff: unknown band 'staff'"),
    ],
)
def test_kit_field_problems_are_located(old: str, new: str, expected: str) -> None:
    assert old in KIT
    messages = errors_of(KIT.replace(old, new, 1))
    assert any(expected in m and m.startswith("eng.yaml:") for m in messages), messages


def test_bands_must_cover_every_level_once() -> None:
    text = KIT.replace("areas:", "bands:\n  - {id: all, name: All, levels: [e1]}\nareas:", 1)
    messages = errors_of(text)
    assert any("every level must be in exactly one band" in m for m in messages)
    assert any("unknown band 'ic'" in m for m in messages)
