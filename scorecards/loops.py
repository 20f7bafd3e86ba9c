"""Interview loops: which interview of which stage assesses which competencies, at what level.

A loop is data (the contract's loop file, the same as JSON over the API). ``parse_loop``
turns a document into a frozen ``LoopSpec`` with every competency reference resolved to its
canonical id, or raises ``LoopError`` with every problem found, each at a dotted path such as
``stages[0].interviews[1].competencies[2]``. ``lint_loop`` checks a parsed loop's coverage:
errors block saving, warnings are shown to the recruiter, notes only inform.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scorecards.framework import Framework, normalise_key
from scorecards.hiring_bar import HiringBar, HiringBarError

ATS_NAMES: tuple[str, ...] = ("greenhouse", "lever", "ashby")
MAX_FOCUS_COMPETENCIES = 4
MIN_INTERVIEWERS = 3
MAX_INTERVIEWERS = 6
MUST_HAVE_MIN_ASSESSMENTS = 2

_TOP_KEYS = (
    "name",
    "framework",
    "level",
    "ats",
    "job_id",
    "must_have",
    "stages",
    "hiring_bar",
    "settings",
    "notify",
)
_STAGE_KEYS = ("name", "ats_stage_id", "interviews")
_INTERVIEW_KEYS = ("name", "ats_interview_id", "format", "competencies", "interviewers")
_SETTINGS_KEYS = ("show_peers_after_submit", "reminder_hours", "escalate_after_hours")
_NOTIFY_KEYS = ("hiring_managers", "recruiters")  # email addresses (docs/notifications.md)


# -- the parsed loop ------------------------------------------------------------------------


@dataclass(frozen=True)
class InterviewSpec:
    name: str
    ats_interview_id: str | None = None
    format: str | None = None
    competencies: tuple[str, ...] = ()
    interviewers: int = 1  # how many people run this interview (panels say so)

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "show_peers_after_submit": self.show_peers_after_submit,
            "reminder_hours": [_plain_number(h) for h in self.reminder_hours],
            "escalate_after_hours": _plain_number(self.escalate_after_hours),
        }


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


# -- parse errors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoopIssue:
    field: str
    message: str
    code: str = "invalid"
    stage: str | None = None
    interview: str | None = None
    competency: str | None = None

    def __str__(self) -> str:
        return f"{self.field or '<loop>'}: {self.message}"


class LoopError(ValueError):
    """A loop document that cannot be used; carries every problem found, not just the first."""

    def __init__(self, issues: Sequence[LoopIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    def fields(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for issue in self.issues:
            key = issue.field or "_schema"
            out[key] = f"{out[key]} {issue.message}" if key in out else issue.message
        return out


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when nothing is close."""
    options = list(dict.fromkeys(choices))
    folded = {normalise_key(c): c for c in options}
    close = difflib.get_close_matches(normalise_key(word), list(folded), n=1, cutoff=0.6)
    return f" (did you mean '{folded[close[0]]}'?)" if close else ""


def competency_hint(framework: Framework, word: str) -> str:
    names = [c.id for c in framework.competencies]
    hint = did_you_mean(word, names)
    if hint:
        return hint
    # Fall back to display names and aliases, reported as the canonical id.
    by_key: dict[str, str] = {}
    for competency in framework.competencies:
        for label in (competency.name, *competency.aliases):
            by_key[normalise_key(label)] = competency.id
    close = difflib.get_close_matches(normalise_key(word), list(by_key), n=1, cutoff=0.6)
    return f" (did you mean '{by_key[close[0]]}'?)" if close else ""


# -- parsing --------------------------------------------------------------------------------


