"""The sandbox ATS's memory: one Greenhouse organisation with a job, its people and a candidate.

Objects are rendered in the shapes of Harvest v1 (job stage, application, scheduled
interview, scorecard, user, activity-feed note) and of the ``candidate_stage_change``
webhook, so hireloop's Greenhouse client and webhook receiver read them as they would read
Greenhouse. Everything lives in memory behind one lock; nothing is written to disk.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from plugin.demo.sandbox import seed

VISIBILITIES = ("admin_only", "private", "public")

KIT_QUESTIONS: dict[str, list[str]] = {
    "product-sense": [
        "Tell me about a product that you love.",
        "What would you change about it, and how would you know it worked?",
    ],
    "spec-writing": [
        "Sales tells you: 'Customers want to save their searches.' Outline a spec for it.",
    ],
    "past-experience": [
        "Tell me about the most complex launch you led.",
        "Tell me about a project that missed its date.",
    ],
    "analytics-case": [
        "Checkout conversion dropped 4% last week. How do you find out why?",
    ],
}


def iso(moment: datetime) -> str:
    """Greenhouse's timestamp format: UTC, milliseconds, a trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SandboxInterview:
    id: int
    name: str
    format: str
    interviewer_ids: list[int]
    kit_id: int
    estimated_minutes: int = 45


@dataclass
class SandboxStage:
    id: int
    name: str
    priority: int
    interviews: list[SandboxInterview] = field(default_factory=list)


@dataclass
class SandboxJob:
    id: int
    name: str
    stages: list[SandboxStage]
    created_at: datetime


@dataclass
class SandboxApplication:
    id: int
    candidate_id: int
    job_id: int
    stage_id: int
    status: str
    applied_at: datetime
    last_activity_at: datetime


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int
    reset_at: int


