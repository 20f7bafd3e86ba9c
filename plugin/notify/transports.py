"""The ways a message leaves hireloop: SMTP (the standard library's ``smtplib``) and,
optionally, a Slack incoming webhook.

Each send is one attempt; the outbox decides on retries. Errors are ``TransportError`` with
``retryable`` (try again later can help) and ``uncertain`` (the message may have gone out:
the connection dropped after the data was handed over). An SMTP message carries a Message-ID
fixed by its outbox key, so a send repeated after an uncertain failure is the same message
to every mail system that de-duplicates on it.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formataddr, formatdate, parseaddr
from typing import Any, Protocol

import requests

from plugin.ats.http import parse_retry_after
from plugin.core.config import setting, text_setting


class TransportError(Exception):
    """A send failed. ``retryable``: a later attempt can succeed; ``uncertain``: it may have
    been delivered anyway (the retry repeats the same Message-ID)."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = True,
        uncertain: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.uncertain = uncertain
        self.retry_after = retry_after


@dataclass(frozen=True)
class OutgoingEmail:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    message_id: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutgoingChat:
    text: str


class EmailTransport(Protocol):
    name: str

    def send(self, email: OutgoingEmail) -> dict[str, Any]: ...


class ChatTransport(Protocol):
    name: str

    def post(self, chat: OutgoingChat) -> dict[str, Any]: ...


def one_line(value: str) -> str:
    """A header value on one line: CR, LF and other control characters become spaces, so a
    candidate's name cannot add a header (``Bcc:``) or a body to a message."""
    return "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in value).strip()


def build_email(email: OutgoingEmail, from_address: str) -> EmailMessage:
    """The MIME message: plain text first, HTML as the alternative, the fixed Message-ID."""
    # Long header lines are kept whole (RFC 5322 allows 998): Python's folder otherwise breaks
    # some subjects right after "Subject:", and readers then show a leading space.
    message = EmailMessage(policy=SMTP_POLICY.clone(max_line_length=998))
    message["From"] = one_line(from_address)
    message["To"] = ", ".join(one_line(address) for address in email.to)
    message["Subject"] = one_line(email.subject)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = email.message_id
    message["Auto-Submitted"] = "auto-generated"
    for name, value in email.headers.items():
        message[one_line(name)] = one_line(value)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


def message_id_domain(from_address: str | None) -> str:
    _name, address = parseaddr(from_address or "")
    domain = address.rpartition("@")[2].strip().lower()
    return domain or "hireloop.invalid"


class SmtpTransport:
    """SMTP with optional STARTTLS (or implicit TLS on port 465) and optional login."""

    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        from_address: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.from_address = from_address
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout
        self.ssl_context = ssl_context

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.port == 465:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            connection.ehlo()
            connection.starttls(context=self._context())
            connection.ehlo()
        return connection

    def send(self, email: OutgoingEmail) -> dict[str, Any]:
        message = build_email(email, self.from_address)
        _name, envelope_from = parseaddr(self.from_address)
        handed_over = False
        try:
            connection = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"SMTP {self.host}:{self.port}: cannot connect: {exc}") from exc
        try:
            if self.username:
                connection.login(self.username, self.password or "")
            handed_over = True
            refused = connection.send_message(message, from_addr=envelope_from or None)
        except smtplib.SMTPAuthenticationError as exc:
            raise TransportError(
                f"SMTP {self.host}: login refused ({exc.smtp_code}); check HIRELOOP_SMTP_USERNAME "
                "and HIRELOOP_SMTP_PASSWORD",
                retryable=True,
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(
                f"SMTP {self.host}: every recipient was refused: {sorted(exc.recipients)}",
                retryable=False,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # 4xx: come back later; 5xx: this message will not be taken as it is.
            raise TransportError(
                f"SMTP {self.host}: {exc.smtp_code} {exc.smtp_error!r}",
                retryable=exc.smtp_code < 500,
            ) from exc
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            raise TransportError(
                f"SMTP {self.host}: connection lost while sending: {exc}",
                uncertain=handed_over,
            ) from exc
        finally:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()
        return {
            "transport": self.name,
            "message_id": email.message_id,
            "to": list(email.to),
            "refused": sorted(refused),
        }


class SlackWebhookTransport:
    """A Slack incoming webhook: one POST of ``{"text": ...}`` with a timeout."""

    name = "slack"

    def __init__(
        self, url: str, *, timeout: float = 10.0, session: requests.Session | None = None
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.session = session or requests.Session()

    def post(self, chat: OutgoingChat) -> dict[str, Any]:
        try:
            response = self.session.post(self.url, json={"text": chat.text}, timeout=self.timeout)
        except requests.Timeout as exc:
            raise TransportError("Slack webhook timed out", uncertain=True) from exc
        except requests.RequestException as exc:
            raise TransportError(f"Slack webhook unreachable: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise TransportError(
                f"Slack webhook answered {response.status_code}",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if response.status_code >= 400:
            # invalid_payload, no_service, channel_not_found...: fixing needs an operator.
            raise TransportError(
                f"Slack webhook answered {response.status_code}: {response.text[:200]}",
                retryable=False,
            )
        return {"transport": self.name, "status": response.status_code}


def smtp_from_config(config: Mapping[str, Any]) -> SmtpTransport | None:
    host = text_setting(config, "SMTP_HOST")
    if not host:
        return None
    return SmtpTransport(
        host,
        int(setting(config, "SMTP_PORT")),
        from_address=text_setting(config, "SMTP_FROM") or "hireloop@localhost",
        username=text_setting(config, "SMTP_USERNAME"),
        password=text_setting(config, "SMTP_PASSWORD"),
        starttls=bool(setting(config, "SMTP_STARTTLS")),
        timeout=float(setting(config, "HTTP_TIMEOUT_SECONDS")),
        ssl_context=_context_for(text_setting(config, "SMTP_CA_FILE")),
    )


def _context_for(ca_file: str | None) -> ssl.SSLContext | None:
    """HIRELOOP_SMTP_CA_FILE: trust a private CA (an internal relay) besides the system's."""
    if not ca_file:
        return None
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=ca_file)
    return context


def slack_from_config(config: Mapping[str, Any]) -> SlackWebhookTransport | None:
    url = text_setting(config, "SLACK_WEBHOOK_URL")
    if not url:
        return None
    return SlackWebhookTransport(url, timeout=float(setting(config, "HTTP_TIMEOUT_SECONDS")))


def configured_channels(config: Mapping[str, Any]) -> Sequence[str]:
    channels = []
    if text_setting(config, "SMTP_HOST"):
        channels.append("email")
    if text_setting(config, "SLACK_WEBHOOK_URL"):
        channels.append("slack")
    return channels


def display_address(name: str | None, address: str) -> str:
    return formataddr((one_line(name or ""), one_line(address)))
