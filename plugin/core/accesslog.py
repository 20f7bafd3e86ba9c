"""gunicorn's access log without interviewer link tokens or sign-in link secrets.

The path of an interviewer's page, ``/i/<token>``, is a credential for 30 days: whoever
holds it can write that interviewer's scorecard. Logs are kept longer and read by more
people than that, so this logger writes ``/i/…`` instead, in every value a log format can
name (request line, path, referrer, headers, environment). Use it with
``logger_class = "plugin.core.accesslog.AccessLogger"``. One-time sign-in links
(``/login/link/<secret>``) are masked the same way.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

LINK_PATH = re.compile(r"(/i/|/login/link/)[^/?#\s]+")


def mask(text: str) -> str:
    return LINK_PATH.sub(r"\1…", text)


class AccessLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {k: mask(v) if isinstance(v, str) else v for k, v in atoms.items()}
