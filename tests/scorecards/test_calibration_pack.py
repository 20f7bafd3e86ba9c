from __future__ import annotations

import re
import textwrap
from collections import Counter
from importlib import resources

import pytest

from scorecards.calibration_pack import (
    EXERCISE_SIZE,
    MAX_WORDS,
    MIN_WORDS,
    CalibrationPack,
    CalibrationPackError,
    Sample,
    builtin_calibration_packs,
    calibration_pack_for,
    choose_samples,
    load_calibration_text,
    nearest_level,
    score,
)
from scorecards.framework import Framework
from scorecards.loader import builtin_frameworks

PACK_LEVELS = ("pm", "senior-pm", "director")
FIRST_PERSON = re.compile(r"\b(I|my|me|we|our)\b")


@pytest.fixture(scope="module")
def pm() -> Framework:
    return next(f for f in builtin_frameworks() if f.id == "pm")


@pytest.fixture(scope="module")
def pack() -> CalibrationPack:
    found = calibration_pack_for("pm")
    assert found is not None
    return found


# -- the built-in pack: schema and size --------------------------------------------------------


def test_the_pm_pack_has_a_pair_per_competency_and_level(pm: Framework, pack: CalibrationPack):
    assert len(pack.samples) >= 72
    assert pack.levels == PACK_LEVELS
    pairs = Counter((s.competency, s.level, s.key) for s in pack.samples)
    for competency in pm.competencies:
        for level in PACK_LEVELS:
            assert pairs[(competency.id, level, "on_track")] == 1, (competency.id, level)
            assert pairs[(competency.id, level, "needs_focus")] == 1, (competency.id, level)


def test_every_sample_is_a_written_answer_with_its_reason(pack: CalibrationPack) -> None:
    for sample in pack.samples:
        assert MIN_WORDS <= sample.words <= MAX_WORDS, sample.id
        assert FIRST_PERSON.search(sample.answer), sample.id
        assert sample.prompt.endswith(("?", ".")), sample.id
        assert len(sample.why.split()) >= 15, sample.id
        assert "On Track" in sample.why, sample.id  # the reason is given against the anchor
    assert len({s.answer for s in pack.samples}) == len(pack.samples)


def test_the_two_answers_of_a_pair_answer_the_same_prompt(pack: CalibrationPack) -> None:
    prompts: dict[tuple[str, str], set[str]] = {}
    for sample in pack.samples:
        prompts.setdefault((sample.competency, sample.level), set()).add(sample.prompt)
    assert all(len(p) == 1 for p in prompts.values())


def test_the_pack_is_package_data_read_through_importlib_resources() -> None:
    item = resources.files("scorecards") / "data" / "calibration" / "pm.yaml"
    assert item.is_file()
    assert builtin_calibration_packs()[0].source == "scorecards/data/calibration/pm.yaml"


def test_a_framework_without_a_pack_has_none() -> None:
    assert calibration_pack_for("engineering") is None


# -- validation -------------------------------------------------------------------------------

ANSWER = " ".join(["word"] * 90)


def pack_text(**overrides: str) -> str:
    fields = {
        "id": "s1",
        "competency": "functional-specification",
        "level": "pm",
        "key": "on_track",
        "answer": ANSWER,
        **overrides,
    }
    return textwrap.dedent(
        f"""\
        framework: pm
        version: "1"
        samples:
          - id: {fields["id"]}
            competency: {fields["competency"]}
            level: {fields["level"]}
            prompt: "Walk me through a spec?"
            key: {fields["key"]}
            answer: "{fields["answer"]}"
            why: "Because."
        """
    )


def test_a_valid_pack_loads(pm: Framework) -> None:
    pack = load_calibration_text(pack_text(), "p.yaml", pm)
    assert pack.samples == (
        Sample("s1", "functional-specification", "pm", "Walk me through a spec?", ANSWER,
               "on_track", "Because."),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"key": "meets"}, "p.yaml:8: samples[0].key: unknown rating 'meets'"),
        ({"competency": "juggling"}, "p.yaml:5: samples[0].competency: unknown competency"),
        ({"level": "intern"}, "p.yaml:6: samples[0].level: unknown level 'intern'"),
        ({"answer": "too short"}, "p.yaml:9: samples[0].answer: the answer has 2 words"),
        ({"id": "Bad Id"}, "p.yaml:4: samples[0].id: 'Bad Id' is not a valid id"),
    ],
)
def test_problems_name_the_file_line_and_field(
    pm: Framework, overrides: dict[str, str], message: str
) -> None:
    with pytest.raises(CalibrationPackError) as caught:
        load_calibration_text(pack_text(**overrides), "p.yaml", pm)
    assert str(caught.value).startswith(message)


