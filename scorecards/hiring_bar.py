"""The hiring bar: the thresholds that turn per-competency verdicts into a recommendation.

The default, checked in this order: definitely_not when 2 or more must-haves are
needs_focus; no when 1 must-have is needs_focus or 3 or more competencies are; no_decision
when a must-have is not assessed; strong_yes when every must-have is outperforming with at
least 2 ratings each and no competency is needs_focus; otherwise yes. A loop without
must-haves skips the must-have clauses (and so is never strong_yes by them). A loop may set
its own thresholds with ``hiring_bar:`` in its file; every setting keeps the bar monotone
(docs/verdicts.md). ``no_decision_on_unsettled_must_have`` keeps its name from the old bar,
where a split must-have was unsettled too; now only a must-have nobody assessed is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

# Which bar a recorded verdict was computed under: 1, the bar before issue 16 (a split
# must-have decided no_decision, the lower middle of an even count was the verdict, one
# rating could carry strong_yes); 2, the monotone bar (docs/verdicts.md).
OLD_BAR_VERSION = 1
BAR_VERSION = 2


class HiringBarError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"hiring_bar.{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class HiringBar:
    definitely_not_must_haves_needs_focus: int = 2
    no_must_haves_needs_focus: int = 1
    no_competencies_needs_focus: int = 3
    no_decision_on_unsettled_must_have: bool = True
    strong_yes_needs_all_must_haves_outperforming: bool = True
    strong_yes_min_ratings_per_must_have: int = 2

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> HiringBar:
        if not data:
            return cls()
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise HiringBarError(str(key), f"unknown setting (known: {', '.join(known)})")
            expected = bool if known[key].type in ("bool", bool) else int
            whole = isinstance(value, int) and not isinstance(value, bool)
            if expected is int and (not whole or value < 1):
                raise HiringBarError(key, "must be a whole number of at least 1")
            if expected is bool and not isinstance(value, bool):
                raise HiringBarError(key, "must be true or false")
            values[key] = value
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def is_default(self) -> bool:
        return self == HiringBar()
