"""``parse_loop``: a loop document (YAML file or API JSON) into a frozen ``LoopSpec``.

Every competency reference is resolved to its canonical id. Nothing stops at the first
problem: each part of the document is read on its own, problems are collected by the
``FieldReader`` and raised together as one ``LoopError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scorecards.agenda import (
    DEFAULT_INTERVIEW_MINUTES,
    MAX_INTERVIEW_MINUTES,
    MIN_INTERVIEW_MINUTES,
)
from scorecards.framework import Framework, normalise_key
from scorecards.hiring_bar import HiringBar, HiringBarError
from scorecards.loops.errors import LoopError, LoopIssue, did_you_mean
from scorecards.loops.reader import FieldReader, as_positive, as_text, is_list
from scorecards.loops.spec import ATS_NAMES, InterviewSpec, LoopSettings, LoopSpec, StageSpec

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
_INTERVIEW_KEYS = (
    "name",
    "ats_interview_id",
    "format",
    "competencies",
    "interviewers",
    "minutes",
)
_SETTINGS_KEYS = (
    "show_peers_after_submit",
    "reminder_hours",
    "escalate_after_hours",
    "lock_after_peers",
)
_NOTIFY_KEYS = ("hiring_managers", "recruiters")  # email addresses (docs/notifications.md)

Notify = tuple[tuple[str, tuple[str, ...]], ...]


def parse_loop(data: Mapping[str, Any], framework: Framework) -> LoopSpec:
    """Validate a loop document against a framework; raise LoopError with every problem."""
    if not isinstance(data, Mapping):
        raise LoopError([LoopIssue("", "a loop must be a mapping of fields")])
    reader = FieldReader(framework)
    # The order of the reads is the order problems are reported in.
    reader.unknown_keys(data, _TOP_KEYS, "")
    name = reader.required_text(data, "name", "")
    _check_framework(reader, data)
    level = _level(reader, data)
    ats = _ats(reader, data)
    job_id = reader.required_text(data, "job_id", "")
    must_have = reader.competency_list(data.get("must_have"), "must_have")
    stages = _stages(reader, data.get("stages"))
    hiring_bar = _hiring_bar(reader, data.get("hiring_bar"))
    settings = _settings(reader, data.get("settings"))
    notify = _notify(reader, data.get("notify"))
    if reader.issues:
        raise LoopError(reader.issues)
    return LoopSpec(
        name=name,
        framework=framework.id,
        level=level,
        ats=ats,
        job_id=job_id,
        must_have=must_have,
        stages=stages,
        hiring_bar=hiring_bar,
        settings=settings,
        notify=notify,
        aliases_used=tuple(reader.aliases),
    )


# -- top-level fields -------------------------------------------------------------------------


def _check_framework(reader: FieldReader, data: Mapping[str, Any]) -> None:
    framework = reader.framework
    framework_id = as_text(data.get("framework")) or framework.id
    if framework_id != framework.id:
        reader.error(
            "framework", f"is '{framework_id}' but the loop was checked against '{framework.id}'"
        )


def _level(reader: FieldReader, data: Mapping[str, Any]) -> str:
    """The level's id; a level written by its display name is read as its id."""
    framework = reader.framework
    level = reader.required_text(data, "level", "")
    if not level or framework.has_level(level):
        return level
    by_name = {normalise_key(lv.name): lv.id for lv in framework.levels}
    if normalise_key(level) in by_name:
        return by_name[normalise_key(level)]
    hint = did_you_mean(level, [lv.id for lv in framework.levels])
    reader.error(
        "level",
        f"unknown level '{level}'{hint}; levels: " + ", ".join(lv.id for lv in framework.levels),
        "unknown_level",
    )
    return level


def _ats(reader: FieldReader, data: Mapping[str, Any]) -> str:
    ats = reader.required_text(data, "ats", "").lower()
    if ats and ats not in ATS_NAMES:
        hint = did_you_mean(ats, ATS_NAMES)
        reader.error("ats", f"unknown ATS '{ats}'{hint}; one of {', '.join(ATS_NAMES)}")
    return ats


