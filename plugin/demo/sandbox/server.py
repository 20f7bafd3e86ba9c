"""Serving WSGI apps on 127.0.0.1 in a background thread, and the sandbox ATS as one object."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from plugin.demo.sandbox.app import create_sandbox_app
from plugin.demo.sandbox.state import SandboxState
from plugin.demo.sandbox.webhooks import Delivery, deliver

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _QuietHandler(WSGIRequestHandler):
    """No access log on the terminal: the demo prints its own progress."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logging.getLogger("hireloop.http").debug("%s %s", self.requestline, code)


class ServerThread:
    """A threaded werkzeug server bound at construction (so the port is known before the
    app exists: ``app`` may be set later) and served from a daemon thread."""

    def __init__(self, app: WSGIApp | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._server: BaseWSGIServer = make_server(
            host, port, self._dispatch, threaded=True, request_handler=_QuietHandler
        )
        self.host = host
        self.port = int(self._server.server_port)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _dispatch(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self.app(environ, start_response)

    def start(self) -> ServerThread:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() returns within one poll
            name=f"server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()


class Sandbox:
    """The sandbox ATS: state, its Harvest server, and the webhooks it sends."""

    def __init__(
        self,
        loop: Mapping[str, Any] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout: float = 10.0,
        **state_options: Any,
    ) -> None:
        self.state = SandboxState(loop, **state_options)
        self.timeout = timeout
        self.server = ServerThread(create_sandbox_app(self.state), host, port)
        self.state.base_url = self.server.url

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Sandbox:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _send(self, payload: dict[str, Any]) -> Delivery:
        if not self.state.webhook_url:
            raise RuntimeError("the sandbox has no webhook URL to send to")
        return deliver(
            self.state.webhook_url, self.state.webhook_secret, payload, timeout=self.timeout
        )

    def ping(self) -> Delivery:
        """The ping Greenhouse sends when a webhook is saved (its body is undocumented)."""
        return self._send({"action": "ping", "payload": {"web_hook_id": 1}})

    def schedule_interviewers(self, application_id: int | None = None) -> None:
        """The interviewers of the application's interviews are scheduled now (no webhook:
        Greenhouse sends none; the sweep finds them)."""
        target = application_id if application_id is not None else self.state.application.id
        self.state.schedule_interviewers(target)

    def delete_interview(self, scheduled_id: int) -> Delivery:
        """Cancel a scheduled interview and send ``interview_deleted`` (its id alone)."""
        self.state.delete_scheduled(scheduled_id)
        return self._send(
            {"action": "interview_deleted", "payload": {"interview": {"id": scheduled_id}}}
        )

    def delete_scorecard(self, scorecard_id: int) -> Delivery:
        """Delete a scorecard and send ``scorecard_deleted``, shaped like Greenhouse's."""
        card = self.state.delete_scorecard(scorecard_id)
        return self._send({"action": "scorecard_deleted", "payload": {"scorecard": card}})

    def move(self, stage: int | str, application_id: int | None = None) -> Delivery:
        """Move the application (the seeded one by default) to ``stage`` (id or name) and
        send the signed ``candidate_stage_change`` webhook to ``state.webhook_url``."""
        if not self.state.webhook_url:
            raise RuntimeError("the sandbox has no webhook URL to send to")
        target = application_id if application_id is not None else self.state.application.id
        payload = self.state.move_application(target, stage)
        return deliver(
            self.state.webhook_url, self.state.webhook_secret, payload, timeout=self.timeout
        )
