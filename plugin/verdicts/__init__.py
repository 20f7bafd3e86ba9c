"""Verdicts: the mechanical aggregation of an application's scorecards (``service``),
``/api/applications/<id>/verdict`` and calibration (``api``), the hiring manager's review
and job pages (``pages``, ``charts``), and the verdict note written back to the ATS
(``writeback``)."""

from __future__ import annotations

from flask import Flask

from plugin.core import signals
from plugin.core.api import api_of
from plugin.jobs.registry import job_registry
from plugin.verdicts import api, pages, service, writeback


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    job_registry(app).add_handler(writeback.KIND, writeback.write_verdict_note)
    signals.scorecards_changed.connect(service.announce_if_complete)
    signals.verdict_completed.connect(writeback.verdict_completed)
