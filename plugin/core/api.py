"""The JSON API under /api/, documented by flask-smorest at /api/openapi.json."""

from __future__ import annotations

from flask import Flask

from plugin.core.errors import HireloopApi

EXTENSION = "hireloop.api"

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
    app.extensions[EXTENSION] = api
    return api


def api_of(app: Flask) -> HireloopApi:
    """The flask-smorest Api that capabilities register their API blueprints with."""
    api: HireloopApi = app.extensions[EXTENSION]
    return api
