"""Completing thin events from an ATS client (a fake one: the HTTP side has its own tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from plugin.ats.base import AtsApplication, AtsScheduledInterview, AtsUser
from plugin.inbound.reread import complete_from, completer
from webhooks.events import ApplicationSnapshot, EventKind, InboundEvent

MOVED = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass
class FakeLever:
    found: AtsApplication | None
    interviews: list[AtsScheduledInterview] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)

    def application(self, application_id: str) -> AtsApplication | None:
        self.reads.append(application_id)
        return self.found

    def scheduled_interviews(self, application_id: str) -> list[AtsScheduledInterview]:
        return self.interviews


def thin_event(stage_id: str | None = "stage-a") -> InboundEvent:
    return InboundEvent(
        "lever",
        EventKind.APPLICATION_STAGE_CHANGED,
        "candidateStageChange",
        MOVED,
        application=ApplicationSnapshot("opp-1", candidate_external_id="cand-1", stage_id=stage_id),
        thin=True,
    )


def scheduled(
    interview_id: str, stage_id: str, *, cancelled: bool = False
) -> AtsScheduledInterview:
    return AtsScheduledInterview(
        interview_id,
        f"form-{interview_id}",
        f"Interview {interview_id}",
        None,
        None,
        (AtsUser(f"user-{interview_id}", f"User {interview_id}", f"{interview_id}@example.com"),),
        stage_id=stage_id,
        cancelled=cancelled,
    )


def test_the_ats_answer_wins_and_the_event_keeps_its_kind_time_and_status() -> None:
    client = FakeLever(
        AtsApplication(
            "opp-1", "contact-9", "posting-1", "stage-b", "Onsite", "active", None, "Ana", "PM"
        ),
        [
            scheduled("1", "stage-b"),
            scheduled("2", "stage-a"),
            scheduled("3", "stage-b", cancelled=True),
        ],
    )
    event = complete_from(client, thin_event())  # type: ignore[arg-type]
    snapshot = event.application
    assert snapshot is not None and not event.thin
    assert (event.kind, event.occurred_at, snapshot.status) == (
        EventKind.APPLICATION_STAGE_CHANGED,
        MOVED,
        None,
    )
    assert (snapshot.stage_id, snapshot.stage_name) == ("stage-b", "Onsite")  # moved on since
    assert (snapshot.job_id, snapshot.job_name, snapshot.candidate_name) == (
        "posting-1",
        "PM",
        "Ana",
    )
    assert snapshot.candidate_external_id == "cand-1"  # the payload's id, used to purge
    assert snapshot.interviews is not None
    assert [(i.id, [p.email for p in i.interviewers]) for i in snapshot.interviews] == [
        ("form-1", ["1@example.com"])
    ]


def test_an_opportunity_gone_from_the_ats_leaves_the_event_as_it_came() -> None:
    event = thin_event()
    client = FakeLever(None)
    assert complete_from(client, event) is event  # type: ignore[arg-type]
    assert client.reads == ["opp-1"]


def test_events_that_are_not_thin_are_not_read_again() -> None:

    event = InboundEvent("greenhouse", EventKind.APPLICATION_UPDATED, "x", MOVED)
    assert completer({"LEVER_API_KEY": "k"})(event) is event


def test_the_reread_is_the_whole_panel_only_when_the_ats_places_every_interview() -> None:
    found = AtsApplication("opp-1", "c", "posting-1", "stage-a", "Onsite", "active", None)
    placed = complete_from(FakeLever(found, [scheduled("1", "stage-a")]), thin_event())
    assert placed.application is not None and placed.application.panel_complete
    unplaced = AtsScheduledInterview("2", "form-2", "Interview 2", None, None, ())
    partial = complete_from(FakeLever(found, [unplaced]), thin_event())
    assert partial.application is not None and not partial.application.panel_complete


def test_an_interview_event_takes_the_stage_and_an_archive_the_reason_type() -> None:
    found = AtsApplication("opp-1", "c", "posting-1", "stage-a", "Onsite", "hired", None)
    interview = InboundEvent(
        "lever",
        EventKind.INTERVIEWS_SCHEDULED,
        "interviewCreated",
        application=ApplicationSnapshot("opp-1"),
        thin=True,
    )
    client = FakeLever(found, [scheduled("1", "stage-a")])
    completed = complete_from(client, interview)
    assert (completed.kind, completed.stage_id, completed.thin) == (
        EventKind.INTERVIEWS_SCHEDULED,
        "stage-a",
        False,
    )
    archived = InboundEvent(
        "lever",
        EventKind.APPLICATION_UPDATED,
        "candidateArchiveChange",
        MOVED,
        application=ApplicationSnapshot("opp-1", status="closed"),
        thin=True,
    )
    client = FakeLever(found, [scheduled("1", "stage-a")])
    hired = complete_from(client, archived)
    assert hired.kind is EventKind.APPLICATION_HIRED and hired.application is not None
    assert (hired.application.status, hired.application.interviews) == ("hired", None)
