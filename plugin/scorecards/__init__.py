"""The interviewer's side: scorecards and amendments (``service``), ``/api/scorecard``
(``api``), the page behind the interviewer's link (``pages``), the calibration exercise
behind the same link (``calibration_exercise``, ``calibration_pages``), and the ATS's own
scorecards pulled in (``imports``)."""

from __future__ import annotations

from flask import Flask

from plugin.core import signals
from plugin.core.api import api_of
from plugin.core.config import default_of
from plugin.jobs.registry import job_registry
from plugin.scorecards import api, calibration_pages, forgetting, imports, pages


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(calibration_pages.bp)
    jobs = job_registry(app)
    jobs.add_handler(imports.KIND, imports.run_import)
    jobs.add_sweep(imports.SWEEP, default_of("IMPORT_SWEEP_SECONDS"), imports.sweep)
    signals.application_stage_changed.connect(imports.stage_changed)
    signals.application_purged.connect(forgetting.forget_scorecards)
