"""Interview loops: the stored loop and its one reader (``service``), ``/api/loops``
(``api``), the recruiter's editor (``pages``), the candidate's brief (``brief``) and
``hireloop loops`` / ``guide`` (``cli``)."""

from __future__ import annotations

from flask import Flask

from plugin.core.api import api_of
from plugin.loops import api, brief, pages


def init_app(app: Flask) -> None:
    api_of(app).register_blueprint(api.blp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(brief.bp)
