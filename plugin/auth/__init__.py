"""Who is asking: API tokens and roles (``tokens``), page sign-in (``pages``), CSRF for
forms (``csrf``) and ``hireloop tokens`` (``cli``)."""

from __future__ import annotations

from flask import Flask

from plugin.auth import csrf, pages, tokens


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.before_request(tokens.authenticate_first)
    app.register_blueprint(pages.bp)
