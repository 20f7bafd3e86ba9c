"""What the Lever and Ashby end-to-end tests share: hireloop served on a local port, its
public API called with a bearer token, the worker run until something is true."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Flask

from plugin.demo.client import Api, items
from plugin.demo.sandbox.webhooks import Delivery
from plugin.jobs.worker import Worker

#: Two interviews of one onsite stage, each assessing one competency (both must-haves).
COMPETENCIES = {"product": "user-experience-design", "data": "fluency-with-data"}
#: How the ATS's own scorecard names the data competency (the framework's name for it).
DATA_SKILL = "Fluency with Data"
DEADLINE = 60.0


def loop_definition(ats: str, job_id: str, stage_id: str, interview_ids: dict[str, str]) -> dict:  # type: ignore[type-arg]
    return {
        "name": f"E2E {ats}",
        "framework": "pm",
        "level": "senior-pm",
        "ats": ats,
        "job_id": job_id,
        "must_have": list(COMPETENCIES.values()),
        "stages": [
            {
                "name": "Onsite",
                "ats_stage_id": stage_id,
                "interviews": [
                    {
                        "name": f"{key.title()} interview",
                        "ats_interview_id": interview_ids[key],
                        "format": "product-sense" if key == "product" else "analytics-case",
                        "competencies": [competency],
                    }
                    for key, competency in COMPETENCIES.items()
                ],
            }
        ],
    }


def delivered(result: Delivery | list[Delivery]) -> None:
    """Every webhook was answered 200 by hireloop."""
    for one in result if isinstance(result, list) else [result]:
        assert one.ok, f"hireloop answered {one.status or one.error}: {one.response_text}"


class Hireloop:
    """hireloop's public API as the tests call it, for one ATS."""

    def __init__(self, url: str, token: str, app: Flask, ats: str) -> None:
        self.api, self.token, self.app, self.ats = Api(url), token, app, ats

    def application(self, external_id: str) -> dict[str, Any]:
        query = f"/api/applications?ats={self.ats}&external_id={quote(external_id)}"
        [found] = items(self.api.call("GET", query, self.token), "applications")
        return found

    def panel(self, application_id: int) -> list[tuple[str, str | None, str]]:
        """(interview key, interviewer id, status) of each assignment, cancelled included."""
        path = f"/api/applications/{application_id}/assignments?include_cancelled=true"
        rows = items(self.api.call("GET", path, self.token), "assignments")
        return [(a["interview_key"], a["interviewer_id"], a["status"]) for a in rows]

    def assignment(self, application_id: int, interviewer_id: str) -> dict[str, Any]:
        path = f"/api/applications/{application_id}/assignments"
        rows = items(self.api.call("GET", path, self.token), "assignments")
        return next(a for a in rows if a["interviewer_id"] == interviewer_id)

    def submit(self, assignment: dict[str, Any], rating: str = "outperforming") -> None:
        """The interviewer's scorecard, through their link's token."""
        token = str(assignment["token"])
        card = self.api.call("GET", "/api/scorecard", token)
        ratings = {
            str(c["id"]): {
                "rating": rating,
                "evidence": "A specific, recent example at the scope the level expects.",
            }
            for c in card.get("competencies") or []
        }
        body = {"ratings": ratings, "recommendation": "yes", "notes": "Solid.", "submit": True}
        self.api.call("PUT", "/api/scorecard", token, expect=(200, 201), json=body)

    def verdict(self, application_id: int) -> dict[str, Any]:
        path = f"/api/applications/{application_id}/verdict"
        verdict: dict[str, Any] = self.api.call("GET", path, self.token)
        return verdict

    def work_until(self, done: Callable[[], bool], what: str) -> None:
        """``hireloop worker --once`` until ``done`` (imports, write-back)."""
        deadline = time.monotonic() + DEADLINE
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"the worker ran for {DEADLINE:g} s and still no {what}")
            Worker(self.app).run(once=True)
