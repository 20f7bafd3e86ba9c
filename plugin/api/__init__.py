"""The JSON API under /api/, documented by flask-smorest at /api/openapi.json."""

from __future__ import annotations

from flask import Flask

from plugin.errors import HireloopApi

API_SETTINGS = {
    "API_TITLE": "hireloop",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def init_api(app: Flask) -> HireloopApi:
    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    api = HireloopApi(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearer": []}],
        },
    )
    from plugin.api import applications, frameworks, loops, notifications, scorecard, verdicts

    for module in (frameworks, verdicts, loops, scorecard, notifications, applications):
        api.register_blueprint(module.blp)
    app.extensions["hireloop.api"] = api
    return api
