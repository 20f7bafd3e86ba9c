"""Webhook signature checks, each over exactly what the vendor signs, in constant time.

Several secrets may be configured at once (the first current, the others still accepted)
so a secret can be rotated without losing deliveries. Every failure raises one
``SignatureError`` whose ``reason`` says what was wrong without revealing any secret.

- Greenhouse: header ``Signature: sha256 <hex>``, HMAC-SHA256 of the whole raw body.
- Ashby: header ``Ashby-Signature: sha256=<hex>``, HMAC-SHA256 of the whole raw body.
- Lever: body field ``signature`` = hex HMAC-SHA256 of ``token + triggeredAt`` keyed by the
  webhook's signature token; a ``triggeredAt`` outside the replay window is refused.

The checks live with their vendor (``webhooks.greenhouse``, ``webhooks.lever``,
``webhooks.ashby``) over the shared HMAC helper in ``webhooks.signing``; this module is
where the receiver imports them from.
"""

from webhooks.ashby import verify_ashby
from webhooks.greenhouse import verify_greenhouse
from webhooks.lever import LEVER_FUTURE_TOLERANCE_MS, verify_lever
from webhooks.signing import SignatureError

__all__ = [
    "LEVER_FUTURE_TOLERANCE_MS",
    "SignatureError",
    "verify_ashby",
    "verify_greenhouse",
    "verify_lever",
]
