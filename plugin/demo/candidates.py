"""The demo's pipeline: six more candidates on the demo job beside Jordan Avery (seed.py),
each with the ratings their interviewers give, so the job page, the calibration report and
the agreement figures have something to compare.

Ratings are listed per competency in the order the loop asks for the competency (the first
interview that assesses it gets the first entry); anything not listed gets the candidate's
``default``. Between them the candidates reach every recommendation under the default
hiring bar by clauses that do not hinge on how a split is read (two must-haves that need
focus; one; a must-have nobody could rate; every must-have outperforming), and two of them
are split on a must-have, for the debrief and the agreement figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SPEC, DATA = "functional-specification", "fluency-with-data"

# What an interviewer writes for a rating when the candidate's story gives nothing specific.
EVIDENCE = {
    "outperforming": "A specific, recent example beyond the level's scope: the candidate set "
    "the approach others followed and showed the measured result.",
    "on_track": "A specific, recent example at the scope expected for the level; the answers "
    "held up under follow-up questions.",
    "needs_focus": "Answers stayed general; when asked for a concrete example the candidate "
    "could not say what they had decided themselves or how they knew it worked.",
    "no_evidence": "The conversation went elsewhere; nothing I can rate for this one.",
}


@dataclass(frozen=True)
class PipelineCandidate:
    candidate_id: int
    application_id: int
    first_name: str
    last_name: str
    title: str
    company: str
    expected: str  # the recommendation the ratings lead to under the default hiring bar
    ratings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default: str = "on_track"
    notes: dict[str, str] = field(default_factory=dict)  # competency -> specific evidence

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.com".lower()

    def record(self) -> dict[str, Any]:
        """The candidate as the sandbox ATS keeps one (the shape of seed.CANDIDATE)."""
        return {
            "id": self.candidate_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "title": self.title,
            "company": self.company,
            "email": self.email,
        }

    def rating(self, competency: str, index: int) -> tuple[str, str]:
        """The ``index``-th rating of ``competency`` (in loop order) and its evidence."""
        listed = self.ratings.get(competency, ())
        point = listed[index] if index < len(listed) else self.default
        return point, self.notes.get(competency, EVIDENCE[point])


PIPELINE: tuple[PipelineCandidate, ...] = (
    PipelineCandidate(
        58002,
        69002,
        "Samira",
        "Okonkwo",
        "Group PM, Payouts",
        "Fieldstone Bank",
        "strong_yes",
        ratings={
            SPEC: ("outperforming", "outperforming"),
            DATA: ("outperforming", "outperforming"),
            "user-experience-design": ("outperforming",),
            "strategic-impact": ("outperforming",),
        },
        notes={
            SPEC: "Wrote the payouts spec with explicit non-goals, failure states and a "
            "rollout plan; engineering reused its template for the next two projects.",
            DATA: "Found the payout delay in the funnel by cohort and bank, sized it, and "
            "set the guardrail metric before proposing the fix.",
        },
    ),
    PipelineCandidate(
        58003,
        69003,
        "Riya",
        "Desai",
        "Senior PM, Onboarding",
        "Tally Systems",
        "no_decision",
        ratings={DATA: ("no_evidence", "no_evidence")},
    ),
    PipelineCandidate(
        58004,
        69004,
        "Lena",
        "Fischer",
        "PM, Merchant Tools",
        "Kestrel Commerce",
        "no",
        ratings={SPEC: ("needs_focus", "needs_focus"), DATA: ("on_track", "on_track")},
        notes={
            SPEC: "The spec outline had no non-goals or edge cases; scope was left to "
            "engineering to settle."
        },
    ),
    PipelineCandidate(
        58005,
        69005,
        "Marco",
        "Silva",
        "Product Owner, Cards",
        "Brightline Credit",
        "definitely_not",
        ratings={
            SPEC: ("needs_focus", "needs_focus"),
            DATA: ("needs_focus", "needs_focus"),
            "product-quality": ("needs_focus",),
        },
    ),
    PipelineCandidate(
        58006,
        69006,
        "Hana",
        "Kim",
        "Senior PM, Risk",
        "Northwind Pay",
        "no_decision",
        ratings={
            SPEC: ("needs_focus", "outperforming"),
            DATA: ("outperforming", "outperforming"),
        },
        notes={
            SPEC: "Strong on the written spec she brought from her last role; in the live "
            "exercise she skipped error states and non-goals."
        },
    ),
    PipelineCandidate(
        58007,
        69007,
        "Diego",
        "Alvarez",
        "Senior PM, Growth",
        "Parcel & Co",
        "no_decision",
        ratings={
            SPEC: ("on_track", "on_track"),
            DATA: ("outperforming", "needs_focus"),
            "voice-of-the-customer": ("outperforming",),
        },
        notes={
            DATA: "Fluent with the growth funnel he knew; on the payments case he picked a "
            "metric without checking its denominator."
        },
    ),
)


def overall(points: list[str]) -> str:
    """An interviewer's overall recommendation from their own ratings."""
    rated = [p for p in points if p != "no_evidence"]
    if not rated:
        return "no_decision"
    if "needs_focus" in rated:
        return "no" if rated.count("needs_focus") * 2 >= len(rated) else "yes"
    return "strong_yes" if rated.count("outperforming") * 2 > len(rated) else "yes"
