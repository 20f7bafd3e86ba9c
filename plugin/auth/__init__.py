"""Who is asking: API tokens and roles (``tokens``), page sign-in (``pages``) and the
server-side sessions and one-time links behind it (``sessions``), CSRF for forms (``csrf``)
and ``hireloop tokens`` (``cli``)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from plugin.auth import csrf, pages, sessions, tokens

#: Flask's default cookie lifetime, replaced unless configured otherwise.
FLASK_DEFAULT_LIFETIME = timedelta(days=31)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    # The cookie lasts as long as the server keeps an idle session (renewed on each request);
    # the server's record decides either way.
    if app.config.get("PERMANENT_SESSION_LIFETIME") == FLASK_DEFAULT_LIFETIME:
        app.config["PERMANENT_SESSION_LIFETIME"] = sessions.IDLE_EXPIRY
    app.before_request(tokens.authenticate_first)
    app.register_blueprint(pages.bp)
