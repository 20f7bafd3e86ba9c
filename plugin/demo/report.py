"""What the demo prints: numbered, ticked progress lines and the verdict as a terminal table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click


@dataclass
class Progress:
    step: int = 0
    title: str = ""

    def begin(self, title: str) -> None:
        self.step += 1
        self.title = title

    def ok(self, text: str) -> None:
        click.echo(f"{self.step:>2}. \u2713 {text}")

    def detail(self, text: str) -> None:
        click.echo(f"       {text}")


def label(value: Any) -> str:
    """A short name for an object of the API (interviewer, interview, competency...)."""
    if isinstance(value, Mapping):
        for key in ("name", "id", "competency", "rating", "interview"):
            if value.get(key):
                return str(value[key])
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _rating_text(value: Any) -> str:
    if isinstance(value, Mapping):
        rating = value.get("rating") or value.get("point") or value.get("value")
        return str(rating) if rating is not None else label(value)
    return str(value)


def render_table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join("    " + text.rstrip() for text in out)


def _competency_row(competency: Mapping[str, Any]) -> list[str]:
    ratings = competency.get("ratings") or []
    median = competency.get("median")
    return [
        str(competency.get("name") or competency.get("id")),
        str(competency.get("area") or ""),
        str(competency.get("verdict") or ""),
        str(competency.get("count") if competency.get("count") is not None else ""),
        "" if median is None else _rating_text(median),
        ", ".join(_rating_text(r) for r in ratings),
    ]


def verdict_report(verdict: Mapping[str, Any]) -> str:
    """The verdict as a terminal table, tolerant of extra fields."""
    rows = [_competency_row(competency) for competency in verdict.get("competencies") or []]
    text = [render_table(rows, ["Competency", "Area", "Verdict", "n", "Median", "Ratings"]), ""]
    recommendation = str(verdict.get("recommendation") or "?")
    text.append(f"    Recommendation: {recommendation.upper().replace('_', ' ')}")
    if verdict.get("rule"):
        text.append(f"    Rule: {verdict['rule']}")
    for key, title in (("splits", "Splits to discuss"), ("gaps", "Gaps (nobody assessed)")):
        items = verdict.get(key) or []
        text.append(f"    {title}: {', '.join(label(i) for i in items) if items else 'none'}")
    cards = verdict.get("scorecards")
    if isinstance(cards, Mapping):
        text.append(
            f"    Scorecards: {cards.get('submitted')} of {cards.get('expected')} submitted"
        )
    return "\n".join(text)
