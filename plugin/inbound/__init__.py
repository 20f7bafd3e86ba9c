"""Webhooks in: the receivers at ``/webhooks/<ats>`` (``views``) commit each verified
delivery to the inbox (``models``); ``inbox`` handles them (in the worker by default),
``reread`` completes thin payloads from the ATS's API, ``cli`` is ``hireloop inbox``."""

from __future__ import annotations

from flask import Flask

from plugin.core import signals
from plugin.inbound import redaction, views
from plugin.jobs.registry import job_registry


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    signals.application_purged.connect(redaction.forget_deliveries)
    job_registry(app).add_sweep(
        redaction.RETENTION_SWEEP,
        redaction.RETENTION_SWEEP_SECONDS,
        redaction.redact_old_deliveries,
    )
