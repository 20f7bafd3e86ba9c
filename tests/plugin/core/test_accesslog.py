"""The access log keeps interviewer link tokens out."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from plugin.accesslog import AccessLogger as Documented
from plugin.core.accesslog import AccessLogger

TOKEN = "eyJhIjoxfQ.ZmFrZQ.c2lnbmF0dXJl"


def test_link_tokens_are_masked_in_the_request_line_path_and_referrer() -> None:
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/i/{TOKEN}/draft?x=1",
        "PATH_INFO": f"/i/{TOKEN}/draft",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://hireloop.example.com/i/{TOKEN}",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=12, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(seconds=0))
    assert atoms["r"] == "POST /i/…/draft?x=1 HTTP/1.1"
    assert atoms["U"] == "/i/…/draft"
    assert atoms["f"] == "https://hireloop.example.com/i/…"
    assert not any(TOKEN in str(value) for value in atoms.values())
    other = dict(environ, RAW_URI="/api/scorecard", PATH_INFO="/api/scorecard", HTTP_REFERER="-")
    assert logger.atoms(response, SimpleNamespace(headers=[]), other, timedelta(0))["U"] == (
        "/api/scorecard"
    )


def test_the_logger_class_path_of_older_gunicorn_configurations_still_imports() -> None:

    assert Documented is AccessLogger


def test_sign_in_link_secrets_are_masked() -> None:
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/login/link/{TOKEN}",
        "PATH_INFO": f"/login/link/{TOKEN}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://hireloop.example.com/login/link/{TOKEN}",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="302 FOUND", sent=0, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(seconds=0))
    assert atoms["U"] == "/login/link/…"
    assert not any(TOKEN in str(value) for value in atoms.values())
