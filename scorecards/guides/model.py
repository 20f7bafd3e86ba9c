"""What a guide holds: the question guide and the scorecard template for one interview."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuestionLevels:
    min: str
    max: str


@dataclass(frozen=True)
class GuideQuestion:
    id: str
    text: str
    follow_ups: tuple[str, ...]
    levels: QuestionLevels | None = None
    minutes: int = 0
    # rating point -> what a rater sees in the room, for the guide's level band; None if unwritten
    rubric: Mapping[str, str] | None = None


@dataclass(frozen=True)
class GuideFlags:
    green: tuple[str, ...] = ()
    red: tuple[str, ...] = ()


@dataclass(frozen=True)
class BeforeYouStart:
    biases: tuple[str, ...]
    do_not_ask: tuple[str, ...]
    accommodations: tuple[str, ...]


@dataclass(frozen=True)
class GuideAnchor:
    point: str
    name: str
    text: str


@dataclass(frozen=True)
class GuideCompetency:
    id: str
    name: str
    area: str
    area_name: str
    description: str
    must_have: bool
    expectation: str
    anchors: tuple[GuideAnchor, ...]
    evidence_prompts: tuple[str, ...]
    questions: tuple[GuideQuestion, ...]
    flags: GuideFlags = field(default_factory=GuideFlags)
    # "rubric" in cases and exercises (rate what happens in the room), else "anchors"
    rate_against: str = "anchors"
    minutes: int = 0


@dataclass(frozen=True)
class OpeningPrompt:
    text: str
    follow_ups: tuple[str, ...]
    listen_for: tuple[str, ...]
    why: str
    minutes: int = 0
    rubric: Mapping[str, str] | None = None


@dataclass(frozen=True)
class AgendaItem:
    minutes: int
    what: str


@dataclass(frozen=True)
class ScalePointInfo:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Guide:
    loop_name: str
    framework: str
    level: str
    level_name: str
    level_scope: str
    stage: str
    interview: str
    interview_key: str
    format: str | None
    format_name: str | None
    must_have: tuple[str, ...]
    other_interviews: tuple[str, ...]
    introduction: str
    opening: OpeningPrompt | None
    agenda: tuple[AgendaItem, ...]
    before: tuple[str, ...]
    during: tuple[str, ...]
    after: tuple[str, ...]
    scale: tuple[ScalePointInfo, ...]
    no_evidence: str
    competencies: tuple[GuideCompetency, ...]
    before_you_start: BeforeYouStart
    band: str = ""
    band_name: str = ""
    format_kind: str = "past-experience"
    planned_minutes: int = 45  # the interview's length in the loop

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.agenda)

    @property
    def title(self) -> str:
        return f"{self.interview} — {self.loop_name}"


class GuideError(LookupError):
    """The loop has no interview by that key or name."""
