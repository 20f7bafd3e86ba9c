"""The candidate's brief for a loop: what each interview covers and how to prepare.

Written for the candidate, so it holds only what is fair to share before the interviews:
the stages and interviews in order, each interview's kind and length, the competencies it
covers with the framework's description of each, and preparation advice for its kind.
Never the questions, their follow-ups, the rubrics, the anchors or the hiring bar: those
stay with the interviewers. Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecards.framework import Framework
from scorecards.loops.spec import LoopSpec

# How to prepare, by interview format (the framework's format ids); general advice otherwise.
PREPARATION: dict[str, str] = {
    "past-experience": "Pick two or three recent pieces of work you know in detail. Be ready "
    "to say what you did yourself, what you decided and why, and what the result was.",
    "spec-writing": "You will outline a specification during the interview. Think out loud "
    "about who the users are, what is out of scope, the edge cases and how you would know "
    "it worked. Structure matters more than polish.",
    "analytics-case": "You will work through a problem with data. Say which numbers you "
    "would look at and why, check your assumptions aloud, and size what you find. No "
    "tools or spreadsheets are needed.",
    "product-sense": "Expect to talk about products you know well and how people use them. "
    "Be specific about users, what works for them and what you would change.",
    "design-critique": "You will discuss the experience of a product with the interviewer. "
    "Be concrete about users, flows and trade-offs rather than visual taste.",
    "strategy-case": "You will reason about a market and where a product should go. State "
    "your assumptions, weigh options and say what you would not do.",
    "user-research": "Be ready to describe how you have learned from customers: how you "
    "found them, what you asked, and what changed because of what you heard.",
    "conflict": "Think of situations where you disagreed with colleagues or stakeholders: "
    "how it started, what you did, and how it ended.",
    "quality-review": "Be ready to talk about how you decide a product is ready to ship and "
    "what you do when quality falls short.",
    "leadership": "Be ready to talk about the people and teams you have led or supported, "
    "and how you helped them grow.",
}
GENERAL = (
    "Be ready to talk about specific, recent examples from your own work, and say what you "
    "did yourself."
)


@dataclass(frozen=True)
class BriefTopic:
    name: str
    description: str


@dataclass(frozen=True)
class BriefInterview:
    stage: str
    name: str
    kind: str
    minutes: int
    topics: tuple[BriefTopic, ...]
    preparation: str


@dataclass(frozen=True)
class CandidateBrief:
    title: str
    level: str
    level_scope: str
    interviews: tuple[BriefInterview, ...]

    def to_text(self) -> str:
        lines = [self.title, "=" * len(self.title), ""]
        lines.append(f"The role is at {self.level} level.")
        if self.level_scope:
            lines.append(f"At this level: {self.level_scope}")
        stage = None
        for number, interview in enumerate(self.interviews, start=1):
            if interview.stage != stage:
                stage = interview.stage
                lines += ["", stage, "-" * len(stage)]
            lines += [
                "",
                f"{number}. {interview.name} ({interview.kind}, about {interview.minutes} minutes)",
                "   What it covers:",
            ]
            lines += [f"   - {t.name}: {t.description}" for t in interview.topics]
            lines.append(f"   How to prepare: {interview.preparation}")
        lines += ["", "Every interviewer will leave time for your questions."]
        return "\n".join(lines) + "\n"


def build_brief(framework: Framework, loop: LoopSpec, job: str | None = None) -> CandidateBrief:
    """The brief for ``loop``; ``job`` names the role (the loop's name otherwise)."""
    formats = {f.id: f.name for f in framework.formats}
    level = next((lv for lv in framework.levels if lv.id == loop.level), None)
    interviews = []
    for stage, interview in loop.interviews:
        topics = []
        for cid in interview.competencies:
            known = framework.resolve(cid)
            if known is not None:
                competency = framework.competency(known)
                topics.append(BriefTopic(competency.name, competency.description))
        kind = formats.get(interview.format or "", "Interview")
        interviews.append(
            BriefInterview(
                stage=stage.name,
                name=interview.name,
                kind=kind,
                minutes=interview.minutes,
                topics=tuple(topics),
                preparation=PREPARATION.get(interview.format or "", GENERAL),
            )
        )
    return CandidateBrief(
        title=f"Your interviews: {job or loop.name}",
        level=level.name if level else loop.level,
        level_scope=level.scope if level else "",
        interviews=tuple(interviews),
    )
