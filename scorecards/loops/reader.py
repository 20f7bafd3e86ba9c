"""Reading single fields of a loop document, collecting every problem instead of stopping.

``FieldReader`` is the parser's memory: each read either returns a usable value or records a
``LoopIssue`` at the field's dotted path and returns a harmless default, so one pass over a
document reports all of its problems at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from scorecards.framework import Framework, normalise_key
from scorecards.loops.errors import LoopIssue, competency_hint, did_you_mean
from scorecards.loops.spec import AliasUse


def as_text(value: Any) -> str | None:
    """Strings as given; ATS ids written as YAML numbers become text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None


def as_positive(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        return None
    return number


def is_list(value: Any) -> bool:
    """A YAML/JSON list: a string is a Sequence too, but never a list of items here."""
    return isinstance(value, Sequence) and not isinstance(value, str)


class FieldReader:
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
        text = as_text(value)
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
        text = as_text(value)
        if text is None:
            self.error(f"{path}.{key}", "must be text or a whole number")
        return text or None

    def competency(
        self, value: Any, path: str, stage: str | None = None, interview: str | None = None
    ) -> str | None:
        text = as_text(value)
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
        if not is_list(value):
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
        text = as_text(value)
        if not text:
            self.error(path, "must be text")
            return None
        key = normalise_key(text)
        for fmt in self.framework.formats:
            if key in (fmt.id, normalise_key(fmt.name)):
                return fmt.id
        return key  # formats are open: an unknown one is a lint warning, not an error