def _hiring_bar(reader: FieldReader, raw: Any) -> HiringBar:
    if raw is not None and not isinstance(raw, Mapping):
        reader.error("hiring_bar", "must be a mapping of thresholds")
        return HiringBar()
    try:
        return HiringBar.from_dict(raw)
    except HiringBarError as exc:
        reader.error(f"hiring_bar.{exc.field}", exc.message)
        return HiringBar()


# -- stages and interviews --------------------------------------------------------------------


def _stages(reader: FieldReader, raw: Any) -> tuple[StageSpec, ...]:
    if raw is None or raw == []:
        reader.error("stages", "a loop needs at least one stage with interviews", "required")
        return ()
    if not is_list(raw):
        reader.error("stages", "must be a list of stages")
        return ()
    parsed = (_stage(reader, item, f"stages[{index}]") for index, item in enumerate(raw))
    stages = tuple(stage for stage in parsed if stage is not None)
    _check_unique(reader, stages)
    return stages


def _stage(reader: FieldReader, data: Any, path: str) -> StageSpec | None:
    if not isinstance(data, Mapping):
        reader.error(path, "must be a mapping with name and interviews")
        return None
    reader.unknown_keys(data, _STAGE_KEYS, path)
    name = reader.required_text(data, "name", path)
    interviews = _interviews(reader, data.get("interviews") or [], path, name)
    return StageSpec(
        name=name,
        ats_stage_id=reader.optional_id(data, "ats_stage_id", path),
        interviews=interviews,
    )


def _interviews(
    reader: FieldReader, raw: Any, stage_path: str, stage: str
) -> tuple[InterviewSpec, ...]:
    if not is_list(raw):
        reader.error(f"{stage_path}.interviews", "must be a list", stage=stage)
        return ()
    parsed = (
        _interview(reader, item, f"{stage_path}.interviews[{index}]", stage)
        for index, item in enumerate(raw)
    )
    return tuple(interview for interview in parsed if interview is not None)


def _interview(reader: FieldReader, data: Any, path: str, stage: str) -> InterviewSpec | None:
    if not isinstance(data, Mapping):
        reader.error(path, "must be a mapping with name, format and competencies", stage=stage)
        return None
    reader.unknown_keys(data, _INTERVIEW_KEYS, path)
    name = reader.required_text(data, "name", path)
    interviewers = _interviewers(reader, data.get("interviewers", 1), path, stage)
    return InterviewSpec(
        name=name,
        ats_interview_id=reader.optional_id(data, "ats_interview_id", path),
        format=reader.format(data.get("format"), f"{path}.format"),
        competencies=reader.competency_list(
            data.get("competencies"), f"{path}.competencies", stage, name or None
        ),
        interviewers=interviewers,
        minutes=_minutes(reader, data.get("minutes", DEFAULT_INTERVIEW_MINUTES), path, stage),
    )


def _minutes(reader: FieldReader, value: Any, path: str, stage: str) -> int:
    """An interview's length in whole minutes (optional; 45 when left out)."""
    valid = isinstance(value, int) and not isinstance(value, bool)
    if not valid or not MIN_INTERVIEW_MINUTES <= value <= MAX_INTERVIEW_MINUTES:
        reader.error(
            f"{path}.minutes",
            f"must be a whole number of minutes from {MIN_INTERVIEW_MINUTES} to "
            f"{MAX_INTERVIEW_MINUTES}",
            stage=stage,
        )
        return DEFAULT_INTERVIEW_MINUTES
    return int(value)


