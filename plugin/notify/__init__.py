"""Messages to interviewers, recruiters and hiring managers.

- ``transports``: SMTP (``smtplib``, STARTTLS, login, a fixed Message-ID per message) and an
  optional Slack incoming webhook;
- ``messages``: subjects and the plain-text/HTML bodies from ``templates/email/``.

What is queued when, and the worker's handlers, live in ``plugin.services.notifications``.
"""
