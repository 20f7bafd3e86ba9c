"""``build_guide``: the guide for one interview of a loop, at the loop's level."""

from __future__ import annotations

from collections.abc import Sequence

from scorecards.framework import Competency, Framework, Level, Question
from scorecards.guides.model import (
    AgendaItem,
    Guide,
    GuideAnchor,
    GuideCompetency,
    GuideError,
    GuideQuestion,
    OpeningPrompt,
    ScalePointInfo,
)
from scorecards.loops import LoopSpec

DEFAULT_MINUTES = 45
MAX_QUESTIONS = 3
OPENING_QUESTION_ID = "product-you-love"
OPENING_FORMAT = "product-sense"

# What each follow-up of the product-you-love prompt is for, in the order the framework has them.
OPENING_LISTEN_FOR: tuple[str, ...] = (
    "Specific moments in the experience, not adjectives. Strong candidates name the user "
    "problem behind the feature they like.",
    "Whether they can step outside their own taste to the product's real users and market: "
    "who loves it, and what job it does for them.",
    "One concrete change, who it is for, and what it would cost or break. Watch for the "
    "trade-off, not the size of the idea.",
    "A metric tied to that change and why it matters to the business, with a sensible way to "
    "tell the change caused the movement.",
)

OPENING_WHY = (
    "Open with this and give it about fifteen minutes. Everyone has a product they "
    "love, so nobody is caught out, and the four follow-ups walk from taste to users to "
    "a concrete improvement to a measurable result. That path shows more product sense "
    "than any hypothetical design question."
)

NO_EVIDENCE_NOTE = (
    "If a competency did not come up, rate it No evidence. It counts as missing, never as a low "
    "score, and the debrief will see the gap. Do not guess."
)

DURING_THE_INTERVIEW: tuple[str, ...] = (
    "Ask for one specific, recent example and stay with it. 'We usually…' is not evidence; "
    "ask 'What did you do?' until you hear the candidate's own part.",
    "Use the follow-ups to get to the decision they made, the alternatives they dropped, "
    "and the result, with numbers where there are any.",
    "Write down what the candidate said and did, in their words where you can. Your notes "
    "are the evidence the debrief will read.",
    "If an answer drifts to a competency that is not yours, let it go and steer back. "
    "Another interviewer has it.",
    "Leave five minutes for the candidate's questions. Every candidate should leave knowing "
    "more about the role than they came in with, whatever your rating.",
)


def build_guide(framework: Framework, loop: LoopSpec, interview_key: str) -> Guide:
    """The guide for one interview of a loop; ``interview_key`` is its ATS id or name."""
    found = loop.find_interview(interview_key)
    if found is None:
        raise GuideError(f"loop '{loop.name}' has no interview '{interview_key}'")
    stage, interview = found
    level = next(lv for lv in framework.levels if lv.id == loop.level)
    fmt = next((f for f in framework.formats if f.id == interview.format), None)
    opening = _opening(framework, interview.format)
    # The opening prompt is asked once, up front, not again under its competency.
    skip = {OPENING_QUESTION_ID} if opening else set()
    competencies = tuple(
        _guide_competency(framework, loop, competency_id, interview.format, level, skip)
        for competency_id in interview.competencies
    )
    others = tuple(i.name for s, i in loop.interviews if not (s is stage and i is interview))
    return Guide(
        loop_name=loop.name,
        framework=framework.id,
        level=level.id,
        level_name=level.name,
        level_scope=level.scope,
        stage=stage.name,
        interview=interview.name,
        interview_key=interview.key,
        format=interview.format,
        format_name=fmt.name if fmt else interview.format,
        must_have=loop.must_have,
        other_interviews=others,
        introduction=_introduction(loop, level, competencies, others),
        opening=opening,
        agenda=_agenda(len(competencies), opening is not None),
        before=_before(level, competencies),
        during=DURING_THE_INTERVIEW,
        after=_after(loop),
        scale=tuple(ScalePointInfo(p.id, p.name, p.description) for p in framework.scale),
        no_evidence=NO_EVIDENCE_NOTE,
        competencies=competencies,
    )


def _guide_competency(
    framework: Framework,
    loop: LoopSpec,
    competency_id: str,
    fmt: str | None,
    level: Level,
    skip: set[str],
) -> GuideCompetency:
    competency = framework.competency(competency_id)
    area = framework.area_of(competency_id)
    anchors = competency.anchors.get(loop.level, {})
    return GuideCompetency(
        id=competency.id,
        name=competency.name,
        area=area.id,
        area_name=area.name,
        description=competency.description,
        must_have=competency.id in loop.must_have,
        expectation=competency.expectations.get(loop.level, ""),
        anchors=tuple(
            GuideAnchor(point.id, point.name, anchors.get(point.id, ""))
            for point in framework.scale
        ),
        evidence_prompts=competency.evidence_prompts,
        questions=_pick_questions(competency, fmt, level.manages_people, skip),
    )


