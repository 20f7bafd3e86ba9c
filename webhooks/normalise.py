"""Verified vendor bodies → ``InboundEvent`` and the inbox ``Envelope`` (dedupe key).

Only called after the signature checked out. A body that is not what the vendor sends
(not JSON, wrong types, a handled event without the ids it needs) raises
``MalformedPayload`` naming the field, which the receiver answers with 400. Extra keys are
always tolerated (Greenhouse adds root keys the docs do not list); events we do not handle
become ``IGNORED`` and pings ``PING``.

Each vendor's reading lives in its own module (``webhooks.greenhouse``, ``webhooks.lever``,
``webhooks.ashby``); this module dispatches on the provider's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webhooks import ashby, greenhouse, lever
from webhooks.ashby import ASHBY_STATUSES
from webhooks.events import Envelope, InboundEvent
from webhooks.payload import MAX_EVENT_TYPE, MAX_KEY, MalformedPayload, parse_body

__all__ = [
    "ASHBY_STATUSES",
    "MAX_EVENT_TYPE",
    "MAX_KEY",
    "MalformedPayload",
    "envelope",
    "normalise",
    "parse_body",
]


def envelope(
    provider: str, document: Mapping[str, Any], body: bytes, headers: Mapping[str, str]
) -> Envelope:
    """The event type and dedupe key of a verified delivery (see DESIGN.md, Inbound)."""
    if provider == "greenhouse":
        return greenhouse.envelope(document, body, headers)
    if provider == "lever":
        return lever.envelope(document, body)
    if provider == "ashby":
        return ashby.envelope(document, body)
    raise ValueError(f"unknown provider {provider!r}")


def normalise(provider: str, document: Mapping[str, Any]) -> InboundEvent:
    if provider == "greenhouse":
        return greenhouse.normalise(document)
    if provider == "lever":
        return lever.normalise(document)
    if provider == "ashby":
        return ashby.normalise(document)
    raise ValueError(f"unknown provider {provider!r}")
