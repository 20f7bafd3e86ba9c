"""What the Lever and Ashby sandboxes share: Basic auth with the API key as the user name,
a log of the requests they answered, posting a signed webhook, and serving on a local port.

Each vendor module (``lever``, ``ashby``) holds its own small world in memory and renders it
in that vendor's documented shapes; they know nothing of hireloop's internals.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Mapping
from typing import Any

import requests
from flask import Flask, Response, jsonify, request

from plugin.demo.sandbox.server import ServerThread
from plugin.demo.sandbox.webhooks import Delivery


class VendorWorld:
    """The state every vendor sandbox has: credentials, where webhooks go, the request log."""

    def __init__(self, api_key: str, secret: str, webhook_url: str | None) -> None:
        self.api_key = api_key
        self.secret = secret
        self.webhook_url = webhook_url
        self.lock = threading.RLock()
        # (method, path, status) of every API request, for tests and diagnosis.
        self.requests: list[tuple[str, str, int]] = []


def basic_user() -> str | None:
    """The Basic auth user name (the API key) of the current request."""
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return base64.b64decode(encoded).decode().split(":", 1)[0]
    except (ValueError, UnicodeDecodeError):
        return None


def vendor_app(name: str, world: VendorWorld, refused: Callable[[], tuple[Response, int]]) -> Flask:
    """A Flask app that refuses a request without the API key (``refused``: the vendor's
    own 401) and logs what it answered."""
    app = Flask(name)
    app.json.sort_keys = False  # type: ignore[attr-defined]

    @app.before_request
    def authenticate() -> tuple[Response, int] | None:
        if basic_user() != world.api_key:
            return refused()
        return None

    @app.after_request
    def log(response: Response) -> Response:
        with world.lock:
            world.requests.append((request.method, request.full_path, response.status_code))
        return response

    return app


def post_signed(
    url: str, body: bytes, headers: Mapping[str, str], *, timeout: float = 10.0
) -> Delivery:
    """POST one webhook body as given; never raises for network trouble (the result says)."""
    try:
        response = requests.post(url, data=body, headers=dict(headers), timeout=timeout)
    except requests.RequestException as exc:
        return Delivery(url, "", 0, body, "", error=f"{type(exc).__name__}: {exc}")
    return Delivery(url, "", response.status_code, body, response.text[:2000])


def not_found(body: Mapping[str, Any]) -> tuple[Response, int]:
    return jsonify(dict(body)), 404


class VendorSandbox:
    """A vendor sandbox's server on a local port (``url``), started and stopped with it."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = ServerThread(app, host, port)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> VendorSandbox:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> VendorSandbox:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
