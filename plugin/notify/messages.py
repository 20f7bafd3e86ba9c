"""What each message says: subjects here, bodies in ``plugin/templates/email/`` (a plain-text
and an HTML part per kind, plus a one-line Slack text where the kind goes to Slack).

The builders take plain facts (no database objects), so a message can be rendered and
checked on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import render_template

from scorecards.scale import RECOMMENDATION_LABELS


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    chat: str | None = None


@dataclass(frozen=True)
class Competency:
    id: str
    name: str


@dataclass(frozen=True)
class InterviewFacts:
    """One assignment as an interviewer or a recruiter reads about it."""

    candidate: str
    job: str
    interview: str
    stage: str
    interviewer: str
    interviewer_email: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    competencies: tuple[Competency, ...] = ()
    level: str | None = None
    url: str | None = None  # the interviewer's own link (never in a recruiter's message)
    review_url: str | None = None
    messages_url: str | None = None


@dataclass(frozen=True)
class VerdictFacts:
    candidate: str
    job: str
    recommendation: str
    rule: str
    splits: tuple[Competency, ...]
    gaps: tuple[Competency, ...]
    submitted: int
    expected: int
    review_url: str
    previous_recommendation: str | None = None
    verdicts: tuple[tuple[Competency, str], ...] = field(default_factory=tuple)


def when(moment: datetime | None) -> str:
    """'Tue 3 Mar 2026, 14:00 UTC', or an empty string when unknown."""
    if moment is None:
        return ""
    return moment.strftime("%a %-d %b %Y, %H:%M UTC")


def recommendation_label(value: str | None) -> str:
    if value is None:
        return "none"
    return RECOMMENDATION_LABELS.get(value, value.replace("_", " "))


def slack_escape(value: object) -> str:
    """A value as Slack's text shows it literally: ``&``, ``<`` and ``>`` escaped, so a
    candidate named ``<!channel>`` or ``<https://evil.example|re-login>`` pings nobody and
    links nowhere (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str | None) -> str:
    """Our own address as a Slack link (escaped inside the brackets), or nothing."""
    return f"<{slack_escape(url)}>" if url else ""


def _render(name: str, **context: object) -> tuple[str, str]:
    context = {**context, "when": when, "recommendation_label": recommendation_label}
    return (
        render_template(f"email/{name}.txt", **context),
        render_template(f"email/{name}.html", **context),
    )


def link_message(facts: InterviewFacts) -> Rendered:
    text, html = _render("link", f=facts)
    subject = f"Your interview with {facts.candidate} - {facts.interview}"
    if facts.starts_at:
        subject += f" ({when(facts.starts_at)})"
    return Rendered(subject=subject, text=text, html=html)


def reminder_message(facts: InterviewFacts, number: int, hours_late: float) -> Rendered:
    text, html = _render("reminder", f=facts, number=number, hours_late=round(hours_late))
    prefix = "Reminder" if number == 1 else "Second reminder"
    subject = f"{prefix} - your scorecard for {facts.candidate} ({facts.interview}) is waiting"
    return Rendered(subject=subject, text=text, html=html)


def escalation_message(facts: InterviewFacts, hours_late: float) -> Rendered:
    text, html = _render("escalation", f=facts, hours_late=round(hours_late))
    subject = (
        f"Late scorecard - {facts.interviewer} for {facts.candidate} ({facts.interview}), "
        f"{round(hours_late)} h after the interview"
    )
    e = slack_escape
    chat = (
        f":hourglass: Late scorecard: {e(facts.interviewer)} has not submitted for "
        f"{e(facts.candidate)} ({e(facts.interview)}, {e(facts.job)}), {round(hours_late)} h "
        f"after the interview. {slack_link(facts.review_url)}"
    ).strip()
    return Rendered(subject=subject, text=text, html=html, chat=chat)


def verdict_message(facts: VerdictFacts) -> Rendered:
    text, html = _render("verdict", v=facts)
    label = recommendation_label(facts.recommendation)
    if facts.previous_recommendation is None:
        subject = f"Verdict ready for {facts.candidate} ({facts.job}) - {label}"
    else:
        subject = f"Verdict changed for {facts.candidate} ({facts.job}) - {label}"
    parts = [f":clipboard: {slack_escape(subject)}."]
    if facts.splits:
        parts.append("Splits: " + ", ".join(slack_escape(c.name) for c in facts.splits) + ".")
    if facts.gaps:
        parts.append("Gaps: " + ", ".join(slack_escape(c.name) for c in facts.gaps) + ".")
    parts.append(slack_link(facts.review_url))
    return Rendered(subject=subject, text=text, html=html, chat=" ".join(parts))
