"""Handled webhook bodies are redacted by the worker after HIRELOOP_INBOX_RETENTION_DAYS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.core.models import utcnow
from plugin.inbound.models import EXPIRED_BODY, REDACTED_BODY, WebhookDelivery
from plugin.inbound.redaction import RETENTION_SWEEP
from plugin.jobs.registry import job_registry
from plugin.jobs.worker import Worker

BODY = b'{"payload": {"candidate": {"first_name": "Giuseppe"}}}'


def delivery(key: str, status: str, days_ago: float | None, body: bytes = BODY) -> WebhookDelivery:
    processed = utcnow() - timedelta(days=days_ago) if days_ago is not None else None
    return WebhookDelivery(
        provider="greenhouse",
        event_type="candidate_stage_change",
        dedupe_key=key,
        body=body,
        headers={"Greenhouse-Event-ID": key},
        status=status,
        processed_at=processed,
    )


def test_the_worker_redacts_handled_bodies_past_retention(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app(INBOX_RETENTION_DAYS=10)
    assert RETENTION_SWEEP in job_registry(app).sweeps
    db.add_all(
        [
            delivery("old-done", "done", 11),
            delivery("old-dead", "dead", 40),
            delivery("recent", "done", 9),
            delivery("pending", "pending", None),
            delivery("purged", "done", 50, REDACTED_BODY),
        ]
    )
    db.commit()
    with app.app_context():
        Worker(app, worker_id="w1").run(once=True)  # as `hireloop worker --once`
    rows = {row.dedupe_key: row for row in db.scalars(select(WebhookDelivery))}
    assert rows["old-done"].body == rows["old-dead"].body == EXPIRED_BODY
    assert rows["old-done"].headers == {}
    assert rows["recent"].body == rows["pending"].body == BODY
    assert rows["purged"].body == REDACTED_BODY
