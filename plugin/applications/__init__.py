"""Applications and their interviewer assignments as the ATS's events leave them
(``service``), addressable by ATS identity at ``/api/applications`` (``api``); who interviews,
as the ATS's scheduled interviews say (``panels``, applied by the interview sweep)."""

from __future__ import annotations

from flask import Flask

from plugin.applications import api, service
from plugin.core import signals
from plugin.core.api import api_of


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    signals.loop_in_use.connect(service.applications_using_loop)
