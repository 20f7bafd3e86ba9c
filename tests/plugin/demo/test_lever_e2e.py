"""A loop run end to end on the sandbox Lever, over local HTTP both ways: the stage change,
interviews scheduled later, one scorecard in hireloop and one feedback form in Lever, the
verdict note written back on the opportunity, and the hire (archived with the Hired reason).
Lever has no candidate-merge webhook (merging contacts keeps the opportunity), so there is no
merge step here; the Ashby test has one."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from plugin.demo.sandbox import ServerThread
from plugin.demo.sandbox.lever import LeverSandbox
from tests.factories import make_loop
from tests.plugin.demo.vendor_e2e import DATA_SKILL, Hireloop, delivered, loop_definition

TEMPLATES = {"product": "tmpl-product-sense", "data": "tmpl-analytics"}


@pytest.fixture
def lever() -> Iterator[LeverSandbox]:
    with LeverSandbox() as sandbox:
        yield sandbox


@pytest.fixture
def hireloop(
    lever: LeverSandbox, make_app: Callable[..., Flask], make_token: Callable[..., str]
) -> Iterator[Hireloop]:
    server = ServerThread(None)
    app = make_app(
        LEVER_API_URL=f"{lever.url}/v1",
        LEVER_API_KEY=lever.world.api_key,
        LEVER_SIGNATURE_TOKEN=lever.world.secret,
        LEVER_PERFORM_AS=next(iter(lever.world.users)),
        WEBHOOK_HANDLING="inline",
        PUBLIC_URL=server.url,
    )
    server.app = app
    server.start()
    lever.world.webhook_url = f"{server.url}/webhooks/lever"
    yield Hireloop(server.url, make_token("admin"), app, "lever")
    server.stop()


@pytest.mark.slow
def test_a_loop_runs_on_lever(lever: LeverSandbox, hireloop: Hireloop, db: Session) -> None:
    world = lever.world
    make_loop(db, loop_definition("lever", world.posting["id"], lever.onsite, TEMPLATES))
    db.commit()
    rachel, monica = list(world.users)

    # The stage change: nobody is scheduled yet, so both interviews wait for an interviewer.
    delivered(lever.move(lever.onsite))
    application = hireloop.application(lever.opportunity_id)
    assert (application["job_id"], application["current_stage"]["id"]) == (
        world.posting["id"],
        lever.onsite,
    )
    assert hireloop.panel(application["id"]) == [
        (TEMPLATES["product"], None, "pending"),
        (TEMPLATES["data"], None, "pending"),
    ]

    # Interviews scheduled later (interviewCreated): the waiting slots get their interviewers.
    delivered(lever.schedule(rachel, TEMPLATES["product"], "Product sense"))
    delivered(lever.schedule(monica, TEMPLATES["data"], "Analytics case"))
    assert hireloop.panel(application["id"]) == [
        (TEMPLATES["product"], rachel, "pending"),
        (TEMPLATES["data"], monica, "pending"),
    ]

    # Scorecards: Rachel in hireloop; Monica in Lever's own feedback form, imported.
    hireloop.submit(hireloop.assignment(application["id"], rachel))
    lever.submit_feedback(monica, TEMPLATES["data"], {DATA_SKILL: 4}, "4 - Strong Hire")
    hireloop.work_until(lambda: bool(world.notes), "verdict note in Lever")
    assert [status for _, _, status in hireloop.panel(application["id"])] == ["submitted"] * 2
    verdict = hireloop.verdict(application["id"])
    assert (verdict["scorecards"]["submitted"], verdict["scorecards"]["expected"]) == (2, 2)
    rated = {c["id"]: c["count"] for c in verdict["competencies"] if c["count"]}
    assert rated == {"user-experience-design": 1, "fluency-with-data": 1}  # Lever's form counts

    # One note written back, on the opportunity, as the configured user.
    [note] = world.notes
    assert "/review/applications/" in note["fields"][0]["value"] and note["user"] == rachel
    assert ("POST", f"/v1/opportunities/{lever.opportunity_id}/notes?perform_as={rachel}") in {
        (method, path) for method, path, _ in world.requests
    }

    # The hire: archived with the Hired reason (and candidateHired), never a rejection.
    delivered(lever.hire())
    assert hireloop.application(lever.opportunity_id)["status"] == "hired"
    assert any(path.startswith("/v1/archive_reasons/") for _, path, _ in world.requests)
