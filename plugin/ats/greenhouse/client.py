"""What Greenhouse Harvest v1 and v3 share: settings, paging, the application list and the
custom-field write. Each version's own calls live in ``v1`` and ``v3``."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from plugin.ats.base import (
    AtsApplication,
    AtsNote,
    AtsScheduledInterview,
    AtsScorecard,
    AtsStage,
    AtsUser,
)
from plugin.ats.errors import AtsConfigError, AtsValidationError
from plugin.ats.greenhouse.parse import application_from_listing
from plugin.ats.http import HttpClient
from plugin.ats.values import items_of

NOTE_VISIBILITIES = ("admin_only", "private", "public")
# Greenhouse's ids are whole numbers; letters, "-" and "_" are let through (test doubles
# use them), nothing that could leave a path segment or split a filter list.
_GREENHOUSE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_gh_id(value: str) -> bool:
    return _GREENHOUSE_ID.fullmatch(value) is not None


def gh_id(value: object, what: str) -> str:
    """An id checked before it goes into a URL path or a filter, then quoted:
    ``1/../../candidates``, ``1?x=2`` or ``1,2`` are refused here, never sent."""
    text = str(value).strip()
    if not _GREENHOUSE_ID.fullmatch(text):
        raise AtsValidationError(f"not a Greenhouse {what} id: {text[:40]!r}")
    return quote(text, safe="")


class GreenhouseClient(ABC):
    """Harvest behind hireloop's AtsClient interface; ``v1`` and ``v3`` each subclass it."""

    name = "greenhouse"
    notes_on_application = False  # notes belong to the candidate
    version: ClassVar[str]
    job_filter: ClassVar[str]  # the list-applications query parameter naming the job

    def __init__(
        self,
        http: HttpClient,
        *,
        on_behalf_of: str | None = None,
        note_visibility: str = "public",
        per_page: int = 100,
    ) -> None:
        if note_visibility not in NOTE_VISIBILITIES:
            raise AtsConfigError(
                f"note visibility must be one of {', '.join(NOTE_VISIBILITIES)}, "
                f"got {note_visibility!r}"
            )
        self.http = http
        self.on_behalf_of = on_behalf_of  # v1 writes only; v3 acts as its token's user
        self.note_visibility = note_visibility
        self.per_page = per_page

    # -- shared --------------------------------------------------------------------------------

    def _pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """The items of every page: v1 pages by ``Link`` with ``page``, v3 by ``Link`` with a
        cursor; both are followed as the ATS gives them."""
        query = {"per_page": self.per_page, **(params or {})}
        for body in self.http.get_pages_by_link(f"/{self.version}/{path.lstrip('/')}", query):
            yield from items_of(body)

    def applications(self, job_id: str, status: str | None = "active") -> list[AtsApplication]:
        params: dict[str, Any] = {self.job_filter: gh_id(job_id, "job")}
        if status:
            params["status"] = status
        return [application_from_listing(item) for item in self._pages("applications", params)]

    def set_application_custom_field(self, application_id: str, name_key: str, value: str) -> None:
        """Set one application custom field (Greenhouse: Enterprise accounts only)."""
        payload = {"custom_fields": [{"name_key": name_key, "value": value}]}
        self.http.json(
            "PATCH",
            f"/{self.version}/applications/{gh_id(application_id, 'application')}",
            json=payload,
            headers=self._write_headers(),
            write=True,
        )

    # -- per version: ``v1`` and ``v3`` implement these -------------------------------------------

    @abstractmethod
    def _write_headers(self) -> dict[str, str]:
        """Headers every write carries (v1: who acts)."""
        raise NotImplementedError

    @abstractmethod
    def job_stages(self, job_id: str) -> list[AtsStage]:
        """The job's active stages in order, each with its interviews."""
        raise NotImplementedError

    @abstractmethod
    def application(self, application_id: str) -> AtsApplication | None:
        raise NotImplementedError

    @abstractmethod
    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
        raise NotImplementedError

    @abstractmethod
    def scorecards(self, application_id: str) -> list[AtsScorecard]:
        """Submitted scorecards of the application, with per-attribute ratings."""
        raise NotImplementedError

    @abstractmethod
    def user(self, user_id: str) -> AtsUser | None:
        raise NotImplementedError

    @abstractmethod
    def candidate_notes(self, candidate_id: str) -> list[AtsNote]:
        raise NotImplementedError

    @abstractmethod
    def create_candidate_note(self, candidate_id: str, body: str) -> AtsNote:
        raise NotImplementedError

    @abstractmethod
    def add_candidate_tag(self, candidate_id: str, tag_name: str) -> str:
        """Tag the candidate (creating the tag if needed); returns the tag id. Idempotent."""
        raise NotImplementedError