def test_every_problem_is_reported_at_once(pm: Framework) -> None:
    text = pack_text(key="meets", level="intern") + pack_text().split("samples:\n", 1)[1]
    with pytest.raises(CalibrationPackError) as caught:
        load_calibration_text(text, "p.yaml", pm)
    fields = [issue.field for issue in caught.value.issues]
    assert fields == ["key", "level", "id"]
    assert "duplicate sample id 's1'" in str(caught.value)


def test_a_pack_for_another_framework_and_bad_yaml_are_refused(pm: Framework) -> None:
    with pytest.raises(CalibrationPackError, match="the pack is for 'eng', not 'pm'"):
        load_calibration_text(pack_text().replace("framework: pm", "framework: eng"), "p", pm)
    with pytest.raises(CalibrationPackError, match=r"^p.yaml:\d+: <top>: invalid YAML"):
        load_calibration_text("samples: [", "p.yaml")
    with pytest.raises(CalibrationPackError, match="must be a mapping"):
        load_calibration_text("- 1", "p.yaml")


# -- an exercise ------------------------------------------------------------------------------


def test_an_exercise_has_ten_competencies_half_above_half_below(pack: CalibrationPack) -> None:
    for level in PACK_LEVELS:
        chosen = choose_samples(pack, level, seed="alex@example.com:0")
        assert len(chosen) == EXERCISE_SIZE
        assert len({s.competency for s in chosen}) == EXERCISE_SIZE
        assert {s.level for s in chosen} == {level}
        assert Counter(s.key for s in chosen) == {"on_track": 5, "needs_focus": 5}


def test_the_same_seed_gives_the_same_exercise_and_another_seed_another(
    pack: CalibrationPack,
) -> None:
    first = choose_samples(pack, "pm", seed="alex:0")
    assert choose_samples(pack, "pm", seed="alex:0") == first
    assert choose_samples(pack, "pm", seed="alex:1") != first


def test_an_exercise_keeps_to_the_competencies_rated_at_the_level(
    pm: Framework, pack: CalibrationPack
) -> None:
    rated = {c.id for c in pm.in_scope("pm")}
    assert len(rated) == 11 and "team-leadership" not in rated
    for seed in ("a", "b", "c", "d"):
        chosen = choose_samples(pack, "pm", seed=seed, competencies=rated)
        assert len(chosen) == EXERCISE_SIZE
        assert {s.competency for s in chosen} <= rated
        assert Counter(s.key for s in chosen) == {"on_track": 5, "needs_focus": 5}


def test_a_small_pack_gives_what_it_has(pack: CalibrationPack) -> None:
    small = CalibrationPack("pm", "1", pack.at_level("pm")[:3])
    assert len(choose_samples(small, "pm", seed="s")) == 3


def test_score_counts_agreement_and_the_offset(pack: CalibrationPack) -> None:
    chosen = choose_samples(pack, "senior-pm", seed="s")
    ratings = {s.id: s.key for s in chosen}
    assert score(chosen, ratings).agreed == EXERCISE_SIZE
    assert score(chosen, ratings).offset == 0
    lenient = {s.id: "outperforming" if s.key == "on_track" else "on_track" for s in chosen}
    result = score(chosen, lenient)
    assert (result.agreed, result.total, result.agreement, result.offset) == (0, 10, 0.0, 1.0)
    with pytest.raises(ValueError, match="unknown rating 'great'"):
        score(chosen, {s.id: "great" for s in chosen})


def test_the_nearest_pack_level(pm: Framework, pack: CalibrationPack) -> None:
    expected = {
        "apm": "pm",
        "pm": "pm",
        "senior-pm": "senior-pm",
        "group-pm": "director",  # equally near; the manager level's samples
        "director": "director",
        "vp": "director",
        "cpo": "director",
    }
    assert {lv: nearest_level(pm, pack, lv) for lv in expected} == expected
    assert nearest_level(pm, pack, None) == "senior-pm"
