"""The refusals of the interviewer's scorecard: each says what and where (``fields``) and is
answered with its kind's status by the app's error handler."""

from __future__ import annotations

from plugin.core.errors import Conflict, DomainError, Invalid, NotFound, status_of


class ScorecardError(DomainError):
    """A refused change; ``fields`` names each problem (``ratings.<id>.evidence``...)."""

    @property
    def status(self) -> int:
        """The HTTP status it is answered with (the page renders it as its own)."""
        return status_of(self)


class ScorecardNotFound(ScorecardError, NotFound):
    """The interview (or its application) no longer exists."""


class ScorecardConflict(ScorecardError, Conflict):
    """The scorecard's state refuses the change (cancelled, or locked without a reason)."""


class ScorecardInvalid(ScorecardError, Invalid):
    """The content is invalid, or incomplete for a submission."""
