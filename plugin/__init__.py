"""hireloop: structured interview loops beside an ATS.

``create_app`` builds the Flask application; nothing is configured at import time. Each
capability is a package that registers its models, API, pages, jobs and signal receivers
with ``init_app(app)``, in the order below (``core`` first: the others stand on it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from plugin import (
    applications,
    ats,
    auth,
    core,
    frameworks,
    home,
    inbound,
    jobs,
    loops,
    notify,
    scorecards,
    verdicts,
)
from plugin.core.config import load_config

__all__ = ["CAPABILITIES", "create_app"]

CAPABILITIES = (
    core,
    auth,
    frameworks,
    jobs,
    ats,
    inbound,
    applications,
    loops,
    scorecards,
    verdicts,
    notify,
    home,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    for capability in CAPABILITIES:
        capability.init_app(app)
    return app