class RateLimiter:
    """Greenhouse's published v1 limit: ``limit`` requests per ``window`` seconds per key."""

    def __init__(
        self, limit: int = 50, window: float = 10.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> RateDecision:
        with self._lock:
            moment = self.clock()
            started, used = self._windows.get(key, (moment, 0))
            if moment >= started + self.window:
                started, used = moment, 0
            ends = started + self.window
            reset_at = math.ceil(ends)
            if used >= self.limit:
                self._windows[key] = (started, used)
                retry = max(1, math.ceil(ends - moment))
                return RateDecision(False, self.limit, 0, retry, reset_at)
            used += 1
            self._windows[key] = (started, used)
            return RateDecision(True, self.limit, self.limit - used, 0, reset_at)


def _as_int(value: Any, fallback: Callable[[], int]) -> int:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else fallback()


class SandboxState:
    """In-memory Greenhouse data plus the settings a client needs to talk to it."""

    def __init__(
        self,
        loop: Mapping[str, Any] | None = None,
        *,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        webhook_url: str | None = None,
        rate_limit: int = 50,
        rate_window: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api_key = api_key or "sandbox-" + secrets.token_hex(12)
        self.webhook_secret = webhook_secret or secrets.token_hex(24)
        self.webhook_url = webhook_url
        self.base_url = "http://sandbox.invalid"
        self.limiter = RateLimiter(rate_limit, rate_window, clock)
        self.lock = threading.RLock()
        self._ids = count(900001)
        self.users = {user.id: user for user in seed.USERS}
        self.jobs: dict[int, SandboxJob] = {}
        self.candidates: dict[int, dict[str, Any]] = {}
        self.applications: dict[int, SandboxApplication] = {}
        self.scheduled: dict[int, list[dict[str, Any]]] = {}
        self.scorecards: list[dict[str, Any]] = []
        self.notes: dict[int, list[dict[str, Any]]] = {}
        # (method, path with query, status) of every Harvest request, for tests and diagnosis.
        self.requests: list[tuple[str, str, int]] = []
        self.loop = dict(loop or seed.DEMO_LOOP)
        self._seed(self.loop)

    # -- seeding ---------------------------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def _seed(self, loop: Mapping[str, Any]) -> None:
        created = now() - timedelta(days=21)
        job_id = _as_int(loop.get("job_id"), self.next_id)
        stages = [SandboxStage(_as_int(seed.FIRST_STAGE[0], self.next_id), seed.FIRST_STAGE[1], 0)]
        interviewers = iter(_cycle([u.id for u in seed.INTERVIEWERS]))
        for position, stage in enumerate(loop.get("stages") or [], start=1):
            interviews = [
                SandboxInterview(
                    id=_as_int(interview.get("ats_interview_id"), self.next_id),
                    name=str(interview.get("name") or f"Interview {position}"),
                    format=str(interview.get("format") or ""),
                    interviewer_ids=[next(interviewers)],
                    kit_id=self.next_id(),
                )
                for interview in stage.get("interviews") or []
            ]
            stages.append(
                SandboxStage(
                    id=_as_int(stage.get("ats_stage_id"), self.next_id),
                    name=str(stage.get("name") or f"Stage {position}"),
                    priority=position,
                    interviews=interviews,
                )
            )
        stages.append(
            SandboxStage(_as_int(seed.LAST_STAGE[0], self.next_id), seed.LAST_STAGE[1], len(stages))
        )
        self.jobs[job_id] = SandboxJob(job_id, seed.JOB_NAME, stages, created)
        candidate = dict(seed.CANDIDATE)
        candidate["created_at"] = created + timedelta(days=3)
        self.candidates[candidate["id"]] = candidate
        self.applications[seed.APPLICATION_ID] = SandboxApplication(
            id=seed.APPLICATION_ID,
            candidate_id=candidate["id"],
            job_id=job_id,
            stage_id=stages[0].id,
            status="active",
            applied_at=created + timedelta(days=3),
            last_activity_at=created + timedelta(days=3),
        )
        self.scheduled[seed.APPLICATION_ID] = []

    # -- lookups ---------------------------------------------------------------------------

    @property
    def job(self) -> SandboxJob:
        """The seeded job."""
        return next(iter(self.jobs.values()))

    @property
    def application(self) -> SandboxApplication:
        """The seeded candidate's application."""
        return self.applications[seed.APPLICATION_ID]

    def find_stage(self, job_id: int, stage: int | str) -> SandboxStage:
        for candidate in self.jobs[job_id].stages:
            if str(candidate.id) == str(stage) or candidate.name.lower() == str(stage).lower():
                return candidate
        raise KeyError(f"job {job_id} has no stage {stage!r}")

    def loop_stages(self) -> list[SandboxStage]:
        """The stages the loop maps, in order (not Application Review or Offer)."""
        return [stage for stage in self.job.stages if stage.interviews]

    # -- Harvest v1 objects ----------------------------------------------------------------

    def user_ref(self, user_id: int) -> dict[str, Any]:
        user = self.users[user_id]
        return {
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "name": user.name,
            "employee_id": user.employee_id,
        }

    def user_object(self, user_id: int) -> dict[str, Any]:
        user = self.users[user_id]
        created = iso(self.job.created_at - timedelta(days=400))
        return {
            "id": user.id,
            "name": user.name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "primary_email_address": user.email,
            "updated_at": created,
            "created_at": created,
            "disabled": False,
            "site_admin": user.site_admin,
            "emails": [user.email],
            "employee_id": user.employee_id,
            "linked_candidate_ids": [],
            "offices": [],
            "departments": [],
        }

    def job_object(self, job: SandboxJob) -> dict[str, Any]:
        return {
            "id": job.id,
            "name": job.name,
            "requisition_id": "PAY-042",
            "notes": "Payments platform team",
            "confidential": False,
            "status": "open",
            "created_at": iso(job.created_at),
            "opened_at": iso(job.created_at),
            "closed_at": None,
            "updated_at": iso(job.created_at),
            "is_template": False,
            "copied_from_id": None,
            "departments": [{"id": 237, "name": "Product", "parent_id": None, "external_id": None}],
            "offices": [{"id": 54, "name": "Remote", "location": {"name": "Remote"}}],
            "hiring_team": {
                "hiring_managers": [{**self.user_ref(seed.HIRING_MANAGER.id), "responsible": True}],
                "recruiters": [{**self.user_ref(seed.RECRUITER.id), "responsible": True}],
                "coordinators": [],
                "sourcers": [],
            },
            "custom_fields": {},
            "keyed_custom_fields": {},
            "openings": [{"id": 123, "opening_id": "PAY-042-1", "status": "open"}],
        }

    def stage_object(self, job: SandboxJob, stage: SandboxStage) -> dict[str, Any]:
        """Shaped like Harvest's job stage object (``GET /v1/jobs/{id}/stages``)."""
        return {
            "id": stage.id,
            "name": stage.name,
            "created_at": iso(job.created_at),
            "updated_at": iso(job.created_at),
            "active": True,
            "job_id": job.id,
            "priority": stage.priority,
            "interviews": [
                {
                    "id": interview.id,
                    "name": interview.name,
                    "schedulable": True,
                    "estimated_minutes": interview.estimated_minutes,
                    "default_interviewer_users": [
                        self.user_ref(uid) for uid in interview.interviewer_ids
                    ],
                    "interview_kit": {
                        "id": interview.kit_id,
                        "content": f"<h5>Purpose</h5><span>{interview.name} for the "
                        f"{job.name} loop.</span>",
                        "questions": self._kit_questions(interview),
                    },
                }
                for interview in stage.interviews
            ],
        }

    def _kit_questions(self, interview: SandboxInterview) -> list[dict[str, Any]]:
        return [
            {"id": interview.kit_id * 10 + n, "question": text}
            for n, text in enumerate(KIT_QUESTIONS.get(interview.format, []), start=1)
        ]

    def application_object(self, application: SandboxApplication) -> dict[str, Any]:
        job = self.jobs[application.job_id]
        stage = self.find_stage(job.id, application.stage_id)
        return {
            "id": application.id,
            "candidate_id": application.candidate_id,
            "prospect": False,
            "applied_at": iso(application.applied_at),
            "rejected_at": None,
            "last_activity_at": iso(application.last_activity_at),
            "location": None,
            "source": {"id": 31, "public_name": "Referral"},
            "credited_to": self.user_ref(seed.RECRUITER.id),
            "rejection_reason": None,
            "rejection_details": None,
            "jobs": [{"id": job.id, "name": job.name}],
            "job_post_id": None,
            "status": application.status,
            "current_stage": {"id": stage.id, "name": stage.name},
            "answers": [],
            "prospective_office": None,
            "prospective_department": None,
            "prospect_detail": {
                "prospect_pool": None,
                "prospect_stage": None,
                "prospect_owner": None,
            },
            "custom_fields": {},
            "keyed_custom_fields": {},
            "attachments": [],
        }

    def candidate_object(self, candidate_id: int) -> dict[str, Any]:
        candidate = self.candidates[candidate_id]
        return {
            "id": candidate["id"],
            "first_name": candidate["first_name"],
            "last_name": candidate["last_name"],
            "company": candidate["company"],
            "title": candidate["title"],
            "created_at": iso(candidate["created_at"]),
            "updated_at": iso(candidate["created_at"]),
            "last_activity": iso(self.application.last_activity_at),
            "is_private": False,
            "photo_url": None,
            "attachments": [],
            "application_ids": [
                a.id for a in self.applications.values() if a.candidate_id == candidate_id
            ],
            "phone_numbers": [],
            "addresses": [],
            "email_addresses": [{"value": candidate["email"], "type": "personal"}],
            "website_addresses": [],
            "social_media_addresses": [],
            "recruiter": self.user_ref(seed.RECRUITER.id),
            "coordinator": None,
            "can_email": True,
            "tags": [],
            "custom_fields": {},
            "keyed_custom_fields": {},
        }

    # -- actions ---------------------------------------------------------------------------

    def move_application(self, application_id: int, stage: int | str) -> dict[str, Any]:
        """Move an application to a stage of its job, schedule that stage's interviews
        (earlier today, now awaiting feedback) and return the ``candidate_stage_change``
        webhook body Greenhouse would send."""
        with self.lock:
            application = self.applications[application_id]
            target = self.find_stage(application.job_id, stage)
            moment = now()
            # Strictly later than the last event, so a receiver ordering by it never sees a tie.
            if moment <= application.last_activity_at:
                moment = application.last_activity_at + timedelta(milliseconds=1)
            application.stage_id = target.id
            application.last_activity_at = moment
            self._schedule(application, target, moment)
            return self.stage_change_payload(application)

    def _schedule(
        self, application: SandboxApplication, stage: SandboxStage, moment: datetime
    ) -> None:
        day = moment.replace(minute=0, second=0, microsecond=0)
        count_ = len(stage.interviews)
        for position, interview in enumerate(stage.interviews):
            starts = day - timedelta(hours=count_ + 1 - position)
            ends = starts + timedelta(minutes=interview.estimated_minutes)
            self.scheduled[application.id].append(
                {
                    "id": self.next_id(),
                    "application_id": application.id,
                    "external_event_id": f"sandbox-{secrets.token_hex(6)}",
                    "created_at": iso(moment),
                    "updated_at": iso(moment),
                    "start": {"date_time": iso(starts)},
                    "end": {"date_time": iso(ends)},
                    "location": "Video call",
                    "video_conferencing_url": "https://meet.example.com/sandbox",
                    "status": "awaiting_feedback",
                    "interview": {"id": interview.id, "name": interview.name},
                    "organizer": self.user_ref(seed.RECRUITER.id),
                    "interviewers": [
                        {
                            "id": uid,
                            "employee_id": self.users[uid].employee_id,
                            "name": self.users[uid].name,
                            "email": self.users[uid].email,
                            "response_status": "accepted",
                            "scorecard_id": None,
                        }
                        for uid in interview.interviewer_ids
                    ],
                }
            )

    def stage_change_payload(self, application: SandboxApplication) -> dict[str, Any]:
        """A ``candidate_stage_change`` body shaped like Greenhouse's documented example."""
        job = self.jobs[application.job_id]
        stage = self.find_stage(job.id, application.stage_id)
        candidate = self.candidates[application.candidate_id]
        recruiter = self.user_ref(seed.RECRUITER.id)
        person = {
            "id": recruiter["id"],
            "email": self.users[seed.RECRUITER.id].email,
            "name": recruiter["name"],
            "employee_id": recruiter["employee_id"],
        }
        return {
            "action": "candidate_stage_change",
            "payload": {
                "application": {
                    "id": application.id,
                    "rejected_at": None,
                    "prospect": False,
                    "status": application.status,
                    "applied_at": iso(application.applied_at),
                    "last_activity_at": iso(application.last_activity_at),
                    "url": f"{self.base_url}/people/{candidate['id']}"
                    f"?application_id={application.id}",
                    "source": {"id": 31, "name": "Referral"},
                    "credited_to": person,
                    "rejection_reason": None,
                    "rejection_details": None,
                    "current_stage": {
                        "id": stage.id,
                        "name": stage.name,
                        "interviews": [
                            {
                                "id": interview.id,
                                "name": interview.name,
                                "status": "awaiting_feedback",
                                "interview_kit": {
                                    "url": f"{self.base_url}/guides/{interview.kit_id}"
                                    f"/people/{candidate['id']}",
                                    "content": f"{interview.name} for the {job.name} loop.",
                                    "questions": self._kit_questions(interview),
                                },
                                "interviewers": [
                                    {
                                        "id": uid,
                                        "display_name": self.users[uid].name,
                                        "status": "accepted",
                                    }
                                    for uid in interview.interviewer_ids
                                ],
                            }
                            for interview in stage.interviews
                        ],
                    },
                    "custom_fields": {},
                    "candidate": {
                        "id": candidate["id"],
                        "first_name": candidate["first_name"],
                        "last_name": candidate["last_name"],
                        "title": candidate["title"],
                        "company": candidate["company"],
                        "created_at": iso(candidate["created_at"]),
                        "external_id": None,
                        "photo_url": None,
                        "url": f"{self.base_url}/people/{candidate['id']}",
                        "is_private": False,
                        "can_email": True,
                        "phone_numbers": [],
                        "email_addresses": [{"value": candidate["email"], "type": "personal"}],
                        "addresses": [],
                        "website_addresses": [],
                        "social_media_addresses": [],
                        "educations": [],
                        "employments": [],
                        "recruiter": person,
                        "coordinator": person,
                        "attachments": [],
                        "tags": [],
                        "custom_fields": {},
                    },
                    "jobs": [
                        {
                            "id": job.id,
                            "name": job.name,
                            "requisition_id": "PAY-042",
                            "notes": "Payments platform team",
                            "confidential": False,
                            "job_post_id": None,
                            "status": "open",
                            "created_by_id": seed.RECRUITER.id,
                            "created_at": iso(job.created_at),
                            "opened_at": iso(job.created_at),
                            "closed_at": None,
                            "departments": [{"id": 237, "name": "Product", "external_id": None}],
                            "offices": [
                                {
                                    "id": 54,
                                    "name": "Remote",
                                    "location": "Remote",
                                    "external_id": None,
                                }
                            ],
                            "custom_fields": {},
                        }
                    ],
                }
            },
        }

    def add_note(
        self, candidate_id: int, user_id: int, body: str, visibility: str
    ) -> dict[str, Any]:
        with self.lock:
            note = {
                "id": self.next_id(),
                "created_at": iso(now()),
                "body": body,
                "user": self.user_ref(user_id),
                "private": visibility != "public",
                "visiblity": visibility,  # sic: Greenhouse answers with both spellings
                "visibility": visibility,
            }
            self.notes.setdefault(candidate_id, []).append(note)
            return note

    def add_scorecard(self, scorecard: dict[str, Any]) -> dict[str, Any]:
        """Record a scorecard submitted in the ATS itself (for import tests)."""
        with self.lock:
            scorecard = {"id": self.next_id(), **scorecard}
            self.scorecards.append(scorecard)
            return scorecard

    def activity_feed(self, candidate_id: int) -> dict[str, Any]:
        return {
            "notes": list(reversed(self.notes.get(candidate_id, []))),
            "emails": [],
            "activities": [],
        }

    def all_notes(self) -> list[dict[str, Any]]:
        with self.lock:
            return [note for notes in self.notes.values() for note in notes]


def _cycle(values: list[int]) -> Iterable[int]:
    while True:
        yield from values
