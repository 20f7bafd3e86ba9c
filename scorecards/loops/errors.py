"""Why a loop document cannot be used, each problem at its dotted path, with a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scorecards.framework import Framework, normalise_key


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
