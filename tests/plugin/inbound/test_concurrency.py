"""Copies of one delivery arriving at the same moment: one row, one set of effects.

Each thread posts through its own test client, so each request has its own app context,
session and database connection, as on several web workers. On PostgreSQL the copies race
on the unique (provider, dedupe_key) constraint; on SQLite writers are serialised.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.inbound.models import WebhookDelivery
from tests.plugin.inbound.support import add_loop, app, application, assignments, count, hook_calls
from tests.webhooks.helpers import greenhouse_headers, payload_bytes

__all__ = ["app", "hook_calls"]

COPIES = 30
GH_STAGE = payload_bytes("greenhouse/candidate_stage_change.json")


def storm(app: Flask, requests: list[tuple[bytes, dict[str, str]]]) -> list[Any]:
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def send(index: int, body: bytes, headers: dict[str, str]) -> None:
        client = app.test_client()
        barrier.wait(timeout=30)
        try:
            response = client.post("/webhooks/greenhouse", data=body, headers=headers)
            results[index] = (response.status_code, response.get_json())
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results[index] = exc

    threads = [
        threading.Thread(target=send, args=(i, body, headers))
        for i, (body, headers) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_the_same_delivery_thirty_times_at_once_has_one_effect(
    app: Flask, db: Session, hook_calls: list[tuple[str, Any]]
) -> None:
    add_loop(db)
    headers = greenhouse_headers(GH_STAGE, event_id="storm-1")
    results = storm(app, [(GH_STAGE, headers)] * COPIES)
    assert all(isinstance(r, tuple) and r[0] == 200 for r in results), results
    statuses = Counter(r[1]["status"] for r in results)
    assert statuses == {"done": 1, "duplicate": COPIES - 1}
    assert count(db, WebhookDelivery) == 1
    assert count(db, Application) == 1
    found = application(db, "greenhouse", "265277")
    assert found is not None
    rows = assignments(db, found.id)
    assert [(a.interview_key, a.interviewer_key) for a in rows] == [
        ("113101", "2622"),
        ("Spec writing", ""),
    ]
    assert [c for c in hook_calls if c[0] == "assignment_created"] == [
        ("assignment_created", (rows[0].id, "2622"))
    ]


def test_thirty_distinct_deliveries_about_one_new_application_create_it_once(
    app: Flask, db: Session
) -> None:
    add_loop(db)
    # Distinct deliveries: distinct ids and bodies (one body under new ids is one delivery).
    bodies = [GH_STAGE.replace(b"{", b'{"copy": %d, ' % i, 1) for i in range(COPIES)]
    requests = [
        (body, greenhouse_headers(body, event_id=f"distinct-{i}")) for i, body in enumerate(bodies)
    ]
    results = storm(app, requests)
    assert all(isinstance(r, tuple) and r[0] == 200 for r in results), results
    assert count(db, WebhookDelivery) == COPIES
    assert count(db, Application) == 1
    assert count(db, Assignment) == 2
