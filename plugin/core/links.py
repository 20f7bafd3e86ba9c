"""Signed interviewer links: bound to one assignment, expiring, revocable.

The token carries the assignment id and its link version; bumping the version on the
assignment revokes every link issued before. The same token is the interviewer's bearer
token for ``/api/scorecard``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "hireloop.assignment-link"


@dataclass(frozen=True)
class LinkClaim:
    assignment_id: int
    version: int


class LinkError(Exception):
    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_link_token(assignment_id: int, version: int) -> str:
    return str(_serializer().dumps({"a": assignment_id, "v": version}))


def read_link_token(token: str) -> LinkClaim:
    max_age = int(current_app.config["LINK_MAX_AGE_DAYS"] * 86400)
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkError(
            "This interview link has expired; ask the recruiter for a new one.", expired=True
        ) from None
    except BadSignature:
        raise LinkError("This interview link is not valid.") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("a"), int)
        or not isinstance(data.get("v"), int)
    ):
        raise LinkError("This interview link is not valid.")
    return LinkClaim(data["a"], data["v"])


def public_url(path: str) -> str:
    """An absolute URL for links that leave hireloop (emails, ATS notes)."""
    base = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    return str(base).rstrip("/") + "/" + path.lstrip("/")


def interviewer_url(token: str) -> str:
    return public_url(f"/i/{token}")
