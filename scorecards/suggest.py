"""Suggest a format and focus competencies for an ATS interview from its name and kit.

The framework's ``formats`` table (the seeds' interview-format table: spec-writing exercise ->
Functional Specification, analytics case -> Fluency with Data, ...) lists keywords per format.
Keywords match whole words only ("spec" matches "Spec review" and "specs", never
"perspective"), the interview's name counts more than its kit questions, and an interview
nothing matches stays unmapped: a wrong suggestion costs the recruiter more than none.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from scorecards.framework import Framework, InterviewFormat, normalise_key

NAME_WEIGHT = 3
QUESTION_WEIGHT = 1
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Suggestion:
    format: str | None
    format_name: str | None
    competencies: tuple[str, ...]
    confidence: float  # 0 (no idea) to 1 (the name says it outright)
    reason: str
    alternatives: tuple[str, ...] = ()
    dropped: tuple[str, ...] = field(default=())  # format competencies above the level

    @property
    def mapped(self) -> bool:
        return self.format is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "format_name": self.format_name,
            "competencies": list(self.competencies),
            "confidence": self.confidence,
            "reason": self.reason,
            "alternatives": list(self.alternatives),
        }


@lru_cache(maxsize=512)
def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Whole words, any run of spaces/hyphens/underscores between them, an optional plural."""
    words = [re.escape(w) for w in re.split(r"[\s\-_]+", keyword.strip().lower()) if w]
    body = r"[\s\-_/]+".join(words)
    return re.compile(rf"(?<![a-z0-9]){body}(?:s|es)?(?![a-z0-9])")


def clean_text(text: str) -> str:
    """Kit questions may carry basic HTML; match on the words."""
    return html.unescape(_TAGS.sub(" ", text)).lower()


@dataclass
class _Score:
    fmt: InterviewFormat
    points: int = 0
    name_hits: list[str] = field(default_factory=list)
    question_hits: list[str] = field(default_factory=list)


def _hits(fmt: InterviewFormat, text: str) -> list[str]:
    terms = dict.fromkeys(
        kw.strip().lower() for kw in (*fmt.keywords, fmt.name, fmt.id.replace("-", " ")) if kw
    )
    hits = [kw for kw in terms if keyword_pattern(kw).search(text)]
    # A longer keyword that matched covers the shorter ones inside it ("strategy case" >
    # "strategy"), so each part of the name counts once.
    return [kw for kw in hits if not any(kw != other and kw in other for other in hits)]


def suggest_interview(
    framework: Framework,
    name: str,
    questions: Iterable[str] = (),
    level: str | None = None,
) -> Suggestion:
    """The best-matching format for one interview, or an unmapped suggestion with the reason."""
    name_text = clean_text(name)
    question_texts = [clean_text(q) for q in questions if q and q.strip()]
    named = _format_named(framework, name)
    if named is not None:
        reason = f"The interview's name is the format '{named.name}'."
        return _finish(framework, named, level, 0.95, reason, ())
    scores = _ranked_scores(framework, name_text, question_texts)
    if not scores:
        where = "name or kit questions" if question_texts else "name"
        return _unmapped(
            f"No interview-format keyword in the {where}; choose the format and competencies "
            "by hand."
        )
    best, runners_up = scores[0], scores[1:]
    if runners_up and not best.name_hits and runners_up[0].points == best.points:
        tied = " and ".join(f"'{s.fmt.name}'" for s in scores if s.points == best.points)
        return _unmapped(
            f"The kit questions fit {tied} equally and the name says nothing; choose by hand.",
            tuple(s.fmt.id for s in scores),
        )
    confidence, reason = _best_match(best)
    if runners_up:
        if runners_up[0].points == best.points:
            confidence = min(confidence, 0.5)
        else:
            confidence = round(confidence - 0.15, 2)
        reason += " Also matched: " + ", ".join(s.fmt.name for s in runners_up) + "."
    others = tuple(s.fmt.id for s in runners_up)
    return _finish(framework, best.fmt, level, confidence, reason, others)