def _pick_questions(
    competency: Competency, fmt: str | None, manages_people: bool, skip: set[str]
) -> tuple[GuideQuestion, ...]:
    """Questions written for this format first, then the rest; leadership-only questions are
    left out below people-management levels when anything else is available."""
    candidates = [q for q in competency.questions if q.id not in skip]
    if not manages_people:
        ic = [q for q in candidates if "leadership" not in q.formats or fmt == "leadership"]
        candidates = ic or candidates

    def order(q: Question) -> tuple[int, int]:
        return (0 if fmt and fmt in q.formats else 1, competency.questions.index(q))

    chosen = sorted(candidates, key=order)[:MAX_QUESTIONS]
    return tuple(GuideQuestion(q.id, q.text, q.follow_ups) for q in chosen)


def _opening(framework: Framework, fmt: str | None) -> OpeningPrompt | None:
    if fmt != OPENING_FORMAT:
        return None
    questions = [q for c in framework.competencies for q in c.questions]
    question = next((q for q in questions if q.id == OPENING_QUESTION_ID), None)
    if question is None:
        question = next((q for q in questions if OPENING_FORMAT in q.formats), None)
    if question is None:
        return None
    listen = OPENING_LISTEN_FOR if question.id == OPENING_QUESTION_ID else ()
    return OpeningPrompt(
        text=question.text,
        follow_ups=question.follow_ups,
        listen_for=tuple(listen[: len(question.follow_ups)]),
        why=OPENING_WHY,
    )


def _agenda(count: int, opening: bool, minutes: int = DEFAULT_MINUTES) -> tuple[AgendaItem, ...]:
    items = [AgendaItem(5, "Introductions: who you are, what this interview covers, how long.")]
    remaining = minutes - 5 - 5
    if opening:
        items.append(AgendaItem(15, "Opening: a product they love, and all four follow-ups."))
        remaining -= 15
    if count:
        each = max(5, remaining // count)
        items.append(
            AgendaItem(
                max(remaining, each * count),
                f"About {each} minutes on each focus competency: one example, followed down.",
            )
        )
    items.append(AgendaItem(5, "The candidate's questions. Answer them properly."))
    return tuple(items)


def _introduction(
    loop: LoopSpec,
    level: Level,
    competencies: Sequence[GuideCompetency],
    others: Sequence[str],
) -> str:
    names = [c.name for c in competencies]
    covered = _join(names) if names else "no competencies yet (ask your recruiter)"
    stay = (
        f"The other interviews ({_join(list(others))}) cover the rest, so stay on yours: a "
        "deep conversation about a few things beats a tour of everything."
        if others
        else "Stay on these: a deep conversation about a few things beats a tour of everything."
    )
    return (
        f"You are interviewing for {loop.name} at {level.name} level. In this interview you "
        f"collect evidence on {covered}. " + stay
    )


def _before(level: Level, competencies: Sequence[GuideCompetency]) -> tuple[str, ...]:
    before = [
        f"Read what {level.name} means here: {level.scope}".strip()
        if level.scope
        else f"Remind yourself what the {level.name} level means at this company.",
        "Read the On Track anchor of each focus competency below. That is the bar: rate "
        "against it, not against yourself or the last candidate.",
        "Choose the questions you will use. You will not get through all of them, and you "
        "do not need to: one example explored to the bottom tells you more than three "
        "skimmed.",
        "Skim the résumé for one or two projects to ask about, then rate what you hear in the "
        "interview, not what the résumé claims.",
    ]
    must = [c.name for c in competencies if c.must_have]
    if must:
        before.append(
            f"{_join(must)} {'is a must-have' if len(must) == 1 else 'are must-haves'} for "
            "this role. Make sure you leave with enough evidence to rate "
            f"{'it' if len(must) == 1 else 'them'} either way."
        )
    return tuple(before)


def _after(loop: LoopSpec) -> tuple[str, ...]:
    peers = (
        "You will see their ratings only once you have submitted yours"
        if loop.settings.show_peers_after_submit
        else "You will not see their ratings here"
    )
    return (
        "Write your scorecard straight after the interview, before you talk to other "
        f"interviewers. {peers}; that keeps your view independent, which is what makes it "
        "worth having.",
        "Rate each focus competency Needs Focus, On Track or Outperforming against this "
        f"level's anchors, and write the evidence behind the rating. {NO_EVIDENCE_NOTE}",
        "Give an overall recommendation, and say in a sentence what would change your mind.",
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
