"""hireloop: structured interview loops beside an ATS.

``create_app`` builds the Flask application; nothing is configured at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)

    from plugin.config import load_config

    load_config(app, config)
    _configure_logging(app)

    from plugin import db, frameworks

    db.init_app(app)
    frameworks.init_app(app)

    from plugin.errors import register_error_handlers

    register_error_handlers(app)

    from plugin.api import init_api

    init_api(app)

    from plugin.web import init_web

    init_web(app)

    return app


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    app.logger.setLevel(logging.INFO)