def _plain_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _text(value: Any) -> str | None:
    """Strings as given; ATS ids written as YAML numbers become text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None


class _Parser:
    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.issues: list[LoopIssue] = []
        self.aliases: list[AliasUse] = []

    def error(self, path: str, message: str, code: str = "invalid", **where: str | None) -> None:
        self.issues.append(LoopIssue(path, message, code, **where))

    def unknown_keys(self, data: Mapping[str, Any], known: Sequence[str], path: str) -> None:
        for key in data:
            if key not in known:
                where = f"{path}.{key}" if path else str(key)
                hint = did_you_mean(str(key), known)
                self.error(
                    where,
                    f"unknown field '{key}'{hint}; known: {', '.join(known)}",
                    "unknown_field",
                )

    def required_text(self, data: Mapping[str, Any], key: str, path: str) -> str:
        where = f"{path}.{key}" if path else key
        value = data.get(key)
        text = _text(value)
        if value is None or text == "":
            self.error(where, "is required", "required")
            return ""
        if text is None:
            self.error(where, "must be text")
            return ""
        return text

    def optional_id(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        text = _text(value)
        if text is None:
            self.error(f"{path}.{key}", "must be text or a whole number")
        return text or None

    def competency(
        self, value: Any, path: str, stage: str | None = None, interview: str | None = None
    ) -> str | None:
        text = _text(value)
        if not text:
            self.error(path, "must be a competency id or name", stage=stage, interview=interview)
            return None
        resolved = self.framework.resolve(text)
        if resolved is None:
            hint = competency_hint(self.framework, text)
            self.error(
                path,
                f"unknown competency '{text}' in framework '{self.framework.id}'{hint}",
                "unknown_competency",
                stage=stage,
                interview=interview,
                competency=text,
            )
            return None
        if text != resolved:
            self.aliases.append(AliasUse(path, text, resolved, stage, interview))
        return resolved

    def competency_list(
        self, value: Any, path: str, stage: str | None = None, interview: str | None = None
    ) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.error(path, "must be a list of competency ids", stage=stage, interview=interview)
            return ()
        out: list[str] = []
        for index, item in enumerate(value):
            resolved = self.competency(item, f"{path}[{index}]", stage, interview)
            if resolved is None:
                continue
            if resolved in out:
                self.error(
                    f"{path}[{index}]",
                    f"'{resolved}' is listed twice",
                    "duplicate_competency",
                    stage=stage,
                    interview=interview,
                    competency=resolved,
                )
                continue
            out.append(resolved)
        return tuple(out)

    def format(self, value: Any, path: str) -> str | None:
        if value is None or value == "":
            return None
        text = _text(value)
        if not text:
            self.error(path, "must be text")
            return None
        key = normalise_key(text)
        for fmt in self.framework.formats:
            if key in (fmt.id, normalise_key(fmt.name)):
                return fmt.id
        return key  # formats are open: an unknown one is a lint warning, not an error

    def interview(self, data: Any, path: str, stage: str) -> InterviewSpec | None:
        if not isinstance(data, Mapping):
            self.error(path, "must be a mapping with name, format and competencies", stage=stage)
            return None
        self.unknown_keys(data, _INTERVIEW_KEYS, path)
        name = self.required_text(data, "name", path)
        interviewers = data.get("interviewers", 1)
        if isinstance(interviewers, bool) or not isinstance(interviewers, int) or interviewers < 1:
            self.error(f"{path}.interviewers", "must be a whole number of at least 1", stage=stage)
            interviewers = 1
        return InterviewSpec(
            name=name,
            ats_interview_id=self.optional_id(data, "ats_interview_id", path),
            format=self.format(data.get("format"), f"{path}.format"),
            competencies=self.competency_list(
                data.get("competencies"), f"{path}.competencies", stage, name or None
            ),
            interviewers=interviewers,
        )

    def stage(self, data: Any, path: str) -> StageSpec | None:
        if not isinstance(data, Mapping):
            self.error(path, "must be a mapping with name and interviews")
            return None
        self.unknown_keys(data, _STAGE_KEYS, path)
        name = self.required_text(data, "name", path)
        raw = data.get("interviews") or []
        interviews: list[InterviewSpec] = []
        if isinstance(raw, str) or not isinstance(raw, Sequence):
            self.error(f"{path}.interviews", "must be a list", stage=name)
        else:
            for index, item in enumerate(raw):
                parsed = self.interview(item, f"{path}.interviews[{index}]", name)
                if parsed is not None:
                    interviews.append(parsed)
        return StageSpec(
            name=name,
            ats_stage_id=self.optional_id(data, "ats_stage_id", path),
            interviews=tuple(interviews),
        )

    def settings(self, data: Any) -> LoopSettings:
        if data is None:
            return LoopSettings()
        if not isinstance(data, Mapping):
            self.error("settings", "must be a mapping")
            return LoopSettings()
        self.unknown_keys(data, _SETTINGS_KEYS, "settings")
        defaults = LoopSettings()
        show = data.get("show_peers_after_submit", defaults.show_peers_after_submit)
        if not isinstance(show, bool):
            self.error("settings.show_peers_after_submit", "must be true or false")
            show = defaults.show_peers_after_submit
        hours_raw = data.get("reminder_hours", list(defaults.reminder_hours))
        hours: list[float] = []
        if isinstance(hours_raw, str) or not isinstance(hours_raw, Sequence):
            self.error("settings.reminder_hours", "must be a list of hours")
        else:
            for index, value in enumerate(hours_raw):
                number = _positive(value)
                if number is None:
                    self.error(f"settings.reminder_hours[{index}]", "must be a positive number")
                else:
                    hours.append(number)
            if hours != sorted(hours):
                self.error("settings.reminder_hours", "must be in increasing order")
        escalate = _positive(data.get("escalate_after_hours", defaults.escalate_after_hours))
        if escalate is None:
            self.error("settings.escalate_after_hours", "must be a positive number")
            escalate = defaults.escalate_after_hours
        return LoopSettings(
            show_peers_after_submit=show,
            reminder_hours=tuple(hours),
            escalate_after_hours=escalate,
        )

    def check_unique(self, stages: Sequence[StageSpec]) -> None:
        keys: dict[str, str] = {}
        stage_ids: dict[str, int] = {}
        for s_index, stage in enumerate(stages):
            if stage.ats_stage_id is not None:
                if stage.ats_stage_id in stage_ids:
                    self.error(
                        f"stages[{s_index}].ats_stage_id",
                        f"ATS stage id '{stage.ats_stage_id}' is already used by "
                        f"stages[{stage_ids[stage.ats_stage_id]}]",
                        "duplicate_stage",
                        stage=stage.name,
                    )
                else:
                    stage_ids[stage.ats_stage_id] = s_index
            for i_index, interview in enumerate(stage.interviews):
                if not interview.name:
                    continue
                path = f"stages[{s_index}].interviews[{i_index}]"
                key = interview.key
                if key in keys:
                    what = "ATS interview id" if interview.ats_interview_id else "name"
                    field_name = "ats_interview_id" if interview.ats_interview_id else "name"
                    self.error(
                        f"{path}.{field_name}",
                        f"{what} '{key}' is already used by {keys[key]}; each interview needs "
                        "its own ATS interview id, or a unique name when it has none",
                        "duplicate_interview",
                        stage=stage.name,
                        interview=interview.name,
                    )
                else:
                    keys[key] = path


def _positive(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        return None
    return number


def parse_loop(data: Mapping[str, Any], framework: Framework) -> LoopSpec:
    """Validate a loop document against a framework; raise LoopError with every problem."""
    parser = _Parser(framework)
    if not isinstance(data, Mapping):
        raise LoopError([LoopIssue("", "a loop must be a mapping of fields")])
    parser.unknown_keys(data, _TOP_KEYS, "")
    name = parser.required_text(data, "name", "")
    framework_id = _text(data.get("framework")) or framework.id
    if framework_id != framework.id:
        parser.error(
            "framework", f"is '{framework_id}' but the loop was checked against '{framework.id}'"
        )
    level = parser.required_text(data, "level", "")
    if level and not framework.has_level(level):
        by_name = {normalise_key(lv.name): lv.id for lv in framework.levels}
        if normalise_key(level) in by_name:
            level = by_name[normalise_key(level)]
        else:
            hint = did_you_mean(level, [lv.id for lv in framework.levels])
            parser.error(
                "level",
                f"unknown level '{level}'{hint}; levels: "
                + ", ".join(lv.id for lv in framework.levels),
                "unknown_level",
            )
    ats = parser.required_text(data, "ats", "").lower()
    if ats and ats not in ATS_NAMES:
        hint = did_you_mean(ats, ATS_NAMES)
        parser.error("ats", f"unknown ATS '{ats}'{hint}; one of {', '.join(ATS_NAMES)}")
    job_id = parser.required_text(data, "job_id", "")
    must_have = parser.competency_list(data.get("must_have"), "must_have")

    stages: list[StageSpec] = []
    raw_stages = data.get("stages")
    if raw_stages is None or raw_stages == []:
        parser.error("stages", "a loop needs at least one stage with interviews", "required")
    elif isinstance(raw_stages, str) or not isinstance(raw_stages, Sequence):
        parser.error("stages", "must be a list of stages")
    else:
        for index, item in enumerate(raw_stages):
            parsed = parser.stage(item, f"stages[{index}]")
            if parsed is not None:
                stages.append(parsed)
        parser.check_unique(stages)

    hiring_bar = HiringBar()
    raw_bar = data.get("hiring_bar")
    if raw_bar is not None and not isinstance(raw_bar, Mapping):
        parser.error("hiring_bar", "must be a mapping of thresholds")
    else:
        try:
            hiring_bar = HiringBar.from_dict(raw_bar)
        except HiringBarError as exc:
            parser.error(f"hiring_bar.{exc.field}", exc.message)
    settings = parser.settings(data.get("settings"))
    notify = _parse_notify(parser, data.get("notify"))

    if parser.issues:
        raise LoopError(parser.issues)
    return LoopSpec(
        name=name,
        framework=framework.id,
        level=level,
        ats=ats,
        job_id=job_id,
        must_have=must_have,
        stages=tuple(stages),
        hiring_bar=hiring_bar,
        settings=settings,
        notify=notify,
        aliases_used=tuple(parser.aliases),
    )


# -- coverage lint --------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning | note
    code: str
    message: str
    stage: str | None = None
    interview: str | None = None
    competency: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "stage": self.stage,
            "interview": self.interview,
            "competency": self.competency,
            "field": self.field,
        }

    def __str__(self) -> str:
        where = " / ".join(
            part
            for part in (
                f"stage '{self.stage}'" if self.stage else "",
                f"interview '{self.interview}'" if self.interview else "",
                f"competency '{self.competency}'" if self.competency else "",
            )
            if part
        )
        return f"{self.severity}: {self.code}: {self.message}" + (f" [{where}]" if where else "")


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def notes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "note")

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def clean(self) -> bool:
        return not self.errors and not self.warnings

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
            "notes": [f.to_dict() for f in self.notes],
        }

    def fields(self) -> dict[str, str]:
        """Errors by field path, for the API's error shape."""
        out: dict[str, str] = {}
        for finding in self.errors:
            key = finding.field or "stages"
            message = finding.message.removeprefix(f"{key}: ")
            out[key] = f"{out[key]} {message}" if key in out else message
        return out

    @classmethod
    def from_error(cls, error: LoopError) -> LintReport:
        return cls(
            tuple(
                Finding(
                    "error",
                    issue.code,
                    f"{issue.field}: {issue.message}" if issue.field else issue.message,
                    issue.stage,
                    issue.interview,
                    issue.competency,
                    issue.field or None,
                )
                for issue in error.issues
            )
        )


