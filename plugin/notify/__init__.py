"""Messages to interviewers, recruiters and hiring managers.

- ``service``: what is queued when (links, reminders, escalations, verdict messages) and the
  worker's handlers;
- ``transports``: SMTP (a fixed Message-ID per message) and an optional Slack webhook;
- ``messages``: subjects and bodies from ``templates/email/``;
- ``submission_rates``, ``api`` and ``pages``: what the recruiter sees.
"""

from __future__ import annotations

from flask import Flask

from plugin.core import signals
from plugin.core.api import api_of
from plugin.jobs.registry import job_registry
from plugin.notify import api, pages, service


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    jobs = job_registry(app)
    jobs.add_handler(service.EMAIL_KIND, service.handle_email)
    jobs.add_handler(service.SLACK_KIND, service.handle_slack)
    jobs.add_sweep("reminders", 60, service.reminders_task)
    signals.assignment_created.connect(service.assignment_created)
    signals.assignment_cancelled.connect(service.assignment_cancelled)
    signals.scorecards_changed.connect(service.scorecards_submitted)
    signals.verdict_completed.connect(service.queue_verdict_message)
