"""The four interviewers fill in and submit their scorecards with their link tokens, in the
loop's interview order, with the sample evidence for each competency."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugin.demo.client import Api
from plugin.demo.loops import competencies_from_loop, loop_interviews
from plugin.demo.report import Progress, label
from plugin.demo.sandbox import seed as sample


def submit_all(
    api: Api, loop: Mapping[str, Any], assignments: list[dict[str, Any]], progress: Progress
) -> None:
    used: dict[str, int] = {}  # per competency, how much of its evidence bank is used
    for number, assignment in enumerate(_in_loop_order(loop, assignments)):
        token = str(assignment["token"])
        card = api.call("GET", "/api/scorecard", token)
        competencies = [str(c["id"]) for c in card.get("competencies") or [] if "id" in c]
        if not competencies:
            competencies = competencies_from_loop(loop, assignment)
        ratings = _ratings(competencies, used)
        body = {
            "ratings": ratings,
            "recommendation": sample.RECOMMENDATIONS[number % len(sample.RECOMMENDATIONS)],
            "notes": sample.TAKEAWAYS[number % len(sample.TAKEAWAYS)],
            "submit": True,
        }
        api.call("PUT", "/api/scorecard", token, expect=(200, 201), json=body)
        who = label(assignment.get("interviewer"))
        summary = ", ".join(f"{c} {r['rating']}" for c, r in ratings.items())
        progress.ok(f"{who} submitted '{label(assignment.get('interview'))}'")
        progress.detail(summary)


def _in_loop_order(
    loop: Mapping[str, Any], assignments: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    order = {}
    for position, interview in enumerate(loop_interviews(loop)):
        for key in (interview.get("ats_interview_id"), interview.get("name")):
            if key is not None:
                order[str(key)] = position
    return sorted(assignments, key=lambda a: order.get(label(a.get("interview")), len(order)))


def _ratings(competencies: list[str], used: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The next unused sample rating and evidence for each competency."""
    ratings = {}
    for competency in competencies:
        bank = sample.EVIDENCE.get(competency, [])
        index = used.get(competency, 0)
        used[competency] = index + 1
        rating, evidence = bank[index] if index < len(bank) else sample.DEFAULT_EVIDENCE
        ratings[competency] = {"rating": rating, "evidence": evidence}
    return ratings