def _where(loop: LoopSpec, stage: StageSpec, interview: InterviewSpec) -> str:
    s_index = loop.stages.index(stage)
    i_index = stage.interviews.index(interview)
    return f"stages[{s_index}].interviews[{i_index}]"


def _names(framework: Framework, ids: Iterable[str]) -> str:
    return ", ".join(framework.competency(c).name for c in ids)


def lint_loop(loop: LoopSpec, framework: Framework) -> LintReport:
    """Coverage checks for a parsed loop, each finding naming its stage, interview and
    competency: load per interview, must-haves covered twice, every competency in scope
    assessed, competencies above the level, the number of interviewers."""
    findings: list[Finding] = []
    level = next(lv for lv in framework.levels if lv.id == loop.level)
    in_scope = {c.id for c in framework.in_scope(loop.level)}
    known_formats = {fmt.id for fmt in framework.formats}

    total_interviews = len(loop.interviews)
    if total_interviews == 0:
        findings.append(
            Finding("error", "no_interviews", "The loop has no interviews.", field="stages")
        )

    for s_index, stage in enumerate(loop.stages):
        if not stage.interviews:
            findings.append(
                Finding(
                    "warning",
                    "empty_stage",
                    f"Stage '{stage.name}' has no interviews; nothing is assessed in it.",
                    stage=stage.name,
                    field=f"stages[{s_index}].interviews",
                )
            )
        for interview in stage.interviews:
            path = _where(loop, stage, interview)
            count = len(interview.competencies)
            if count > MAX_FOCUS_COMPETENCIES:
                extra = interview.competencies[MAX_FOCUS_COMPETENCIES:]
                findings.append(
                    Finding(
                        "error",
                        "too_many_competencies",
                        f"'{interview.name}' in '{stage.name}' has {count} focus competencies "
                        f"({', '.join(interview.competencies)}); at most "
                        f"{MAX_FOCUS_COMPETENCIES} fit in one interview with real evidence for "
                        f"each. Move {', '.join(extra)} to another interview.",
                        stage=stage.name,
                        interview=interview.name,
                        competency=extra[0],
                        field=f"{path}.competencies",
                    )
                )
            elif count == 0:
                findings.append(
                    Finding(
                        "warning",
                        "no_competencies",
                        f"'{interview.name}' in '{stage.name}' has no focus competencies, so "
                        "its interviewer has nothing to rate.",
                        stage=stage.name,
                        interview=interview.name,
                        field=f"{path}.competencies",
                    )
                )
            if interview.format and known_formats and interview.format not in known_formats:
                hint = did_you_mean(interview.format, sorted(known_formats))
                findings.append(
                    Finding(
                        "warning",
                        "unknown_format",
                        f"'{interview.name}' has format '{interview.format}', which the "
                        f"framework has no questions for{hint}.",
                        stage=stage.name,
                        interview=interview.name,
                        field=f"{path}.format",
                    )
                )
            for competency in interview.competencies:
                if competency not in in_scope:
                    findings.append(
                        Finding(
                            "warning",
                            "above_level",
                            _above_level_message(
                                framework, competency, level.name, level.manages_people
                            ),
                            stage=stage.name,
                            interview=interview.name,
                            competency=competency,
                            field=f"{path}.competencies",
                        )
                    )

    for index, competency in enumerate(loop.must_have):
        assessed_in = loop.assessments(competency)
        name = framework.competency(competency).name
        if competency not in in_scope:
            findings.append(
                Finding(
                    "error",
                    "must_have_above_level",
                    f"Must-have {name} ({competency}) is not expected at {level.name}: "
                    + _above_level_message(framework, competency, level.name, level.manages_people),
                    competency=competency,
                    field=f"must_have[{index}]",
                )
            )
        if len(assessed_in) < MUST_HAVE_MIN_ASSESSMENTS:
            if assessed_in:
                stage, interview = assessed_in[0]
                message = (
                    f"Must-have {name} ({competency}) is assessed once, in '{interview.name}' "
                    f"({stage.name}); a must-have needs at least {MUST_HAVE_MIN_ASSESSMENTS} "
                    "interviews so one interviewer's view does not decide the hire."
                )
                findings.append(
                    Finding(
                        "error",
                        "must_have_once",
                        message,
                        stage=stage.name,
                        interview=interview.name,
                        competency=competency,
                        field=f"{_where(loop, stage, interview)}.competencies",
                    )
                )
            else:
                findings.append(
                    Finding(
                        "error",
                        "must_have_not_assessed",
                        f"Must-have {name} ({competency}) is not assessed in any interview; "
                        f"add it to at least {MUST_HAVE_MIN_ASSESSMENTS}.",
                        competency=competency,
                        field=f"must_have[{index}]",
                    )
                )

    assessed = set(loop.assessed)
    for item in framework.in_scope(loop.level):
        if item.id not in assessed and item.id not in loop.must_have:
            findings.append(
                Finding(
                    "warning",
                    "not_assessed",
                    f"{item.name} ({item.id}) is in scope at {level.name} but no "
                    "interview assesses it; the verdict will show it as a gap.",
                    competency=item.id,
                    field="stages",
                )
            )

    interviewers = sum(interview.interviewers for _, interview in loop.interviews)
    if total_interviews and interviewers < MIN_INTERVIEWERS:
        findings.append(
            Finding(
                "warning",
                "too_few_interviewers",
                f"The loop has {interviewers} interviewer{'s' if interviewers != 1 else ''}; "
                f"{MIN_INTERVIEWERS} to {MAX_INTERVIEWERS} (about four) give enough independent "
                "views without wearing the candidate out.",
                field="stages",
            )
        )
    elif interviewers > MAX_INTERVIEWERS:
        findings.append(
            Finding(
                "warning",
                "too_many_interviewers",
                f"The loop has {interviewers} interviewers; more than {MAX_INTERVIEWERS} adds "
                "time for the candidate and the team without adding much signal (about four "
                "is enough).",
                field="stages",
            )
        )

    for use in loop.aliases_used:
        findings.append(
            Finding(
                "note",
                "alias",
                f"'{use.written}' is read as {use.competency}.",
                stage=use.stage,
                interview=use.interview,
                competency=use.competency,
                field=use.field,
            )
        )
    return LintReport(tuple(findings))


