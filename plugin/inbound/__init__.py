"""Webhooks in: the receivers at ``/webhooks/<ats>`` (``views``) commit each verified
delivery to the inbox (``models``); ``inbox`` handles them (in the worker by default),
``reread`` completes thin payloads from the ATS's API, ``cli`` is ``hireloop inbox``."""

from __future__ import annotations

from flask import Flask

from plugin.inbound import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