def _format_named(framework: Framework, name: str) -> InterviewFormat | None:
    """The format the interview is named after outright ("Product sense"), if any."""
    folded = normalise_key(name)
    return next(
        (fmt for fmt in framework.formats if folded in (fmt.id, normalise_key(fmt.name))), None
    )


def _ranked_scores(
    framework: Framework, name_text: str, question_texts: Sequence[str]
) -> list[_Score]:
    """The formats any keyword matched, best first: most points, then most name hits."""
    scores: list[_Score] = []
    for fmt in framework.formats:
        score = _Score(fmt)
        score.name_hits = _hits(fmt, name_text)
        for text in question_texts:
            score.question_hits.extend(_hits(fmt, text))
        # Multi-word keywords are more specific, so each word counts.
        score.points = sum(NAME_WEIGHT * len(kw.split()) for kw in score.name_hits) + sum(
            QUESTION_WEIGHT * len(kw.split()) for kw in score.question_hits
        )
        if score.points:
            scores.append(score)
    scores.sort(key=lambda s: (-s.points, -len(s.name_hits)))
    return scores


def _best_match(best: _Score) -> tuple[float, str]:
    """Confidence in the best format before runners-up are considered, and the reason."""
    if best.name_hits:
        confidence = 0.9 if any(" " in kw for kw in best.name_hits) else 0.8
        words = ", ".join(f"'{kw}'" for kw in best.name_hits)
        return (
            confidence,
            f"The name mentions {words}, which points to the format '{best.fmt.name}'.",
        )
    distinct = sorted(set(best.question_hits))
    confidence = 0.5 if len(best.question_hits) >= 2 else 0.35
    words = ", ".join(f"'{kw}'" for kw in distinct)
    return confidence, (
        f"The name says nothing about the format, but the kit questions mention {words}, "
        f"which points to the format '{best.fmt.name}'."
    )


def _unmapped(reason: str, alternatives: tuple[str, ...] = ()) -> Suggestion:
    """A wrong suggestion costs the recruiter more than none: leave the interview unmapped."""
    return Suggestion(None, None, (), 0.0, reason, alternatives)


def _finish(
    framework: Framework,
    fmt: InterviewFormat,
    level: str | None,
    confidence: float,
    reason: str,
    alternatives: Sequence[str],
) -> Suggestion:
    competencies = tuple(c for c in fmt.competencies if framework.resolve(c))
    dropped: tuple[str, ...] = ()
    if level is not None and framework.has_level(level):
        in_scope = {c.id for c in framework.in_scope(level)}
        dropped = tuple(c for c in competencies if c not in in_scope)
        competencies = tuple(c for c in competencies if c in in_scope)
        if dropped:
            names = ", ".join(framework.competency(c).name for c in dropped)
            reason += f" Left out {names}: not expected at this level."
    return Suggestion(
        fmt.id, fmt.name, competencies, round(confidence, 2), reason, tuple(alternatives), dropped
    )


def suggest_stages(
    framework: Framework, stages: Sequence[Mapping[str, Any]], level: str | None = None
) -> list[dict[str, Any]]:
    """Stages as the API takes them ({name, ats_stage_id, interviews: [{name, ats_interview_id,
    questions}]}) with a suggestion per interview, and its format and competencies filled in
    where one was found."""
    out: list[dict[str, Any]] = []
    for stage in stages:
        interviews: list[dict[str, Any]] = []
        for interview in stage.get("interviews") or []:
            questions = [str(q) for q in interview.get("questions") or []]
            suggestion = suggest_interview(
                framework, str(interview.get("name") or ""), questions, level
            )
            interviews.append(
                {
                    "name": interview.get("name"),
                    "ats_interview_id": _id(interview.get("ats_interview_id")),
                    "format": suggestion.format,
                    "competencies": list(suggestion.competencies),
                    "suggestion": suggestion.to_dict(),
                }
            )
        out.append(
            {
                "name": stage.get("name"),
                "ats_stage_id": _id(stage.get("ats_stage_id")),
                "interviews": interviews,
            }
        )
    return out


def _id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
