"""Greenhouse Harvest: v1 (Basic auth with the API key, ``On-Behalf-Of``, ``Link`` pages) and
v3 (OAuth client credentials, bearer token renewed before it expires, cursor pages).

Both versions give the same ATS-neutral shapes (``plugin.ats.base``). Rate limit: the
``X-RateLimit-Limit`` header per 10 seconds (historically 50), shared by every worker through
the database budget; a 429 pauses the credential for its ``Retry-After``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import requests

from plugin.ats.base import (
    AtsApplication,
    AtsAttributeRating,
    AtsInterview,
    AtsNote,
    AtsScheduledInterview,
    AtsScorecard,
    AtsStage,
    AtsUser,
)
from plugin.ats.errors import (
    AtsClientError,
    AtsConfigError,
    AtsConnectionError,
    AtsNotFound,
    AtsResponseError,
    AtsTimeout,
    AtsValidationError,
    error_for_status,
)
from plugin.ats.http import (
    HttpClient,
    error_message,
    items_of,
    parse_timestamp,
    request_id_of,
    shared_session,
)
from plugin.ats.http import as_text as _text

log = logging.getLogger("hireloop.ats.greenhouse")

NOTE_VISIBILITIES = ("admin_only", "private", "public")
V3_RATING = {"strong_no": "definitely_not"}  # v3 candidate_rating -> v1 overall_recommendation
IDS_PER_REQUEST = 50  # v3: ``ids`` / ``*_ids`` take at most 50 values


def basic_auth_header(key: str) -> dict[str, str]:
    import base64

    token = base64.b64encode(f"{key}:".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class OAuthClientCredentials:
    """Harvest v3 token: client credentials at the token URL, ``sub`` = the acting user.

    The token is renewed ``margin`` seconds before it expires, and once more after a 401.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        user_id: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
        margin: float = 60.0,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.user_id = user_id
        self.session = session or shared_session()
        self.timeout = timeout
        self.clock = clock
        self.margin = margin
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.tokens_fetched = 0

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None or self.clock() >= self._expires_at - self.margin:
                self._fetch()
            return {"Authorization": f"Bearer {self._token}"}

    def invalidate(self) -> bool:
        with self._lock:
            self._token = None
        return True

    def _fetch(self) -> None:
        try:
            response = self.session.post(
                self.token_url,
                auth=(self.client_id, self.client_secret),
                data={"grant_type": "client_credentials", "sub": self.user_id},
                headers={"Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.exceptions.Timeout as exc:
            raise AtsTimeout(
                f"POST {self.token_url}: no token within {self.timeout:g} s: {exc}"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise AtsConnectionError(f"POST {self.token_url}: {exc}") from None
        if response.status_code >= 400:
            raise error_for_status(
                response.status_code, error_message(response), request_id_of(response)
            )
        try:
            body = response.json()
            token = str(body["access_token"])
        except (ValueError, KeyError, TypeError):
            raise AtsResponseError(
                f"POST {self.token_url}: no access_token in the answer", response.status_code
            ) from None
        try:
            lifetime = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._token = token
        self._expires_at = self.clock() + lifetime
        self.tokens_fetched += 1
        log.info("greenhouse: new v3 access token, valid %.0f s", lifetime)


def _id(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _numeric(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _chunks(values: Iterable[str], size: int = IDS_PER_REQUEST) -> Iterator[list[str]]:
    chunk: list[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _user_name(user: Mapping[str, Any] | None) -> str:
    if not user:
        return ""
    name = user.get("name") or " ".join(
        part for part in (user.get("first_name"), user.get("last_name")) if part
    )
    return _text(name)


def _user_email(user: Mapping[str, Any]) -> str | None:
    email = user.get("primary_email_address") or user.get("email")
    if not email and isinstance(user.get("emails"), list) and user["emails"]:
        email = user["emails"][0]
    return _id(email)


def scorecard_from_v1(item: Mapping[str, Any]) -> AtsScorecard:
    """A Harvest v1 scorecard object as an AtsScorecard (attribute ratings kept as given)."""
    interviewer = item.get("interviewer") or item.get("submitted_by") or {}
    step = item.get("interview_step") or {}
    ratings = tuple(
        AtsAttributeRating(
            name=_text(attribute.get("name")).strip(),
            rating=_text(attribute.get("rating")) or "no_decision",
            note=_text(attribute.get("note")),
        )
        for attribute in item.get("attributes") or []
        if isinstance(attribute, Mapping) and attribute.get("name")
    )
    notes = "\n\n".join(
        f"{q.get('question')}: {q.get('answer')}"
        for q in item.get("questions") or []
        if isinstance(q, Mapping) and q.get("answer") and q.get("question") != "Private Notes"
    )
    return AtsScorecard(
        id=_text(item.get("id")),
        application_id=_text(item.get("application_id")),
        interviewer_id=_text(interviewer.get("id")),
        interviewer_name=_user_name(interviewer),
        interview_name=_text(step.get("name") or item.get("interview")),
        overall_recommendation=_id(item.get("overall_recommendation")),
        submitted_at=parse_timestamp(item.get("submitted_at")),
        interviewed_at=parse_timestamp(item.get("interviewed_at")),
        ratings=ratings,
        notes=notes,
        interview_id=_id(step.get("id")),
    )


def stage_from_v1(item: Mapping[str, Any]) -> AtsStage:
    interviews = []
    for interview in item.get("interviews") or []:
        kit = interview.get("interview_kit") or {}
        questions = tuple(
            _text(q.get("question")) for q in kit.get("questions") or [] if q.get("question")
        )
        interviews.append(
            AtsInterview(
                id=_text(interview.get("id")),
                name=_text(interview.get("name")),
                questions=questions,
            )
        )
    return AtsStage(
        id=_text(item.get("id")), name=_text(item.get("name")), interviews=tuple(interviews)
    )


class GreenhouseClient:
    """Harvest v1 or v3 behind hireloop's AtsClient interface."""

    name = "greenhouse"
    notes_on_application = False  # notes belong to the candidate

    def __init__(
        self,
        http: HttpClient,
        *,
        version: str = "v1",
        on_behalf_of: str | None = None,
        note_visibility: str = "public",
        per_page: int = 100,
    ) -> None:
        if version not in ("v1", "v3"):
            raise AtsConfigError(f"unknown Harvest version {version!r}")
        if note_visibility not in NOTE_VISIBILITIES:
            raise AtsConfigError(
                f"note visibility must be one of {', '.join(NOTE_VISIBILITIES)}, "
                f"got {note_visibility!r}"
            )
        self.http = http
        self.version = version
        self.on_behalf_of = on_behalf_of
        self.note_visibility = note_visibility
        self.per_page = per_page

    # -- helpers -------------------------------------------------------------------------------

    def _pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        query = {"per_page": self.per_page, **(params or {})}
        for body in self.http.get_pages_by_link(f"/{self.version}/{path.lstrip('/')}", query):
            yield from items_of(body)

    def _write_headers(self) -> dict[str, str]:
        if self.version == "v3":
            return {}  # v3 acts as the token's ``sub`` user
        if not self.on_behalf_of:
            raise AtsConfigError(
                "Harvest v1 writes need a Greenhouse user id: set HIRELOOP_GREENHOUSE_ON_BEHALF_OF"
            )
        return {"On-Behalf-Of": self.on_behalf_of}

    def _by_ids(self, resource: str, ids: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        found: dict[str, Mapping[str, Any]] = {}
        for chunk in _chunks(sorted(set(ids))):
            for item in self._pages(resource, {"ids": ",".join(chunk)}):
                found[_text(item.get("id"))] = item
        return found

    # -- reads ---------------------------------------------------------------------------------

    def job_stages(self, job_id: str) -> list[AtsStage]:
        """The job's stages in order, each with its interviews (v1: with the kit's questions)."""
        if self.version == "v1":
            items = [
                item
                for item in self._pages(f"jobs/{job_id}/stages")
                if item.get("active", True) is not False
            ]
            items.sort(key=lambda item: (item.get("priority") is None, item.get("priority") or 0))
            return [stage_from_v1(item) for item in items]
        stages = [
            s
            for s in self._pages("job_interview_stages", {"job_ids": job_id})
            if s.get("active", True) is not False
        ]
        interviews: dict[str, list[Mapping[str, Any]]] = {}
        for item in self._pages("job_interviews", {"job_ids": job_id}):
            if item.get("active", True) is False:
                continue
            interviews.setdefault(_text(item.get("job_interview_stage_id")), []).append(item)
        stages.sort(key=lambda s: s.get("sort_order") or 0)
        result = []
        for stage in stages:
            members = sorted(
                interviews.get(_text(stage.get("id")), []), key=lambda i: i.get("sort_order") or 0
            )
            result.append(
                AtsStage(
                    id=_text(stage.get("id")),
                    name=_text(stage.get("name")),
                    interviews=tuple(
                        AtsInterview(id=_text(i.get("id")), name=_text(i.get("name")))
                        for i in members
                    ),
                )
            )
        return result

    def application(self, application_id: str) -> AtsApplication | None:
        if self.version == "v1":
            try:
                item = self.http.json("GET", f"/v1/applications/{application_id}")
            except AtsNotFound:
                return None
            stage = item.get("current_stage") or {}
            jobs = item.get("jobs") or [{}]
            return AtsApplication(
                id=_text(item.get("id")),
                candidate_id=_id(item.get("candidate_id")),
                job_id=_id(jobs[0].get("id")) if jobs else None,
                stage_id=_id(stage.get("id")),
                stage_name=_id(stage.get("name")),
                status=_id(item.get("status")),
                updated_at=parse_timestamp(item.get("last_activity_at")),
            )
        found = self._by_ids("applications", [application_id])
        if application_id not in found:
            return None
        item = found[application_id]
        return AtsApplication(
            id=_text(item.get("id")),
            candidate_id=_id(item.get("candidate_id")),
            job_id=_id(item.get("job_id")),
            stage_id=_id(item.get("stage_id")),
            stage_name=_id(item.get("stage_name")),
            status=_id(item.get("status")),
            updated_at=parse_timestamp(item.get("updated_at")),
        )

    def applications(self, job_id: str, status: str | None = "active") -> list[AtsApplication]:
        params: dict[str, Any] = {"job_id" if self.version == "v1" else "job_ids": job_id}
        if status:
            params["status"] = status
        result = []
        for item in self._pages("applications", params):
            stage = item.get("current_stage") or {}
            jobs = item.get("jobs") or []
            result.append(
                AtsApplication(
                    id=_text(item.get("id")),
                    candidate_id=_id(item.get("candidate_id")),
                    job_id=_id(jobs[0].get("id")) if jobs else _id(item.get("job_id")),
                    stage_id=_id(stage.get("id") or item.get("stage_id")),
                    stage_name=_id(stage.get("name") or item.get("stage_name")),
                    status=_id(item.get("status")),
                    updated_at=parse_timestamp(
                        item.get("last_activity_at") or item.get("updated_at")
                    ),
                )
            )
        return result

    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
        if self.version == "v1":
            result = []
            for item in self._pages(f"applications/{application_id}/scheduled_interviews"):
                interview = item.get("interview") or {}
                start = (item.get("start") or {}).get("date_time")
                end = (item.get("end") or {}).get("date_time")
                result.append(
                    AtsScheduledInterview(
                        id=_text(item.get("id")),
                        interview_id=_id(interview.get("id")),
                        interview_name=_text(interview.get("name")),
                        starts_at=parse_timestamp(start),
                        ends_at=parse_timestamp(end),
                        interviewers=tuple(
                            AtsUser(_text(u.get("id")), _user_name(u), _id(u.get("email")))
                            for u in item.get("interviewers") or []
                        ),
                    )
                )
            return result
        interviews = list(self._pages("interviews", {"application_ids": application_id}))
        panel: dict[str, list[str]] = {}
        ids = [_text(i.get("id")) for i in interviews]
        for chunk in _chunks(ids):
            for row in self._pages("interviewers", {"interview_ids": ",".join(chunk)}):
                panel.setdefault(_text(row.get("interview_id")), []).append(
                    _text(row.get("user_id"))
                )
        users = self._by_ids("users", [u for members in panel.values() for u in members])
        kinds = self._by_ids(
            "job_interviews", [_text(i.get("job_interview_id")) for i in interviews]
        )
        return [
            AtsScheduledInterview(
                id=_text(i.get("id")),
                interview_id=_id(i.get("job_interview_id")),
                interview_name=_text(
                    (kinds.get(_text(i.get("job_interview_id"))) or {}).get("name")
                ),
                starts_at=parse_timestamp(i.get("starts_at")),
                ends_at=parse_timestamp(i.get("ends_at")),
                interviewers=tuple(
                    AtsUser(
                        uid,
                        _user_name(users.get(uid)),
                        _user_email(users[uid]) if uid in users else None,
                    )
                    for uid in panel.get(_text(i.get("id")), [])
                ),
            )
            for i in interviews
        ]

    def scorecards(self, application_id: str) -> list[AtsScorecard]:
        """Submitted scorecards of the application, with per-attribute ratings."""
        if self.version == "v1":
            return [
                scorecard_from_v1(item)
                for item in self._pages(f"applications/{application_id}/scorecards")
            ]
        cards = [
            c
            for c in self._pages(
                "scorecards", {"application_ids": application_id, "status": "complete"}
            )
        ]
        if not cards:
            return []
        by_card: dict[str, list[Mapping[str, Any]]] = {}
        for chunk in _chunks([_text(c.get("id")) for c in cards]):
            for row in self._pages(
                "scorecard_candidate_attributes", {"scorecard_ids": ",".join(chunk)}
            ):
                by_card.setdefault(_text(row.get("scorecard_id")), []).append(row)
        attributes = self._by_ids(
            "job_candidate_attributes",
            [_text(r.get("job_candidate_attribute_id")) for rows in by_card.values() for r in rows],
        )
        kits = self._by_ids(
            "interview_kits",
            [_text(c.get("interview_kit_id")) for c in cards if c.get("interview_kit_id")],
        )
        interviews = self._by_ids(
            "job_interviews", [_text(k.get("job_interview_id")) for k in kits.values()]
        )
        users = self._by_ids(
            "users", [_text(c.get("interviewer_id")) for c in cards if c.get("interviewer_id")]
        )
        result = []
        for card in cards:
            card_id = _text(card.get("id"))
            kit = kits.get(_text(card.get("interview_kit_id"))) or {}
            interview_id = _id(kit.get("job_interview_id"))
            interview = interviews.get(interview_id or "") or {}
            ratings = []
            for row in by_card.get(card_id, []):
                attribute_id = _text(row.get("job_candidate_attribute_id"))
                name = _text((attributes.get(attribute_id) or {}).get("name")) or attribute_id
                ratings.append(
                    AtsAttributeRating(
                        name=name,
                        rating=_text(row.get("candidate_attribute_rating")) or "no_decision",
                        note=_text(row.get("note")),
                    )
                )
            rating = _id(card.get("candidate_rating"))
            interviewer_id = _text(card.get("interviewer_id"))
            result.append(
                AtsScorecard(
                    id=card_id,
                    application_id=_text(card.get("application_id")),
                    interviewer_id=interviewer_id,
                    interviewer_name=_user_name(users.get(interviewer_id)),
                    interview_name=_text(interview.get("name")),
                    overall_recommendation=V3_RATING.get(rating or "", rating),
                    submitted_at=parse_timestamp(card.get("submitted_at")),
                    interviewed_at=parse_timestamp(card.get("interviewed_at")),
                    ratings=tuple(ratings),
                    notes=_text(card.get("public_notes") or card.get("notes")),
                    interview_id=interview_id,
                )
            )
        return result

    def user(self, user_id: str) -> AtsUser | None:
        if self.version == "v1":
            try:
                item = self.http.json("GET", f"/v1/users/{user_id}")
            except AtsNotFound:
                return None
        else:
            item = self._by_ids("users", [user_id]).get(user_id)
            if item is None:
                return None
        return AtsUser(_text(item.get("id")), _user_name(item), _user_email(item))

    def candidate_notes(self, candidate_id: str) -> list[AtsNote]:
        if self.version == "v1":
            feed = self.http.json("GET", f"/v1/candidates/{candidate_id}/activity_feed")
            notes = feed.get("notes") if isinstance(feed, Mapping) else None
        else:
            notes = list(self._pages("notes", {"candidate_ids": candidate_id}))
        return [
            AtsNote(_text(n.get("id")), _text(n.get("body")), parse_timestamp(n.get("created_at")))
            for n in notes or []
            if isinstance(n, Mapping)
        ]

    # -- writes --------------------------------------------------------------------------------

    def create_candidate_note(self, candidate_id: str, body: str) -> AtsNote:
        headers = self._write_headers()
        if self.version == "v1":
            assert self.on_behalf_of is not None
            payload: dict[str, Any] = {
                "user_id": _numeric(self.on_behalf_of),
                "body": body,
                "visibility": self.note_visibility,
            }
            answer = self.http.json(
                "POST",
                f"/v1/candidates/{candidate_id}/activity_feed/notes",
                json=payload,
                headers=headers,
            )
        else:
            auth = self.http.auth
            user_id = getattr(auth, "user_id", None)
            payload = {
                "candidate_id": _numeric(candidate_id),
                "body": body,
                "visibility": self.note_visibility,
            }
            if user_id:
                payload["user_id"] = _numeric(str(user_id))
            answer = self.http.json("POST", "/v3/notes", json=payload)
        if not isinstance(answer, Mapping) or answer.get("id") is None:
            raise AtsResponseError("Greenhouse accepted the note but returned no id")
        return AtsNote(
            _text(answer.get("id")),
            _text(answer.get("body") or body),
            parse_timestamp(answer.get("created_at")),
        )

    def set_application_custom_field(self, application_id: str, name_key: str, value: str) -> None:
        """Set one application custom field (Greenhouse: Enterprise accounts only)."""
        payload = {"custom_fields": [{"name_key": name_key, "value": value}]}
        self.http.json(
            "PATCH",
            f"/{self.version}/applications/{application_id}",
            json=payload,
            headers=self._write_headers(),
            write=True,
        )

    def add_candidate_tag(self, candidate_id: str, tag_name: str) -> str:
        """Tag the candidate (creating the tag if needed); returns the tag id. Idempotent."""
        headers = self._write_headers()
        if self.version == "v1":
            tag = self.http.json(
                "POST", "/v1/tags/candidate", json={"name": tag_name}, headers=headers
            )
            tag_id = _text((tag or {}).get("id"))
            if not tag_id:
                raise AtsResponseError("Greenhouse returned no tag id")
            self.http.request(
                "PUT", f"/v1/candidates/{candidate_id}/tags/{tag_id}", headers=headers
            )
            return tag_id
        existing = next(
            (
                t
                for t in self._pages("candidate_tags")
                if _text(t.get("name")).lower() == tag_name.lower()
            ),
            None,
        )
        if existing is None:
            existing = self.http.json("POST", "/v3/candidate_tags", json={"name": tag_name})
        tag_id = _text((existing or {}).get("id"))
        if not tag_id:
            raise AtsResponseError("Greenhouse returned no tag id")
        try:
            self.http.request(
                "POST",
                "/v3/applied_candidate_tags",
                json={"candidate_id": _numeric(candidate_id), "candidate_tag_id": _numeric(tag_id)},
            )
        except (AtsValidationError, AtsClientError) as exc:
            # Applied already: the tag is where we want it.
            if exc.status != 409 and "already" not in exc.message.lower():
                raise
        return tag_id