def _above_level_message(
    framework: Framework, competency: str, level_name: str, manages_people: bool
) -> str:
    item = framework.competency(competency)
    first = next(
        (lv.name for lv in framework.levels if lv.id == item.min_level), item.min_level or ""
    )
    people = "" if manages_people else f" ({level_name} does not manage people)"
    return (
        f"{item.name} ({competency}) is expected from {first} upward, not at {level_name}"
        f"{people}; rating it here would hold the candidate to a bar the role does not have."
    )


def check_loop(data: Mapping[str, Any], framework: Framework) -> tuple[LoopSpec | None, LintReport]:
    """Parse and lint in one go: parse problems come back as error findings."""
    try:
        loop = parse_loop(data, framework)
    except LoopError as exc:
        return None, LintReport.from_error(exc)
    return loop, lint_loop(loop, framework)


def _parse_notify(parser: _Parser, data: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``notify: {hiring_managers: [emails], recruiters: [emails]}``: who hears about verdicts
    and late scorecards (used by the notifications)."""
    if data is None:
        return ()
    if not isinstance(data, Mapping):
        parser.error("notify", "must be a mapping of hiring_managers and recruiters")
        return ()
    parser.unknown_keys(data, _NOTIFY_KEYS, "notify")
    out = []
    for key in _NOTIFY_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, Sequence):
            parser.error(f"notify.{key}", "must be a list of email addresses")
            continue
        emails = []
        for index, item in enumerate(value):
            text = item.strip() if isinstance(item, str) else ""
            if "@" not in text or any(c.isspace() for c in text):
                parser.error(f"notify.{key}[{index}]", f"'{item}' is not an email address")
            else:
                emails.append(text)
        if emails:
            out.append((key, tuple(emails)))
    return tuple(out)
