"""The parsed loop: frozen dataclasses that ``parse_loop`` builds and ``to_dict`` writes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scorecards.agenda import DEFAULT_INTERVIEW_MINUTES
from scorecards.framework import normalise_key
from scorecards.hiring_bar import HiringBar

ATS_NAMES: tuple[str, ...] = ("greenhouse", "lever", "ashby")


def _plain_number(value: float) -> float | int:
    """Whole hours as ints, so a round-tripped loop file reads ``24``, not ``24.0``."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class InterviewSpec:
    name: str
    ats_interview_id: str | None = None
    format: str | None = None
    competencies: tuple[str, ...] = ()
    interviewers: int = 1  # how many people run this interview (panels say so)
    minutes: int = DEFAULT_INTERVIEW_MINUTES  # its length; the guide's agenda fills it

    @property
    def key(self) -> str:
        """What assignments store as ``interview_key``: the ATS interview id, else the name."""
        return self.ats_interview_id or self.name

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "ats_interview_id": self.ats_interview_id,
            "format": self.format,
            "competencies": list(self.competencies),
        }
        if self.interviewers != 1:
            out["interviewers"] = self.interviewers
        if self.minutes != DEFAULT_INTERVIEW_MINUTES:
            out["minutes"] = self.minutes
        return out


@dataclass(frozen=True)
class StageSpec:
    name: str
    ats_stage_id: str | None = None
    interviews: tuple[InterviewSpec, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ats_stage_id": self.ats_stage_id,
            "interviews": [interview.to_dict() for interview in self.interviews],
        }


@dataclass(frozen=True)
class LoopSettings:
    show_peers_after_submit: bool = True
    reminder_hours: tuple[float, ...] = (1, 24)
    escalate_after_hours: float = 48
    # Refuse (409) any change of a rating once its interviewer has been shown peers' ratings.
    lock_after_peers: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "show_peers_after_submit": self.show_peers_after_submit,
            "reminder_hours": [_plain_number(h) for h in self.reminder_hours],
            "escalate_after_hours": _plain_number(self.escalate_after_hours),
        }
        if self.lock_after_peers:  # written only when set: older documents stay as they were
            out["lock_after_peers"] = True
        return out


@dataclass(frozen=True)
class AliasUse:
    """A competency written as an alias or display name, read as its canonical id."""

    field: str
    written: str
    competency: str
    stage: str | None = None
    interview: str | None = None


@dataclass(frozen=True)
class LoopSpec:
    name: str
    framework: str
    level: str
    ats: str
    job_id: str
    must_have: tuple[str, ...] = ()
    stages: tuple[StageSpec, ...] = ()
    hiring_bar: HiringBar = field(default_factory=HiringBar)
    settings: LoopSettings = field(default_factory=LoopSettings)
    notify: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # What parse_loop resolved from aliases; informs the lint, not part of the loop's identity.
    aliases_used: tuple[AliasUse, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The loop document (what ``Loop.definition`` stores); round-trips with parse_loop."""
        out: dict[str, Any] = {
            "name": self.name,
            "framework": self.framework,
            "level": self.level,
            "ats": self.ats,
            "job_id": self.job_id,
            "must_have": list(self.must_have),
            "stages": [stage.to_dict() for stage in self.stages],
        }
        if not self.hiring_bar.is_default:
            out["hiring_bar"] = self.hiring_bar.to_dict()
        out["settings"] = self.settings.to_dict()
        if self.notify:
            out["notify"] = {key: list(emails) for key, emails in self.notify}
        return out

    @property
    def interviews(self) -> tuple[tuple[StageSpec, InterviewSpec], ...]:
        return tuple((stage, interview) for stage in self.stages for interview in stage.interviews)

    def find_interview(self, key_or_name: str) -> tuple[StageSpec, InterviewSpec] | None:
        """By ATS interview id, then exact name, then name ignoring case and punctuation."""
        wanted = str(key_or_name).strip()
        pairs = self.interviews
        for stage, interview in pairs:
            if interview.ats_interview_id is not None and interview.ats_interview_id == wanted:
                return stage, interview
        for stage, interview in pairs:
            if interview.name == wanted:
                return stage, interview
        folded = normalise_key(wanted)
        for stage, interview in pairs:
            if normalise_key(interview.name) == folded:
                return stage, interview
        return None

    def stage(self, ats_stage_id_or_name: str) -> StageSpec | None:
        wanted = str(ats_stage_id_or_name).strip()
        for stage in self.stages:
            if stage.ats_stage_id is not None and stage.ats_stage_id == wanted:
                return stage
        for stage in self.stages:
            if stage.name == wanted:
                return stage
        folded = normalise_key(wanted)
        return next((s for s in self.stages if normalise_key(s.name) == folded), None)

    def assessments(self, competency_id: str) -> list[tuple[StageSpec, InterviewSpec]]:
        return [(s, i) for s, i in self.interviews if competency_id in i.competencies]

    @property
    def assessed(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for _, interview in self.interviews:
            for competency in interview.competencies:
                seen.setdefault(competency, None)
        return tuple(seen)
