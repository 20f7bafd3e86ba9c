"""The development plan after the hire: the interview evidence turned into 30/60/90-day goals.

The seeds' fourth step ("Create Development Plan": gap, current, target, actions, timeline),
built mechanically from the verdict the hire was made on. Each competency in scope that the
interviews left open becomes a goal:

- ``needs_focus``: the verdict was needs focus;
- ``split``: the interviewers disagreed by two points (the competency's ``split`` flag; its
  verdict stays needs focus, on track or outperforming);
- ``not_assessed``: nobody rated it;
- ``thin``: one rating only, whatever it was.

A goal carries the next level's expectation from the framework (where the hire grows to),
the ratings and evidence that raised it, suggested actions built from the framework's
anchors at the hire's level, and a day (30, 60 or 90) to review it by. Pure: no Flask, no
SQLAlchemy; the plugin stores edited plans and serves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from scorecards.framework import NO_EVIDENCE, Competency, Framework

NEEDS_FOCUS, SPLIT, NOT_ASSESSED, THIN = "needs_focus", "split", "not_assessed", "thin"
REVIEW_DAYS = (30, 60, 90)
MAX_ACTIONS = 12
MAX_TEXT = 2000


class RatingLike(Protocol):
    @property
    def interviewer(self) -> str: ...
    @property
    def interview(self) -> str: ...
    @property
    def rating(self) -> str: ...
    @property
    def evidence(self) -> str: ...


class CompetencyLike(Protocol):
    """What a goal reads of a competency's verdict (scorecards.aggregation's
    ``CompetencyVerdict``): ``verdict`` is needs_focus, on_track, outperforming or
    not_assessed; ``split`` flags interviewers two points apart."""

    @property
    def id(self) -> str: ...
    @property
    def verdict(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def must_have(self) -> bool: ...
    @property
    def in_scope(self) -> bool: ...
    @property
    def split(self) -> bool: ...
    @property
    def ratings(self) -> Sequence[RatingLike]: ...


@dataclass(frozen=True)
class EvidenceItem:
    interviewer: str
    interview: str
    rating: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {
            "interviewer": self.interviewer,
            "interview": self.interview,
            "rating": self.rating,
            "text": self.text,
        }


@dataclass(frozen=True)
class Goal:
    competency: str
    name: str
    verdict: str
    expectation: str
    evidence: tuple[EvidenceItem, ...]
    actions: tuple[str, ...]
    by_day: int

    def to_dict(self) -> dict[str, Any]:
        """The contract's goal: exactly these keys."""
        return {
            "competency": self.competency,
            "verdict": self.verdict,
            "expectation": self.expectation,
            "evidence": [item.to_dict() for item in self.evidence],
            "actions": list(self.actions),
            "by_day": self.by_day,
        }


