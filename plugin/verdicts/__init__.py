"""Verdicts: the mechanical aggregation of an application's scorecards.

- ``service``: one application's verdict (``compute_verdict``, ``complete_verdict``) and its
  JSON; ``settings``: what a verdict needs of the loop; ``access``: the application a request
  may see;
- ``overrides``: a hiring manager's recommendation beside the mechanical one;
- ``comparison``: a job's candidates side by side;
- ``api`` (``/api/applications/<id>/verdict``, calibration), ``pages`` and ``charts``: the
  hiring manager's review and job pages;
- ``writeback``: the verdict note written back to the ATS; ``upgrade``: open applications'
  verdicts recomputed once under a new hiring bar (the ``verdict-bar`` sweep);
- ``amendments``: amendments (after seeing peers or not) and interviews not held;
  ``preview``: the hiring bar's playground (``POST /api/verdicts/preview``, "what if");
- ``development`` (``plan_api``, ``plan_pages``, ``plan_note``): the development plan after
  the hire, built from the verdict, saved by the hiring manager, optionally noted in the ATS.
"""

from __future__ import annotations

from flask import Flask

from plugin.core import signals
from plugin.core.api import api_of
from plugin.jobs.registry import job_registry
from plugin.verdicts import (
    api,
    forgetting,
    pages,
    plan_api,
    plan_note,
    plan_pages,
    service,
    upgrade,
    writeback,
)


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    api_of(app).register_blueprint(plan_api.blp)
    app.register_blueprint(plan_pages.bp)
    jobs = job_registry(app)
    jobs.add_handler(writeback.KIND, writeback.write_verdict_note)
    jobs.add_handler(plan_note.KIND, plan_note.write_plan_note)
    jobs.add_sweep(upgrade.SWEEP, upgrade.SWEEP_SECONDS, upgrade.rebar)
    signals.scorecards_changed.connect(service.announce_if_complete)
    signals.verdict_completed.connect(writeback.verdict_completed)
    signals.application_purged.connect(forgetting.forget_verdicts)
