"""A sandbox ATS: a small local server that speaks the part of Greenhouse Harvest hireloop
uses (v3 with OAuth client credentials by default; v1 on request) and sends signed webhooks
like Greenhouse. It is the demo's ATS and the peer for
end-to-end tests; it knows nothing of hireloop's internals.

    with Sandbox(webhook_url="http://127.0.0.1:5000/webhooks/greenhouse") as sandbox:
        sandbox.move("Onsite")           # signed candidate_stage_change to hireloop
        sandbox.state.all_notes()        # what hireloop wrote back
"""

from plugin.demo.sandbox.server import Sandbox, ServerThread
from plugin.demo.sandbox.state import SandboxState
from plugin.demo.sandbox.webhooks import Delivery, deliver, encode_body, signature

__all__ = [
    "Delivery",
    "Sandbox",
    "SandboxState",
    "ServerThread",
    "deliver",
    "encode_body",
    "signature",
]
