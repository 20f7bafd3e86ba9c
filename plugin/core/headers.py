"""Security headers on every answer, pages and API alike, so a page added later has them too.

- ``Content-Security-Policy``: scripts, styles and images from this site only, and never in
  a frame (``frame-ancestors 'none'``), which also stops clickjacking of the forms.
- ``X-Content-Type-Options: nosniff``.
- ``Referrer-Policy``: ``no-referrer`` where the address carries a secret (the interviewer's
  ``/i/<token>`` pages, one-time sign-in links), ``same-origin`` elsewhere.
- ``Cache-Control: no-store`` on every page and API answer about candidates: everything
  except the static files, the OpenAPI document and ``/healthz`` (a shared computer's
  browser cache must not keep a candidate's review).
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: Addresses that carry a secret in their path: nothing of it may leave in a Referer.
SECRET_PATHS = ("/i/", "/login/link/", "/api/scorecard")
#: Answers that hold nothing about candidates and may be cached.
CACHEABLE_PATHS = ("/static/", "/api/openapi.json", "/healthz")


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    secret = request.path.startswith(SECRET_PATHS)
    headers["Referrer-Policy"] = "no-referrer" if secret else "same-origin"
    if not request.path.startswith(CACHEABLE_PATHS):
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