class PlanError(ValueError):
    """An edited plan that cannot be kept; ``field`` says where (``goals.2.by_day``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def goal_reason(competency: CompetencyLike) -> str | None:
    """Why the competency becomes a goal, most serious first; None when it does not."""
    if not competency.in_scope and competency.count == 0:
        return None
    if competency.verdict == NEEDS_FOCUS:
        return NEEDS_FOCUS
    if competency.split:
        return SPLIT
    if competency.verdict == NOT_ASSESSED or competency.count == 0:
        return NOT_ASSESSED
    if competency.count == 1:
        return THIN
    return None


def review_day(reason: str, must_have: bool) -> int:
    """When to review the goal: a must-have that needs focus, and what nobody saw, in the
    first month (the role needs it now; a plan needs a first read); other needs focus and
    splits by day 60; what rests on one rating, or a goal added for a settled competency, by
    day 90."""
    if reason == NEEDS_FOCUS:
        return 30 if must_have else 60
    if reason == NOT_ASSESSED:
        return 30
    if reason == SPLIT:
        return 60
    return 90


def next_level(framework: Framework, level: str) -> str:
    """The level after ``level`` (the top level stays itself; an unknown level is kept)."""
    if not framework.has_level(level):
        return level
    rank = framework.level_rank(level)
    return framework.levels[min(rank + 1, len(framework.levels) - 1)].id


def expectation_for(framework: Framework, competency: Competency, level: str) -> str:
    """The next level's expectation, else the hire level's, else the description."""
    for candidate in (next_level(framework, level), level):
        text = competency.expectations.get(candidate)
        if text:
            return text
    return competency.description


def _anchor(competency: Competency, level: str, point: str) -> str:
    return (competency.anchors.get(level) or {}).get(point, "")


def suggested_actions(
    competency: Competency, level: str, reason: str, by_day: int, ratings: Sequence[str]
) -> tuple[str, ...]:
    """Actions from the framework's anchors at the hire's level: what on track looks like is
    the bar every goal is checked against."""
    name = competency.name
    on_track = _anchor(competency, level, "on_track")
    bar = f" What on track looks like: {on_track}" if on_track else ""
    if reason == NEEDS_FOCUS:
        first = f"Pick a piece of real work in the first weeks that exercises {name}.{bar}"
        second = "Say what the interviews saw and agree with your manager what would show it "
        second += "has changed."
    elif reason == SPLIT:
        seen = " and ".join(sorted({r.replace("_", " ") for r in ratings})) or "both ways"
        first = f"The interviewers saw {seen}: read their evidence together and agree which "
        first += "reading the first weeks' work bears out."
        second = f"Have your manager observe {name} in real work.{bar}"
    elif reason == NOT_ASSESSED:
        first = f"Nobody assessed {name} in the interviews: get a first read in the first "
        first += f"month, on real work.{bar}"
        second = "Turn that read into a goal of its own if it falls short."
    elif reason == THIN:
        rating = ratings[0].replace("_", " ") if ratings else "one rating"
        first = f"One interviewer's rating ({rating}) is the only evidence: confirm it with a "
        first += f"second observation.{bar}"
        second = "Ask a peer who works with you on it for specific feedback."
    else:  # a settled competency the hiring manager chose to develop further
        stretch = _anchor(competency, level, "outperforming")
        first = f"Build on {name}." + (
            f" What outperforming looks like: {stretch}" if stretch else ""
        )
        second = "Agree with your manager which piece of work will show it."
    return (first, second, f"Review it with your manager by day {by_day}.")


def _evidence(competency: CompetencyLike) -> tuple[EvidenceItem, ...]:
    return tuple(
        EvidenceItem(r.interviewer, r.interview, r.rating, r.evidence or "")
        for r in competency.ratings
        if r.rating != NO_EVIDENCE or r.evidence
    )


def build_goal(
    framework: Framework, level: str, verdict: CompetencyLike, reason: str | None = None
) -> Goal:
    """The goal for one competency; ``reason`` defaults to why it is one (or its verdict, for
    a goal the hiring manager added)."""
    competency = framework.competency(verdict.id)
    why = reason or goal_reason(verdict) or verdict.verdict
    day = review_day(why, verdict.must_have)
    rated = [r.rating for r in verdict.ratings if r.rating != NO_EVIDENCE]
    return Goal(
        competency=competency.id,
        name=competency.name,
        verdict=why,
        expectation=expectation_for(framework, competency, level),
        evidence=_evidence(verdict),
        actions=suggested_actions(competency, level, why, day, rated),
        by_day=day,
    )


def build_plan(
    framework: Framework, level: str, competencies: Iterable[CompetencyLike]
) -> tuple[Goal, ...]:
    """One goal per competency the interviews left open, by review day, then in the
    framework's order."""
    goals = [
        build_goal(framework, level, verdict, reason)
        for verdict in competencies
        if (reason := goal_reason(verdict)) is not None
    ]
    order = {c.id: i for i, c in enumerate(framework.competencies)}
    return tuple(sorted(goals, key=lambda g: (g.by_day, order.get(g.competency, 0))))


