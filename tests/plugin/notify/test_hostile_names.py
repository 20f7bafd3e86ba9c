"""A candidate's name is data, never markup or headers: Slack text is escaped by Slack's
rules for every value, and email headers cannot gain a line."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes

from flask import Flask

from plugin.notify.messages import (
    Competency,
    InterviewFacts,
    VerdictFacts,
    escalation_message,
    verdict_message,
)
from plugin.notify.transports import OutgoingEmail, build_email, display_address

HOSTILE = "<!channel> <https://evil.example|re-login> & co"


def interview(**overrides: object) -> InterviewFacts:
    fields: dict[str, object] = {
        "candidate": HOSTILE,
        "job": "Senior PM <!here>",
        "interview": "Case <@U123>",
        "stage": "Onsite",
        "interviewer": "Bob <!everyone>",
        "interviewer_email": "bob@example.com",
        "starts_at": datetime(2026, 3, 3, 14, tzinfo=UTC),
        "ends_at": None,
        "review_url": "http://hireloop.test/review/applications/1?a=1&b=2",
    }
    fields.update(overrides)
    return InterviewFacts(**fields)  # type: ignore[arg-type]


def assert_inert(chat: str) -> None:
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<https://evil.example"):
        assert raw not in chat
    assert "&lt;!channel&gt; &lt;https://evil.example|re-login&gt; &amp; co" in chat
    # The only bracketed link left is hireloop's own address.
    assert chat.count("<") == 1 and "<http://hireloop.test/review/applications/1" in chat


def test_the_escalation_chat_escapes_every_value(app: Flask) -> None:
    with app.test_request_context():
        chat = escalation_message(interview(), 30).chat
    assert chat is not None
    assert_inert(chat)
    assert "Bob &lt;!everyone&gt;" in chat and "Senior PM &lt;!here&gt;" in chat


def test_the_verdict_chat_escapes_every_value(app: Flask) -> None:
    facts = VerdictFacts(
        candidate=HOSTILE,
        job="Senior PM <!here>",
        recommendation="yes",
        rule="r",
        splits=(Competency("a", "Split <@U123>"),),
        gaps=(Competency("b", "Gap <!everyone>"),),
        submitted=4,
        expected=4,
        review_url="http://hireloop.test/review/applications/1?a=1&b=2",
    )
    with app.test_request_context():
        chat = verdict_message(facts).chat
    assert chat is not None
    assert_inert(chat)


def test_email_headers_cannot_gain_a_line() -> None:
    email = OutgoingEmail(
        to=(display_address("Eve\r\nBcc: victim@example.com", "eve@example.com"),),
        subject="Interview with Ada\r\nBcc: attacker@example.com\r\n\r\nbody",
        text="text",
        html="<p>html</p>",
        message_id="<1@hireloop.test>",
        headers={"X-Hireloop-Kind": "link\nBcc: x@example.com"},
    )
    raw = build_email(email, "hireloop@example.com").as_bytes()
    parsed = message_from_bytes(raw)
    assert parsed["Bcc"] is None
    assert parsed["Subject"].startswith("Interview with Ada  Bcc: attacker@example.com")
    assert "\n" not in parsed["To"] and "Bcc" not in parsed
