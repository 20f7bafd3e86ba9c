"""Write-back of the verdict to the ATS: one note per complete verdict, exactly once.

When: ``scorecards_changed`` calls :func:`scorecards_changed` inside the transaction that
changed the scorecards. A verdict is written only when it is complete (every assignment that
is not cancelled has its scorecard); after that only when a complete verdict's fingerprint
(recommendation + per-competency verdicts) differs from the last one announced. Each
announcement is a ``VerdictRecord`` and an outbox job keyed ``verdict-note:{app}:{fp}``,
committed with the change that caused it. Provisional verdicts are never written.

Exactly once: the note carries a marker ``[hireloop:verdict:{app}:{fp}]``. A first attempt
writes straight away; any later attempt (the previous one timed out, or the worker died
between the ATS's answer and the commit) first lists the candidate's notes and, if one
carries the marker, records that note instead of writing another. The ATS's note id is kept
in the job's ``result``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.ats.clients import client_for, is_configured
from plugin.ats.errors import AtsError
from plugin.core.links import public_url
from plugin.core.models import utcnow
from plugin.jobs.models import JobStatus, OutboxJob
from plugin.jobs.queue import enqueue
from plugin.verdicts.models import VerdictRecord
from scorecards.aggregation import Verdict
from scorecards.hiring_bar import BAR_VERSION
from scorecards.scale import Recommendation

log = logging.getLogger("hireloop.writeback")

KIND = "verdict-note"
# The recommendations as people read them everywhere, except that an undecided one says what
# happens next; the competency verdicts are lower case because they end a sentence.
LABELS = {
    **{r.value: r.label for r in Recommendation},
    Recommendation.NO_DECISION.value: "No decision (the debrief must settle it)",
    "outperforming": "outperforming",
    "on_track": "on track",
    "needs_focus": "needs focus",
    "split": "split",
    "borderline": "borderline",
    "not_assessed": "not assessed",
}


def marker(application_id: int, fingerprint: str, announcement: int = 0) -> str:
    suffix = f":{announcement}" if announcement else ""
    return f"[hireloop:verdict:{application_id}:{fingerprint}{suffix}]"


def job_key(application_id: int, fingerprint: str, announcement: int = 0) -> str:
    suffix = f":{announcement}" if announcement else ""
    return f"{KIND}:{application_id}:{fingerprint}{suffix}"


def note_body(application_id: int, summary: Mapping[str, Any], review_url: str, mark: str) -> str:
    """The note: recommendation and rule, verdict per competency, splits, gaps, the link."""
    recommendation = str(summary.get("recommendation"))
    lines = [f"hireloop verdict: {LABELS.get(recommendation, recommendation)}"]
    if summary.get("rule"):
        lines.append(f"Rule: {summary['rule']}")
    cards = summary.get("scorecards") or {}
    if cards:
        lines.append(f"Scorecards: {cards.get('submitted')} of {cards.get('expected')} submitted")
    lines += ["", "Competencies:"]
    for competency in summary.get("competencies") or []:
        verdict = str(competency.get("verdict"))
        must = " (must-have)" if competency.get("must_have") else ""
        flags = [flag for flag in ("split", "borderline") if competency.get(flag)]
        flagged = f" ({', '.join(flags)})" if flags else ""
        lines.append(f"- {competency.get('name')}{must}: {LABELS.get(verdict, verdict)}{flagged}")
    names = {c.get("id"): c.get("name") for c in summary.get("competencies") or []}
    if summary.get("splits"):
        lines.append("Splits to discuss: " + ", ".join(names.get(s, s) for s in summary["splits"]))
    if summary.get("borderline"):
        lines.append("Borderline: " + ", ".join(names.get(b, b) for b in summary["borderline"]))
    if summary.get("gaps"):
        lines.append("Not assessed: " + ", ".join(names.get(g, g) for g in summary["gaps"]))
    lines += ["", f"Review: {review_url}", mark]
    return "\n".join(lines)


def latest_record(session: Session, application_id: int) -> VerdictRecord | None:
    return session.scalar(
        select(VerdictRecord)
        .where(VerdictRecord.application_id == application_id)
        .order_by(VerdictRecord.created_at.desc(), VerdictRecord.id.desc())
        .limit(1)
    )


def verdict_completed(session: Session, application_id: int, verdict: Verdict) -> OutboxJob | None:
    """Queue a note for a complete verdict that is new or changed; else nothing."""
    return record_verdict(session, application_id, verdict.fingerprint(), verdict.to_dict())


def record_verdict(
    session: Session, application_id: int, fingerprint: str, summary: dict[str, Any]
) -> OutboxJob | None:
    """Record a complete verdict and queue its note, unless it is the one last announced."""
    latest = latest_record(session, application_id)
    if latest is not None and latest.fingerprint == fingerprint:
        return None
    announcement = 0
    try:
        with session.begin_nested():
            record = session.scalar(
                select(VerdictRecord).where(
                    VerdictRecord.application_id == application_id,
                    VerdictRecord.fingerprint == fingerprint,
                )
            )
            if record is None:
                record = VerdictRecord(
                    application_id=application_id,
                    fingerprint=fingerprint,
                    recommendation=str(summary.get("recommendation")),
                    summary=summary,
                    bar_version=BAR_VERSION,
                )
                session.add(record)
            else:
                # The verdict went back to one announced before: announce it again.
                announcement = int((record.summary or {}).get("announcement", 0)) + 1
                record.summary = {**summary, "announcement": announcement}
                record.created_at = utcnow()
                record.bar_version = BAR_VERSION
            mark = marker(application_id, fingerprint, announcement)
            body = note_body(
                application_id,
                summary,
                public_url(f"/review/applications/{application_id}"),
                mark,
            )
            job = enqueue(
                session,
                KIND,
                job_key(application_id, fingerprint, announcement),
                {
                    "application_id": application_id,
                    "fingerprint": fingerprint,
                    "recommendation": summary.get("recommendation"),
                    "marker": mark,
                    "body": body,
                },
            )
            session.flush()
    except IntegrityError:
        # Another transaction announced the same verdict at the same moment: theirs stands.
        log.info("verdict %s of application %s already recorded", fingerprint, application_id)
        return None
    log.info(
        "verdict note queued",
        extra={"application_id": application_id, "fingerprint": fingerprint, "job": job.key},
    )
    return job


def _config() -> Mapping[str, Any]:
    return current_app.config if has_app_context() else {}


class MissingTarget(AtsError):
    """The application has no candidate id yet (the inbound event has not filled it)."""

    retryable_default = True


def write_verdict_note(session: Session, job: OutboxJob) -> dict[str, Any]:
    """Write (or find, after an uncertain attempt) the verdict note; optionally set the
    configured Greenhouse custom field and tag."""
    payload = dict(job.payload)
    application_id = int(payload["application_id"])
    application = session.get(Application, application_id)
    if application is None or application.purged_at is not None:
        return {"skipped": "application gone"}
    latest = latest_record(session, application_id)
    if latest is None or latest.fingerprint != payload["fingerprint"]:
        return {"skipped": "superseded by a newer verdict"}
    config = _config()
    ats = application.ats
    if not is_configured(config, ats):
        return {"skipped": f"{ats} API not configured"}
    client = client_for(config, ats)
    on_application = bool(getattr(client, "notes_on_application", False))
    target = application.external_id if on_application else application.candidate_external_id
    if not target:
        raise MissingTarget(f"application {application_id} has no candidate id yet")
    external_id = application.external_id
    uncertain = job.attempts > 1
    mark = str(payload["marker"])
    session.commit()  # hold no transaction while the ATS answers

    note = None
    if uncertain:
        note = next((n for n in client.candidate_notes(target) if mark in n.body), None)
    found = note is not None
    if note is None:
        note = client.create_candidate_note(target, str(payload["body"]))
    result: dict[str, Any] = {
        "ats": ats,
        "target": target,
        "note_id": note.id,
        "found_by_marker": found,
    }
    if ats == "greenhouse":
        result.update(_greenhouse_extras(client, config, external_id, target, payload))
    return result


def _greenhouse_extras(
    client: Any,
    config: Mapping[str, Any],
    application_id: str,
    candidate_id: str,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """Idempotent extras, when configured: the recommendation in an application custom field
    (``HIRELOOP_GREENHOUSE_VERDICT_FIELD`` = its name_key) and a candidate tag
    (``HIRELOOP_GREENHOUSE_VERDICT_TAG``, e.g. "hireloop: {recommendation}")."""
    extras: dict[str, Any] = {}
    recommendation = str(payload.get("recommendation") or "")
    field = config.get("GREENHOUSE_VERDICT_FIELD")
    if field:
        client.set_application_custom_field(application_id, str(field), recommendation)
        extras["custom_field"] = str(field)
    tag = config.get("GREENHOUSE_VERDICT_TAG")
    if tag:
        name = str(tag).replace("{recommendation}", LABELS.get(recommendation, recommendation))
        extras["tag_id"] = client.add_candidate_tag(candidate_id, name)
    return extras


def written_notes(session: Session, application_id: int) -> int:
    """How many verdict notes of the application are done (for tests and the review page)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(OutboxJob)
            .where(
                OutboxJob.kind == KIND,
                OutboxJob.key.startswith(f"{KIND}:{application_id}:"),
                OutboxJob.status == JobStatus.DONE,
            )
        )
        or 0
    )