def edit_plan(
    framework: Framework,
    level: str,
    competencies: Iterable[CompetencyLike],
    edits: Sequence[Mapping[str, Any]],
) -> tuple[Goal, ...]:
    """The plan as the hiring manager edited it: per goal the competency, ``actions`` and
    ``by_day`` (and optionally ``expectation``); the verdict and the evidence stay the
    interviews' own. ``PlanError`` names the first field at fault."""
    by_id = {c.id: c for c in competencies}
    goals: list[Goal] = []
    seen: set[str] = set()
    for index, edit in enumerate(edits):
        where = f"goals.{index}"
        if not isinstance(edit, Mapping):
            raise PlanError(where, "must be an object")
        cid = framework.resolve(str(edit.get("competency") or ""))
        if cid is None:
            raise PlanError(f"{where}.competency", "unknown competency")
        if cid in seen:
            raise PlanError(f"{where}.competency", "has a goal already")
        seen.add(cid)
        goals.append(_edited_goal(framework, level, by_id.get(cid), cid, edit, where))
    return tuple(goals)


def _edited_goal(
    framework: Framework,
    level: str,
    verdict: CompetencyLike | None,
    cid: str,
    edit: Mapping[str, Any],
    where: str,
) -> Goal:
    if verdict is not None:
        built = build_goal(framework, level, verdict)
    else:  # outside the verdict (not in the loop's scope): a goal without evidence
        competency = framework.competency(cid)
        expectation = expectation_for(framework, competency, level)
        built = Goal(cid, competency.name, NOT_ASSESSED, expectation, (), (), 90)
    by_day = edit.get("by_day", built.by_day)
    if isinstance(by_day, bool) or by_day not in REVIEW_DAYS:
        raise PlanError(f"{where}.by_day", "must be 30, 60 or 90")
    actions = edit.get("actions", list(built.actions))
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise PlanError(f"{where}.actions", "must be a list of strings")
    kept = tuple(a.strip() for a in actions if a.strip())
    if len(kept) > MAX_ACTIONS or any(len(a) > MAX_TEXT for a in kept):
        raise PlanError(f"{where}.actions", f"at most {MAX_ACTIONS} of {MAX_TEXT} characters")
    expectation = edit.get("expectation", built.expectation)
    if not isinstance(expectation, str) or len(expectation) > MAX_TEXT:
        raise PlanError(f"{where}.expectation", f"must be text of at most {MAX_TEXT} characters")
    return Goal(
        built.competency,
        built.name,
        built.verdict,
        expectation.strip(),
        built.evidence,
        kept,
        int(by_day),
    )


def goal_from_dict(framework: Framework, data: Mapping[str, Any]) -> Goal:
    """A stored goal (its ``to_dict``) back as a Goal, named by the framework."""
    cid = str(data.get("competency"))
    known = framework.resolve(cid)
    name = framework.competency(known).name if known else cid
    return Goal(
        competency=cid,
        name=name,
        verdict=str(data.get("verdict") or ""),
        expectation=str(data.get("expectation") or ""),
        evidence=tuple(
            EvidenceItem(
                str(e.get("interviewer") or ""),
                str(e.get("interview") or ""),
                str(e.get("rating") or ""),
                str(e.get("text") or ""),
            )
            for e in data.get("evidence") or []
        ),
        actions=tuple(str(a) for a in data.get("actions") or []),
        by_day=int(data.get("by_day") or 90),
    )


def plan_text(candidate: str, goals: Sequence[Goal]) -> str:
    """The plan as plain text (the ATS note, the text variant)."""
    lines = [f"Development plan for {candidate}: 30/60/90 days"]
    if not goals:
        lines.append("No goals: the interviews left nothing open.")
    for day in REVIEW_DAYS:
        due = [g for g in goals if g.by_day == day]
        if not due:
            continue
        lines += ["", f"By day {day}:"]
        for goal in due:
            label = goal.verdict.replace("_", " ")
            lines.append(f"- {goal.name} ({label})")
            if goal.expectation:
                lines.append(f"  Expectation: {goal.expectation}")
            lines += [f"  * {action}" for action in goal.actions]
    return "\n".join(lines)
