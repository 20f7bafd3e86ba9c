"""Internal events: what a vendor webhook means to hireloop, independent of the vendor.

Each event carries the provider's own ids (as text) and the resource's own timestamp
(``occurred_at``), which orders events so that a late, older delivery never moves an
application backwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EventKind(StrEnum):
    APPLICATION_STAGE_CHANGED = "application.stage_changed"
    APPLICATION_UPDATED = "application.updated"
    APPLICATION_HIRED = "application.hired"
    APPLICATION_REJECTED = "application.rejected"
    APPLICATION_UNREJECTED = "application.unrejected"
    INTERVIEW_CANCELLED = "interview.cancelled"
    INTERVIEWS_SCHEDULED = "interviews.scheduled"
    CANDIDATE_DELETED = "candidate.deleted"
    CANDIDATE_MERGED = "candidate.merged"
    CANDIDATE_ANONYMIZED = "candidate.anonymized"
    JOB_STAGE_DELETED = "job_stage.deleted"
    SCORECARD_DELETED = "scorecard.deleted"
    PING = "ping"
    IGNORED = "ignored"


#: Kinds that carry an application snapshot and go through the application upsert.
APPLICATION_KINDS = frozenset(
    {
        EventKind.APPLICATION_STAGE_CHANGED,
        EventKind.APPLICATION_UPDATED,
        EventKind.APPLICATION_HIRED,
        EventKind.APPLICATION_REJECTED,
        EventKind.APPLICATION_UNREJECTED,
    }
)

#: Kinds that are answered 200 and never stored.
UNSTORED_KINDS = frozenset({EventKind.PING, EventKind.IGNORED})


@dataclass(frozen=True)
class InterviewerRef:
    id: str
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class InterviewRef:
    """An interview of the application's current stage as the payload describes it."""

    id: str | None
    name: str
    interviewers: tuple[InterviewerRef, ...] = ()
    status: str | None = None
    # False: the ATS named no interviewer field for (part of) it, so who interviews is not
    # known: the people it names are assigned, nobody is cancelled for not being named.
    panel_known: bool = True


@dataclass(frozen=True)
class ApplicationSnapshot:
    """What the payload says about an application. ``None`` means "the payload is silent",
    never "clear it"."""

    external_id: str
    candidate_external_id: str | None = None
    candidate_name: str | None = None
    job_id: str | None = None
    job_name: str | None = None
    stage_id: str | None = None
    stage_name: str | None = None
    status: str | None = None  # active | hired | rejected | closed
    # None: the payload says nothing about interviews (Lever, Ashby); () : it says "none".
    interviews: tuple[InterviewRef, ...] | None = None
    # True: ``interviews`` is every interview of the stage (re-read from the ATS's API), so a
    # loop interview it does not mention has nobody interviewing now (deleted, cancelled).
    panel_complete: bool = False


@dataclass(frozen=True)
class InboundEvent:
    provider: str
    kind: EventKind
    vendor_event: str
    occurred_at: datetime | None = None
    application: ApplicationSnapshot | None = None
    # interview.cancelled: the ATS interview (Greenhouse: scheduled interview or interview
    # id; Lever: interview id; Ashby: interview schedule id) and its stage where known;
    # interviews.scheduled: the schedule's id and stage (Lever: the interview's id; the stage
    # is the opportunity's, re-read), and in ``application`` the application and who
    # interviews.
    interview_id: str | None = None
    application_ids: tuple[str, ...] = ()
    candidate_id: str | None = None
    merged_into: str | None = None
    job_id: str | None = None
    stage_id: str | None = None
    fields: tuple[str, ...] = ()  # candidate.anonymized: which fields the ATS anonymized
    scorecard_id: str | None = None  # scorecard.deleted: the ATS's scorecard
    # interview.cancelled (Ashby): the cancelled schedule's interviews and interviewers;
    # empty: all of the stage's.
    interviews: tuple[InterviewRef, ...] = ()
    # The payload is a thin hint (Lever; Ashby's application events, which name no
    # interviewers): state should be re-read from the ATS API.
    thin: bool = False
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def subject(self) -> tuple[str | None, str | None]:
        """The application and the candidate the event is about (the ATS's ids), where it
        says: kept with the stored delivery, so that purging a candidate finds it."""
        snapshot = self.application
        if snapshot is not None:
            application: str | None = snapshot.external_id
        else:
            application = self.application_ids[0] if len(self.application_ids) == 1 else None
        candidate = (snapshot.candidate_external_id if snapshot else None) or self.candidate_id
        return application, candidate


@dataclass(frozen=True)
class Envelope:
    """What the inbox row needs: the vendor's event name and the dedupe key."""

    provider: str
    event_type: str
    dedupe_key: str
