"""Messages to interviewers, recruiters and hiring managers.

Every message is one outbox job with a unique key, queued in the transaction of the change
that caused it, so a message exists exactly when its cause does and is queued once however
often the cause is seen. The handler re-reads the state at send time; with no transport
configured a job waits (parked, never dead) and is listed on ``/recruiter/messages``.

- ``outbox``: the jobs' kinds and keys, the clock, parking;
- ``settings``: who is told and when, from the loop document;
- ``queueing``: what is queued when (links, cancellations, verdict messages);
- ``reminders``: the reminder sweep and the release of parked jobs;
- ``addresses``: interviewers' addresses from the ATS or a recruiter;
- ``facts``, ``preparing`` and ``sending``: the message at send time and the handlers;
- ``transports``: SMTP (a fixed Message-ID per message) and an optional Slack webhook;
- ``messages``: subjects and bodies from ``templates/email/``;
- ``rows``, ``submission_rates``, ``api`` and ``pages``: what the recruiter sees.
"""

from __future__ import annotations

from flask import Flask

from plugin.core import signals
from plugin.core.api import api_of
from plugin.core.config import default_of
from plugin.jobs.registry import job_registry
from plugin.notify import api, forgetting, pages, queueing, reminders, sending
from plugin.notify.outbox import EMAIL_KIND, SLACK_KIND


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    jobs = job_registry(app)
    jobs.add_handler(EMAIL_KIND, sending.handle_email)
    jobs.add_handler(SLACK_KIND, sending.handle_slack)
    jobs.add_sweep("reminders", default_of("REMINDERS_SECONDS"), reminders.reminders_task)
    signals.assignment_created.connect(queueing.assignment_created)
    signals.assignment_cancelled.connect(queueing.assignment_cancelled)
    signals.scorecards_changed.connect(queueing.scorecards_submitted)
    signals.verdict_completed.connect(queueing.queue_verdict_message)
    signals.application_purged.connect(forgetting.forget_outbox)
