"""The moments capabilities react to, sent inside the transaction that made them happen.

The sender is the SQLAlchemy session of that transaction; receivers work in it, so whatever
they queue (outbox jobs for write-back, imports or messages) commits with the change, or
not at all. Capabilities connect their receivers in ``init_app``; the senders do not know
who listens, and receivers must not depend on each other's order.
"""

from __future__ import annotations

from blinker import Namespace

_moments = Namespace()

assignment_created = _moments.signal(
    "assignment-created",
    doc="An interviewer was given an interview of an application, or arrived for an "
    "assignment that waited for one. Keyword: ``assignment``.",
)
assignment_cancelled = _moments.signal(
    "assignment-cancelled",
    doc="The interview was cancelled; nothing more is sent about it. Keyword: ``assignment``.",
)
application_stage_changed = _moments.signal(
    "application-stage-changed",
    doc="The application entered a new stage. Keyword: ``application``.",
)
scorecards_changed = _moments.signal(
    "scorecards-changed",
    doc="A scorecard of the application was submitted, amended or imported. "
    "Keyword: ``application_id``.",
)
ats_scorecard_deleted = _moments.signal(
    "ats-scorecard-deleted",
    doc="The ATS deleted one of its scorecards (Greenhouse ``scorecard_deleted``). Keyword: "
    "``event`` (the normalised event: provider, ``scorecard_id``).",
)
verdict_completed = _moments.signal(
    "verdict-completed",
    doc="Every expected scorecard of the application is in; sent each time scorecards change "
    "while that holds. Keywords: ``application_id``, ``verdict``.",
)
application_purged = _moments.signal(
    "application-purged",
    doc="hireloop is forgetting who the application's candidate is (deleted, anonymized or "
    "merged away); sent before the candidate's ids are cleared. Keywords: ``application``, "
    "``candidate_gone`` (deleted or anonymized, not merged into someone still there).",
)
loop_in_use = _moments.signal(
    "loop-in-use",
    doc="Asked before a loop is deleted: each receiver answers how many of its rows use the "
    "loop. Keyword: ``loop_id``.",
)
