"""A loop run end to end on the sandbox Ashby, over local HTTP both ways: the stage change,
an interview schedule made later, one scorecard in hireloop and one in Ashby, a candidate
merge, the verdict note written back on the surviving candidate, and the hire (with the
related webhooks Ashby sends under one ``webhookActionId``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from plugin.demo.sandbox import ServerThread
from plugin.demo.sandbox.ashby import AshbySandbox
from tests.factories import make_loop
from tests.plugin.demo.vendor_e2e import DATA_SKILL, Hireloop, delivered, loop_definition

INTERVIEWS = {"product": "iv-product-sense", "data": "iv-analytics"}


@pytest.fixture
def ashby() -> Iterator[AshbySandbox]:
    with AshbySandbox() as sandbox:
        yield sandbox


@pytest.fixture
def hireloop(
    ashby: AshbySandbox, make_app: Callable[..., Flask], make_token: Callable[..., str]
) -> Iterator[Hireloop]:
    server = ServerThread(None)
    app = make_app(
        ASHBY_API_URL=ashby.url,
        ASHBY_API_KEY=ashby.world.api_key,
        ASHBY_WEBHOOK_SECRET=ashby.world.secret,
        WEBHOOK_HANDLING="inline",
        PUBLIC_URL=server.url,
    )
    server.app = app
    server.start()
    ashby.world.webhook_url = f"{server.url}/webhooks/ashby"
    yield Hireloop(server.url, make_token("admin"), app, "ashby")
    server.stop()


@pytest.mark.slow
def test_a_loop_runs_on_ashby(ashby: AshbySandbox, hireloop: Hireloop, db: Session) -> None:
    world = ashby.world
    make_loop(db, loop_definition("ashby", world.job["id"], ashby.onsite, INTERVIEWS))
    db.commit()
    ada, grace = (user["id"] for user in ashby.users)

    # The stage change: nobody is scheduled yet, so both interviews wait for an interviewer.
    delivered(ashby.move(ashby.onsite))
    application = hireloop.application(ashby.application_id)
    assert application["current_stage"]["id"] == ashby.onsite
    assert hireloop.panel(application["id"]) == [
        (INTERVIEWS["product"], None, "pending"),
        (INTERVIEWS["data"], None, "pending"),
    ]

    # The schedule made later names the interviewers (``interviewers``, with their emails).
    delivered(ashby.schedule({INTERVIEWS["product"]: [ada], INTERVIEWS["data"]: [grace]}))
    assert hireloop.panel(application["id"]) == [
        (INTERVIEWS["product"], ada, "pending"),
        (INTERVIEWS["data"], grace, "pending"),
    ]
    assert hireloop.assignment(application["id"], ada)["interviewer_email"] == "ada@ashby.test"

    # Ada's scorecard in hireloop; then the candidate is merged into another record.
    hireloop.submit(hireloop.assignment(application["id"], ada))
    deleted = world.candidate["id"]
    delivered(ashby.merge())
    merged = world.candidate["id"]
    assert deleted != merged
    assert hireloop.application(ashby.application_id)["candidate_external_id"] == merged

    # Grace's scorecard in Ashby, imported; the verdict note goes to the surviving candidate.
    ashby.submit_feedback(grace, INTERVIEWS["data"], {DATA_SKILL: 4})
    hireloop.work_until(lambda: bool(world.notes), "verdict note in Ashby")
    assert [status for _, _, status in hireloop.panel(application["id"])] == ["submitted"] * 2
    assert list(world.notes) == [merged]
    [note] = world.notes[merged]
    assert "/review/applications/" in note["content"]

    # The hire, with candidateStageChange and applicationUpdate under the same action id.
    delivered(ashby.hire())
    assert hireloop.application(ashby.application_id)["status"] == "hired"
