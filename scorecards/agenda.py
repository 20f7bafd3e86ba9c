"""Which questions an interview asks and how its minutes are spent.

Shared by the guides (which print the plan) and the loop lint (``over_time``: the essential
content does not fit the interview's length), so both count minutes the same way.

The choice is by level (a question's ``levels: {min, max}``) and format (questions whose first
format is the interview's lead, then those tagged with it, then the rest), varied between
interviews by a stable hash of the loop and interview, so the guide for one interview never
changes while another interview of the same format opens with a different question.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from scorecards.framework import Framework, Question

DEFAULT_INTERVIEW_MINUTES = 45
MIN_INTERVIEW_MINUTES = 15
MAX_INTERVIEW_MINUTES = 240
INTRODUCTION_MINUTES = 5
CLOSE_MINUTES = 5  # the candidate's questions
MAX_QUESTIONS = 3  # per competency: depth on a few beats a tour of many
OPENING_QUESTION_ID = "product-you-love"
OPENING_FORMAT = "product-sense"


@dataclass(frozen=True)
class Plan:
    """The opening (if the format has one) and, per focus competency, the chosen questions."""

    opening: Question | None
    questions: tuple[tuple[str, tuple[Question, ...]], ...]
    minutes: int  # the interview's length

    @property
    def used(self) -> int:
        opening = self.opening.minutes if self.opening else 0
        asked = sum(q.minutes for _, chosen in self.questions for q in chosen)
        return INTRODUCTION_MINUTES + opening + asked + CLOSE_MINUTES

    @property
    def spare(self) -> int:
        return max(0, self.minutes - self.used)


def opening_question(framework: Framework, format_id: str | None) -> Question | None:
    """The product-you-love prompt opens product-sense interviews (else any question whose
    first format is product-sense, for frameworks without that prompt)."""
    if format_id != OPENING_FORMAT:
        return None
    questions = [q for c in framework.competencies for q in c.questions]
    found = next((q for q in questions if q.id == OPENING_QUESTION_ID), None)
    return found or next((q for q in questions if OPENING_FORMAT in q.formats[:1]), None)


def candidates(
    framework: Framework,
    competency_id: str,
    level_id: str,
    format_id: str | None,
    seed: str,
    skip: frozenset[str] = frozenset(),
) -> list[Question]:
    """The questions asked at this level, in the order the plan prefers them."""
    eligible = [q for q in framework.questions_at(competency_id, level_id) if q.id not in skip]
    groups: tuple[list[Question], ...] = ([], [], [])
    for question in eligible:
        if format_id and question.formats[:1] == (format_id,):
            groups[0].append(question)
        elif format_id and format_id in question.formats:
            groups[1].append(question)
        else:
            groups[2].append(question)
    return [q for group in groups for q in _rotate(group, f"{seed}|{competency_id}")]


def _rotate(items: list[Question], seed: str) -> list[Question]:
    if len(items) < 2:
        return items
    offset = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(items)
    return items[offset:] + items[:offset]


def essential_minutes(
    framework: Framework, level_id: str, format_id: str | None, competencies: Sequence[str]
) -> int:
    """Introductions, the opening, the shortest question of each focus competency, the close."""
    opening = opening_question(framework, format_id)
    skip = frozenset({opening.id}) if opening else frozenset()
    shortest = 0
    for competency_id in competencies:
        minutes = [
            q.minutes for q in framework.questions_at(competency_id, level_id) if q.id not in skip
        ]
        shortest += min(minutes, default=0)
    return INTRODUCTION_MINUTES + (opening.minutes if opening else 0) + shortest + CLOSE_MINUTES


def plan_interview(
    framework: Framework,
    level_id: str,
    format_id: str | None,
    competencies: Sequence[str],
    minutes: int,
    seed: str,
) -> Plan:
    """One lead question per competency (shorter ones swapped in until the plan fits), then
    more questions in turn while the minutes last, up to ``MAX_QUESTIONS`` each."""
    opening = opening_question(framework, format_id)
    skip = frozenset({opening.id}) if opening else frozenset()
    ordered = {c: candidates(framework, c, level_id, format_id, seed, skip) for c in competencies}
    fixed = INTRODUCTION_MINUTES + CLOSE_MINUTES + (opening.minutes if opening else 0)
    leads = {c: qs[0] for c, qs in ordered.items() if qs}
    _shorten(leads, ordered, format_id, minutes - fixed)
    chosen = {c: [leads[c]] if c in leads else [] for c in competencies}
    remaining = minutes - fixed - sum(q.minutes for q in leads.values())
    for _ in range(MAX_QUESTIONS - 1):
        for competency_id in competencies:
            extra = next(
                (
                    q
                    for q in ordered[competency_id]
                    if q not in chosen[competency_id] and q.minutes <= remaining
                ),
                None,
            )
            if extra is not None:
                chosen[competency_id].append(extra)
                remaining -= extra.minutes
    return Plan(opening, tuple((c, tuple(chosen[c])) for c in competencies), minutes)


def _shorten(
    leads: dict[str, Question],
    ordered: dict[str, list[Question]],
    format_id: str | None,
    budget: int,
) -> None:
    """Swap leads for their competency's shortest question, those not written for the format
    first and the longest first, until the leads fit (or nothing shorter is left)."""

    def order(competency_id: str) -> tuple[int, int]:
        lead = leads[competency_id]
        return (0 if lead.formats[:1] != (format_id,) else 1, -lead.minutes)

    for competency_id in sorted(leads, key=order):
        if sum(q.minutes for q in leads.values()) <= budget:
            return
        leads[competency_id] = min(ordered[competency_id], key=lambda q: q.minutes)
