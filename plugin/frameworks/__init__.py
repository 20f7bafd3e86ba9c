"""The competency frameworks this deployment knows (``registry``), served at
``/api/frameworks`` (``api``) and checked by ``hireloop frameworks check`` (``cli``)."""

from __future__ import annotations

from flask import Flask

from plugin.core.api import api_of
from plugin.frameworks import api, registry


def init_app(app: Flask) -> None:
    registry.init_app(app)
    api_of(app).register_blueprint(api.blp)