def _interviewers(reader: FieldReader, value: Any, path: str, stage: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        reader.error(f"{path}.interviewers", "must be a whole number of at least 1", stage=stage)
        return 1
    return value


def _check_unique(reader: FieldReader, stages: Sequence[StageSpec]) -> None:
    """ATS stage ids, and interview keys across the whole loop, are used once each."""
    stage_paths: dict[str, int] = {}
    interview_paths: dict[str, str] = {}
    for s_index, stage in enumerate(stages):
        _check_stage_id(reader, stage, s_index, stage_paths)
        for i_index, interview in enumerate(stage.interviews):
            path = f"stages[{s_index}].interviews[{i_index}]"
            _check_interview_key(reader, stage, interview, path, interview_paths)


def _check_stage_id(
    reader: FieldReader, stage: StageSpec, s_index: int, seen: dict[str, int]
) -> None:
    if stage.ats_stage_id is None:
        return
    if stage.ats_stage_id not in seen:
        seen[stage.ats_stage_id] = s_index
        return
    reader.error(
        f"stages[{s_index}].ats_stage_id",
        f"ATS stage id '{stage.ats_stage_id}' is already used by "
        f"stages[{seen[stage.ats_stage_id]}]",
        "duplicate_stage",
        stage=stage.name,
    )


def _check_interview_key(
    reader: FieldReader,
    stage: StageSpec,
    interview: InterviewSpec,
    path: str,
    seen: dict[str, str],
) -> None:
    if not interview.name:
        return
    key = interview.key
    if key not in seen:
        seen[key] = path
        return
    what = "ATS interview id" if interview.ats_interview_id else "name"
    field_name = "ats_interview_id" if interview.ats_interview_id else "name"
    reader.error(
        f"{path}.{field_name}",
        f"{what} '{key}' is already used by {seen[key]}; each interview needs "
        "its own ATS interview id, or a unique name when it has none",
        "duplicate_interview",
        stage=stage.name,
        interview=interview.name,
    )


# -- settings and notify ----------------------------------------------------------------------


def _settings(reader: FieldReader, data: Any) -> LoopSettings:
    defaults = LoopSettings()
    if data is None:
        return defaults
    if not isinstance(data, Mapping):
        reader.error("settings", "must be a mapping")
        return defaults
    reader.unknown_keys(data, _SETTINGS_KEYS, "settings")
    show = data.get("show_peers_after_submit", defaults.show_peers_after_submit)
    if not isinstance(show, bool):
        reader.error("settings.show_peers_after_submit", "must be true or false")
        show = defaults.show_peers_after_submit
    hours = _reminder_hours(reader, data.get("reminder_hours", list(defaults.reminder_hours)))
    escalate = as_positive(data.get("escalate_after_hours", defaults.escalate_after_hours))
    if escalate is None:
        reader.error("settings.escalate_after_hours", "must be a positive number")
        escalate = defaults.escalate_after_hours
    lock = data.get("lock_after_peers", defaults.lock_after_peers)
    if not isinstance(lock, bool):
        reader.error("settings.lock_after_peers", "must be true or false")
        lock = defaults.lock_after_peers
    return LoopSettings(
        show_peers_after_submit=show,
        reminder_hours=hours,
        escalate_after_hours=escalate,
        lock_after_peers=lock,
    )


def _reminder_hours(reader: FieldReader, raw: Any) -> tuple[float, ...]:
    if not is_list(raw):
        reader.error("settings.reminder_hours", "must be a list of hours")
        return ()
    hours: list[float] = []
    for index, value in enumerate(raw):
        number = as_positive(value)
        if number is None:
            reader.error(f"settings.reminder_hours[{index}]", "must be a positive number")
        else:
            hours.append(number)
    if hours != sorted(hours):
        reader.error("settings.reminder_hours", "must be in increasing order")
    return tuple(hours)


def _notify(reader: FieldReader, data: Any) -> Notify:
    """``notify: {hiring_managers: [emails], recruiters: [emails]}``: who hears about verdicts
    and late scorecards (used by the notifications)."""
    if data is None:
        return ()
    if not isinstance(data, Mapping):
        reader.error("notify", "must be a mapping of hiring_managers and recruiters")
        return ()
    reader.unknown_keys(data, _NOTIFY_KEYS, "notify")
    out = []
    for key in _NOTIFY_KEYS:
        value = data.get(key)
        if value is None:
            continue
        emails = _emails(reader, key, [value] if isinstance(value, str) else value)
        if emails:
            out.append((key, emails))
    return tuple(out)


def _emails(reader: FieldReader, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, Sequence):
        reader.error(f"notify.{key}", "must be a list of email addresses")
        return ()
    emails = []
    for index, item in enumerate(value):
        text = item.strip() if isinstance(item, str) else ""
        if "@" not in text or any(c.isspace() for c in text):
            reader.error(f"notify.{key}[{index}]", f"'{item}' is not an email address")
        else:
            emails.append(text)
    return tuple(emails)
