"""The question guide as the interviewer's page shows it: the loops engine's guide for the
interview (headings moved below the page's own), the rubrics cases and exercises are rated
against, and the framework's questions where no guide can be built."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from plugin.scorecards.service import InterviewContext
from scorecards.guides import Guide, GuideError, build_guide, guide_to_html

HEADING = re.compile(r"<(/?)h([1-6])\b")


def demote_headings(html: str) -> str:
    """The guide fragment starts at <h1>; inside this page it sits below the page's <h1>."""
    return HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", html)


def guide(ctx: InterviewContext) -> Guide | None:
    if ctx.framework is None or ctx.loop_spec is None:
        return None
    try:
        return build_guide(ctx.framework, ctx.loop_spec, ctx.assignment.interview_key)
    except (GuideError, LookupError, StopIteration):
        return None


def guide_html(guide: Guide | None) -> Markup | None:
    """The loops engine's question guide for this interview (its printable scorecard part is
    hidden here: the form below is the scorecard)."""
    if guide is None:
        return None
    return Markup(demote_headings(guide_to_html(guide, standalone=False)))


def room_rubrics(guide: Guide | None) -> dict[str, tuple[str, Mapping[str, str]]]:
    """Cases and exercises are rated on what happened in the room: per competency the lead
    question and its rubric, shown in the form instead of the past-experience anchors."""
    out: dict[str, tuple[str, Mapping[str, str]]] = {}
    for item in guide.competencies if guide else ():
        lead = item.questions[0] if item.questions else None
        if item.rate_against == "rubric" and lead is not None and lead.rubric:
            out[item.id] = (lead.text, lead.rubric)
    return out


def fallback_questions(ctx: InterviewContext) -> list[dict[str, Any]]:
    """Questions straight from the framework, those of the interview's format first (and only
    those written for the level, when it is known)."""
    framework = ctx.framework
    if framework is None:
        return []
    sections = []
    for card in ctx.competencies:
        questions = framework.competency(card.id).questions
        if ctx.level and framework.has_level(ctx.level):
            questions = tuple(q for q in questions if framework.fits_level(q, ctx.level))
        fitting = [q for q in questions if ctx.interview_format in q.formats]
        sections.append({"card": card, "questions": fitting or list(questions)})
    return sections
