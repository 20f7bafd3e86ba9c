"""Webhooks in: the receivers at ``/webhooks/<ats>`` (``views``) commit each verified
delivery to the inbox (``models``); ``inbox`` handles them (in the worker by default),
``reread`` completes thin payloads from the ATS's API, ``cli`` is ``hireloop inbox``."""

from __future__ import annotations

from flask import Flask

from plugin.core import signals
from plugin.inbound import redaction, views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    signals.application_purged.connect(redaction.forget_deliveries)
