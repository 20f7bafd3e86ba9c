"""Interviewers' scorecards: drafts, submission, amendments with an audit trail, and who may
see what.

Everything here works in the caller's session and never commits: a view calls one function,
then commits or rolls back, so a request changes all of a scorecard or none of it. The
rules:

- An interviewer's scorecard belongs to one assignment (``Scorecard.assignment_id`` is
  unique). Drafts can be saved any number of times, partial or not.
- Submitting needs a rating (a point or "no evidence") for every focus competency of the
  interview, evidence for every point given, concrete evidence for the extreme points and an
  overall recommendation; what is missing is reported per field.
- A submitted scorecard is locked. A change after submission is an amendment: it needs a
  reason and leaves a ``ScorecardRevision`` with who, when, why, and the scorecard before and
  after, so the original stays readable.
- Peers' scorecards are visible to an interviewer only once their own is submitted, and only
  if the loop allows it (``settings.show_peers_after_submit``, default yes). The first time
  they are shown is recorded (``Scorecard.peers_seen_at``); every later amendment is marked
  ``after_seeing_peers``, and a loop with ``settings.lock_after_peers`` refuses rating
  changes then (409 ``locked_after_peers``).
- A submission that rates nothing (every competency "no evidence") is refused (422
  ``nothing_rated``): an interview that did not take place is marked as not held instead.

The work is split by step: ``context`` (the interview as the interviewer sees it),
``inputs`` (what they send and its checks), ``saving`` (drafts, submission, amendments),
``reading`` (the own scorecard, revisions, and the peers they may see), ``payloads`` (the
API's JSON) and ``links`` (the signed link). This module keeps the names callers import.
"""

from __future__ import annotations

from plugin.scorecards.context import (
    NO_EVIDENCE_DESCRIPTION,
    NO_EVIDENCE_NAME,
    CompetencyCard,
    InterviewContext,
    load_context,
)
from plugin.scorecards.errors import (
    ScorecardConflict,
    ScorecardError,
    ScorecardInvalid,
    ScorecardNotFound,
)
from plugin.scorecards.inputs import (
    EVIDENCE_MAX_CHARS,
    EXTREME_EVIDENCE_MIN_CHARS,
    NOTES_MAX_CHARS,
    REASON_MAX_CHARS,
    RECOMMENDATION_NAMES,
    UNRATED,
    RatingInput,
    ScorecardInput,
    check_input,
    missing_for_submit,
)
from plugin.scorecards.links import LinkRejected, assignment_for_link
from plugin.scorecards.payloads import peer_json, revision_json, scorecard_json
from plugin.scorecards.reading import (
    ordered_ratings,
    peer_scorecards,
    revisions_of,
    scorecard_for,
    snapshot,
)
from plugin.scorecards.saving import (
    SaveResult,
    interviewer_actor,
    mark_not_held,
    note_peers_shown,
    refuse_if_nothing_rated,
    revoke_links,
    save_scorecard,
)
from scorecards.framework import NO_EVIDENCE

__all__ = [
    "EVIDENCE_MAX_CHARS",
    "EXTREME_EVIDENCE_MIN_CHARS",
    "NOTES_MAX_CHARS",
    "NO_EVIDENCE",
    "NO_EVIDENCE_DESCRIPTION",
    "NO_EVIDENCE_NAME",
    "REASON_MAX_CHARS",
    "RECOMMENDATION_NAMES",
    "UNRATED",
    "CompetencyCard",
    "InterviewContext",
    "LinkRejected",
    "RatingInput",
    "SaveResult",
    "ScorecardConflict",
    "ScorecardError",
    "ScorecardInput",
    "ScorecardInvalid",
    "ScorecardNotFound",
    "assignment_for_link",
    "check_input",
    "interviewer_actor",
    "load_context",
    "mark_not_held",
    "missing_for_submit",
    "note_peers_shown",
    "ordered_ratings",
    "peer_json",
    "peer_scorecards",
    "refuse_if_nothing_rated",
    "revision_json",
    "revisions_of",
    "revoke_links",
    "save_scorecard",
    "scorecard_for",
    "scorecard_json",
    "snapshot",
]
