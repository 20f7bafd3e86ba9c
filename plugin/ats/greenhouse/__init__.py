"""Greenhouse Harvest: v1 (Basic auth with the API key, ``On-Behalf-Of``, ``Link`` pages) and
v3 (OAuth client credentials, bearer token renewed before it expires, cursor pages).

Both versions give the same ATS-neutral shapes (``plugin.ats.base``): ``parse`` reads
Greenhouse objects, ``client`` holds what the versions share, ``v1`` and ``v3`` the calls of
each, ``auth`` the credentials. Rate limit: the ``X-RateLimit-Limit`` header per 10 seconds
(historically 50), shared by every worker through the database budget; a 429 pauses the
credential for its ``Retry-After``.
"""

from __future__ import annotations

from plugin.ats.greenhouse.auth import OAuthClientCredentials, basic_auth_header
from plugin.ats.greenhouse.client import NOTE_VISIBILITIES, GreenhouseClient
from plugin.ats.greenhouse.parse import V3_RATING, scorecard_from_v1, stage_from_v1
from plugin.ats.greenhouse.v1 import GreenhouseV1Client
from plugin.ats.greenhouse.v3 import IDS_PER_REQUEST, GreenhouseV3Client

__all__ = [
    "IDS_PER_REQUEST",
    "NOTE_VISIBILITIES",
    "V3_RATING",
    "GreenhouseClient",
    "GreenhouseV1Client",
    "GreenhouseV3Client",
    "OAuthClientCredentials",
    "basic_auth_header",
    "scorecard_from_v1",
    "stage_from_v1",
]
