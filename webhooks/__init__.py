"""The inbound edge: signature verification over the raw body and normalisation of vendor
webhooks (Greenhouse, Lever, Ashby) into internal events.

Pure Python: nothing here imports Flask, SQLAlchemy or ``plugin``. The receiver view in
``plugin.inbound.views`` wires these functions to HTTP and the inbox table.
"""

from webhooks.events import (
    ApplicationSnapshot,
    Envelope,
    EventKind,
    InboundEvent,
    InterviewerRef,
    InterviewRef,
)
from webhooks.normalise import MalformedPayload, envelope, normalise, parse_body
from webhooks.verify import SignatureError, verify_ashby, verify_greenhouse, verify_lever

__all__ = [
    "ApplicationSnapshot",
    "Envelope",
    "EventKind",
    "InboundEvent",
    "InterviewRef",
    "InterviewerRef",
    "MalformedPayload",
    "SignatureError",
    "envelope",
    "normalise",
    "parse_body",
    "verify_ashby",
    "verify_greenhouse",
    "verify_lever",
]
