"""The interviewer's signed link: which assignment it opens, or why it opens nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from plugin.applications.models import Assignment
from plugin.core.links import LinkError, read_link_token


class LinkRejected(Exception):
    """A link that opens nothing: ``reason`` is invalid, expired, revoked or gone."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def code(self) -> str:
        """The error code a JSON answer carries (the same on the page's autosave and the API)."""
        return {"expired": "link_expired", "revoked": "link_revoked"}.get(
            self.reason, "unauthorized"
        )


def assignment_for_link(session: Session, token: str) -> Assignment:
    """The assignment a signed link opens; LinkRejected for anything else."""

    try:
        claim = read_link_token(token)
    except LinkError as exc:
        raise LinkRejected("expired" if exc.expired else "invalid", str(exc)) from None
    assignment = session.get(Assignment, claim.assignment_id)
    if assignment is None:
        raise LinkRejected("gone", "This interview no longer exists.")
    if assignment.link_version != claim.version:
        raise LinkRejected(
            "revoked",
            "This interview link was replaced or revoked; ask the recruiter for a new one.",
        )
    return assignment
