"""The interviewer's side: scorecards and amendments (``service``), ``/api/scorecard``
(``api``), the page behind the interviewer's link (``pages``), the calibration exercise
behind the same link (``calibration_exercise``, ``calibration_pages``), the ATS's own
scorecards pulled in (``imports``) or voided when the ATS deletes them (``voiding``), and who
interviews re-read from the ATS (``interview_sweep``)."""

from __future__ import annotations

from flask import Flask

from plugin.core import signals
from plugin.core.api import api_of
from plugin.core.config import default_of
from plugin.jobs.registry import job_registry
from plugin.scorecards import (
    api,
    calibration_pages,
    forgetting,
    imports,
    interview_sweep,
    pages,
    voiding,
)


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(calibration_pages.bp)
    jobs = job_registry(app)
    jobs.add_handler(imports.KIND, imports.run_import)
    jobs.add_sweep(imports.SWEEP, default_of("IMPORT_SWEEP_SECONDS"), imports.sweep)
    signals.application_stage_changed.connect(imports.stage_changed)
    signals.application_purged.connect(forgetting.forget_scorecards)
    jobs.add_handler(interview_sweep.KIND, interview_sweep.refresh_interviews)
    jobs.add_sweep(
        interview_sweep.SWEEP, default_of("INTERVIEW_SWEEP_SECONDS"), interview_sweep.sweep
    )
    signals.ats_scorecard_deleted.connect(voiding.void_deleted_scorecard)
