"""The shared ground every capability stands on: configuration, the database and its
session, the one error shape, the OpenAPI ``Api`` object, signals, links, migrations and
``/healthz``; the guards against hostile input and the security headers every answer
carries."""

from __future__ import annotations

import logging

from flask import Flask

from plugin.core import api, db, errors, guards, headers, health
from plugin.core.routing import BoundedIntConverter


def init_app(app: Flask) -> None:
    _configure_logging(app)
    # Before any blueprint adds a rule: every <int:...> id is one the database can hold.
    app.url_map.converters["int"] = BoundedIntConverter
    db.init_app(app)
    guards.init_app(app)
    headers.init_app(app)
    errors.register_error_handlers(app)
    api.init_api(app)
    app.register_blueprint(health.bp)


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    app.logger.setLevel(logging.INFO)
