"""Outbound clients for the ATSs, behind one interface (``plugin.ats.base.AtsClient``).

``init_app`` adds the clients' own troubles to ``/healthz`` (``health``); ``hireloop ats
check`` tries every call once (``check``, ``cli``)."""

from __future__ import annotations

from flask import Flask

from plugin.ats.health import token_health
from plugin.core.health import DETAILS


def init_app(app: Flask) -> None:
    app.extensions.setdefault(DETAILS, []).append(token_health)
