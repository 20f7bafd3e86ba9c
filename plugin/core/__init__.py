"""The shared ground every capability stands on: configuration, the database and its
session, the one error shape, the OpenAPI ``Api`` object, signals, links, migrations and
``/healthz``."""

from __future__ import annotations

import logging

from flask import Flask

from plugin.core import api, db, errors, health


def init_app(app: Flask) -> None:
    _configure_logging(app)
    db.init_app(app)
    errors.register_error_handlers(app)
    api.init_api(app)
    app.register_blueprint(health.bp)


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    app.logger.setLevel(logging.INFO)
