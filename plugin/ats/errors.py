"""Typed ATS errors: what went wrong, the ATS's request id, and whether trying again can help.

Every client raises these and never a bare ``requests`` exception. The class is chosen in one
place, :func:`error_for_status`, from the HTTP status, so the worker decides on retries from
``retryable`` alone. ``uncertain`` marks a write whose outcome is unknown (a timeout, a
dropped connection or a 5xx after the request went out): before writing again, look for it.
"""

from __future__ import annotations


class AtsError(Exception):
    """A call to an ATS failed."""

    retryable_default = False

    def __init__(
        self,
        message: str,
        status: int | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
        *,
        retry_after: float | None = None,
        uncertain: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = request_id
        self.retryable = self.retryable_default if retryable is None else retryable
        self.retry_after = retry_after
        self.uncertain = uncertain

    def __str__(self) -> str:
        details = []
        if self.status is not None:
            details.append(f"status {self.status}")
        if self.request_id:
            details.append(f"request id {self.request_id}")
        return f"{self.message} ({', '.join(details)})" if details else self.message

    def to_dict(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "status": self.status,
            "request_id": self.request_id,
            "retryable": self.retryable,
            "uncertain": self.uncertain,
        }


class AtsConfigError(AtsError):
    """The ATS is not configured (no credentials, no user to write as)."""


class AtsAuthError(AtsError):
    """401/403: the credential is wrong or lacks a permission; an operator must act."""


class AtsNotFound(AtsError):
    """404: the resource (or the On-Behalf-Of user) does not exist."""


class AtsValidationError(AtsError):
    """400/422: the ATS refused the request's content."""


class AtsClientError(AtsError):
    """Another 4xx the request itself caused."""


class AtsRateLimited(AtsError):
    """429: the request was refused (not performed); retry after ``retry_after`` seconds."""

    retryable_default = True


class AtsServerError(AtsError):
    """5xx: the ATS failed; the request may or may not have been performed."""

    retryable_default = True


class AtsTimeout(AtsError):
    """No answer in time; the request may or may not have been performed."""

    retryable_default = True


class AtsConnectionError(AtsError):
    """The connection failed or dropped."""

    retryable_default = True


class AtsResponseError(AtsError):
    """The ATS answered 2xx with a body we cannot read (or Ashby's ``success: false``)."""


def error_for_status(
    status: int,
    message: str,
    request_id: str | None = None,
    *,
    retry_after: float | None = None,
    write: bool = False,
) -> AtsError:
    """The one place where an HTTP status becomes an error class."""
    if status == 429:
        return AtsRateLimited(message, status, request_id, retry_after=retry_after)
    if status >= 500:
        # 501 (not implemented) and 505 will not get better by waiting.
        retryable = status not in (501, 505)
        return AtsServerError(
            message, status, request_id, retryable, retry_after=retry_after, uncertain=write
        )
    if status in (401, 403):
        return AtsAuthError(message, status, request_id)
    if status == 404:
        return AtsNotFound(message, status, request_id)
    if status in (400, 422):
        return AtsValidationError(message, status, request_id)
    if status in (408, 409, 423, 425):
        # Timeout, conflict, locked, too early: transient by definition.
        return AtsClientError(message, status, request_id, True, uncertain=write)
    return AtsClientError(message, status, request_id)
