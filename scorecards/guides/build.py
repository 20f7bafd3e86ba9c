"""``build_guide``: the guide for one interview of a loop, at the loop's level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scorecards.agenda import (
    CLOSE_MINUTES,
    DEFAULT_INTERVIEW_MINUTES,
    INTRODUCTION_MINUTES,
    MAX_QUESTIONS,
    OPENING_FORMAT,
    OPENING_QUESTION_ID,
    Plan,
    plan_interview,
)
from scorecards.framework import Framework, Level, Question
from scorecards.guides.fairness import before_you_start
from scorecards.guides.model import (
    AgendaItem,
    Guide,
    GuideAnchor,
    GuideCompetency,
    GuideError,
    GuideFlags,
    GuideQuestion,
    OpeningPrompt,
    QuestionLevels,
    ScalePointInfo,
)
from scorecards.loops import LoopSpec

DEFAULT_MINUTES = DEFAULT_INTERVIEW_MINUTES
__all__ = [
    "DEFAULT_MINUTES",
    "MAX_QUESTIONS",
    "NO_EVIDENCE_NOTE",
    "OPENING_FORMAT",
    "OPENING_LISTEN_FOR",
    "OPENING_QUESTION_ID",
    "build_guide",
]

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
    "Open with this and give it about {minutes} minutes. Everyone has a product they "
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
    band = framework.band_of(level.id)
    fmt = framework.interview_format(interview.format)
    kind = fmt.kind if fmt else "past-experience"
    plan = plan_interview(
        framework,
        level.id,
        interview.format,
        interview.competencies,
        interview.minutes,
        seed=f"{loop.ats}|{loop.job_id}|{interview.key}",  # stable when names change
    )
    context = _Context(framework, loop, band.id, fmt is not None and fmt.in_the_room)
    competencies = tuple(_guide_competency(context, c, chosen) for c, chosen in plan.questions)
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
        opening=_opening(framework, plan.opening, band.id),
        agenda=_agenda(plan, competencies),
        before=_before(level, competencies, context.in_the_room),
        during=DURING_THE_INTERVIEW,
        after=_after(loop),
        scale=tuple(ScalePointInfo(p.id, p.name, p.description) for p in framework.scale),
        no_evidence=NO_EVIDENCE_NOTE,
        competencies=competencies,
        before_you_start=before_you_start(kind),
        band=band.id,
        band_name=band.name,
        format_kind=kind,
        planned_minutes=interview.minutes,
    )


@dataclass(frozen=True)
class _Context:
    framework: Framework
    loop: LoopSpec
    band: str
    in_the_room: bool


def _guide_competency(
    context: _Context, competency_id: str, chosen: tuple[Question, ...]
) -> GuideCompetency:
    framework, loop = context.framework, context.loop
    competency = framework.competency(competency_id)
    area = framework.area_of(competency_id)
    anchors = competency.anchors.get(loop.level, {})
    flags = competency.flags.get(context.band)
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
        questions=tuple(_guide_question(framework, q, context.band) for q in chosen),
        flags=GuideFlags(flags.green, flags.red) if flags else GuideFlags(),
        # Only where the questions have rubrics: a framework without them keeps its anchors.
        rate_against="rubric"
        if context.in_the_room and any(q.rubric.get(context.band) for q in chosen)
        else "anchors",
        minutes=sum(q.minutes for q in chosen),
    )


def _guide_question(framework: Framework, question: Question, band: str) -> GuideQuestion:
    levels = framework.question_levels(question)
    rubric = question.rubric.get(band)
    return GuideQuestion(
        question.id,
        question.text,
        question.follow_ups,
        QuestionLevels(levels[0], levels[-1]) if levels else None,
        question.minutes,
        dict(rubric) if rubric else None,
    )


def _opening(framework: Framework, question: Question | None, band: str) -> OpeningPrompt | None:
    if question is None:
        return None
    listen = OPENING_LISTEN_FOR if question.id == OPENING_QUESTION_ID else ()
    rubric = question.rubric.get(band)
    return OpeningPrompt(
        text=question.text,
        follow_ups=question.follow_ups,
        listen_for=tuple(listen[: len(question.follow_ups)]),
        why=OPENING_WHY.format(minutes=question.minutes),
        minutes=question.minutes,
        rubric=dict(rubric) if rubric else None,
    )


def _agenda(plan: Plan, competencies: Sequence[GuideCompetency]) -> tuple[AgendaItem, ...]:
    """Introductions, the opening, each competency with its questions' minutes, any spare
    time, the candidate's questions."""
    items = [
        AgendaItem(
            INTRODUCTION_MINUTES,
            "Introductions: who you are, what this interview covers, how long.",
        )
    ]
    if plan.opening is not None:
        items.append(
            AgendaItem(
                plan.opening.minutes, "Opening: a product they love, and all four follow-ups."
            )
        )
    for competency in competencies:
        if competency.questions:
            asked = len(competency.questions)
            what = (
                "one question, followed down to one example"
                if asked == 1
                else f"{asked} questions, each followed down to one example"
            )
            items.append(AgendaItem(competency.minutes, f"{competency.name}: {what}."))
    if plan.spare:
        items.append(
            AgendaItem(plan.spare, "Spare: go deeper wherever the evidence is still thin.")
        )
    items.append(AgendaItem(CLOSE_MINUTES, "The candidate's questions. Answer them properly."))
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


def _before(
    level: Level, competencies: Sequence[GuideCompetency], in_the_room: bool
) -> tuple[str, ...]:
    before = [
        f"Read what {level.name} means here: {level.scope}".strip()
        if level.scope
        else f"Remind yourself what the {level.name} level means at this company.",
        (
            "Read the On Track column of each question's rubric below: in a case or exercise "
            "you rate what the candidate does in the room, not the stories they tell. That is "
            "the bar: rate against it, not against yourself or the last candidate."
            if in_the_room
            else "Read the On Track anchor of each focus competency below. That is the bar: "
            "rate against it, not against yourself or the last candidate."
        ),
        "Read the questions chosen for this interview and their minutes. If time runs short, "
        "drop the later ones: one example explored to the bottom tells you more than three "
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
