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
  if the loop allows it (``settings.show_peers_after_submit``, default yes).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from plugin.applications.models import Application, Assignment
from plugin.core import signals
from plugin.core.errors import ApiError
from plugin.core.links import LinkError, read_link_token
from plugin.core.models import utcnow
from plugin.loops.models import Loop
from plugin.scorecards.models import Rating, Scorecard, ScorecardRevision
from scorecards.framework import NO_EVIDENCE, Framework
from scorecards.loops import LoopError, LoopSpec, parse_loop
from scorecards.scale import RECOMMENDATIONS

EVIDENCE_MAX_CHARS = 10_000
NOTES_MAX_CHARS = 20_000
REASON_MAX_CHARS = 2_000
# A draft may keep evidence typed before a rating was chosen (the page only; the API needs a
# rating per entry). Never submitted: submitting needs a rating for every competency.
UNRATED = ""
# An extreme rating (the lowest or the highest point) needs more than a word or two.
EXTREME_EVIDENCE_MIN_CHARS = 40

RECOMMENDATION_NAMES: dict[str, str] = {
    "definitely_not": "Definitely not",
    "no": "No",
    "yes": "Yes",
    "strong_yes": "Strong yes",
    "no_decision": "No decision",
}
NO_EVIDENCE_NAME = "No evidence"
NO_EVIDENCE_DESCRIPTION = (
    "The topic did not come up, or you could not tell. Counts as missing, never as a low score."
)


class ScorecardError(ApiError):
    """A refused change; ``fields`` names each problem (``ratings.<id>.evidence``...)."""


# -- the interview as the interviewer sees it ---------------------------------------------


@dataclass(frozen=True)
class CompetencyCard:
    """One focus competency of the interview at the loop's level."""

    id: str
    name: str
    area: str
    area_name: str
    expectation: str
    anchors: Mapping[str, str]
    evidence_prompts: tuple[str, ...] = ()


@dataclass(frozen=True)
class InterviewContext:
    assignment: Assignment
    application: Application
    loop: Loop | None
    framework: Framework | None
    level: str | None
    level_name: str
    interview_name: str
    interview_format: str | None
    competencies: tuple[CompetencyCard, ...]
    show_peers_after_submit: bool = True
    loop_spec: LoopSpec | None = None

    @property
    def competency_ids(self) -> tuple[str, ...]:
        return tuple(card.id for card in self.competencies)

    @property
    def points(self) -> tuple[str, ...]:
        if self.framework is None:
            return ("needs_focus", "on_track", "outperforming")
        return self.framework.points

    @property
    def point_names(self) -> dict[str, str]:
        names = {p: p.replace("_", " ").capitalize() for p in self.points}
        if self.framework is not None:
            names.update({p.id: p.name for p in self.framework.scale})
        names[NO_EVIDENCE] = NO_EVIDENCE_NAME
        return names

    @property
    def point_descriptions(self) -> dict[str, str]:
        described = {p.id: p.description for p in self.framework.scale} if self.framework else {}
        described[NO_EVIDENCE] = NO_EVIDENCE_DESCRIPTION
        return described

    def card(self, competency_id: str) -> CompetencyCard | None:
        return next((c for c in self.competencies if c.id == competency_id), None)


def find_loop(session: Session, application: Application) -> Loop | None:
    if application.loop_id is not None:
        loop = session.get(Loop, application.loop_id)
        if loop is not None:
            return loop
    if application.job_id is None:
        return None
    return session.scalar(
        select(Loop).where(Loop.ats == application.ats, Loop.job_id == application.job_id)
    )


def _interview_document(definition: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    """The loop interview an assignment belongs to: by ATS interview id, else by name."""
    interviews = [
        interview
        for stage in definition.get("stages") or []
        if isinstance(stage, Mapping)
        for interview in stage.get("interviews") or []
        if isinstance(interview, Mapping)
    ]
    for interview in interviews:
        ats_id = interview.get("ats_interview_id")
        if ats_id not in (None, "") and str(ats_id) == key:
            return interview
    for interview in interviews:
        if str(interview.get("name", "")) == key:
            return interview
    return None


def _parse_loop_spec(definition: Mapping[str, Any], framework: Framework) -> LoopSpec | None:
    """The stored loop as the loops engine reads it; None for a loop it refuses (an old or
    hand-edited one must not take the interviewer's page down: the raw document serves)."""
    try:
        return parse_loop(dict(definition), framework)
    except (LoopError, ValueError, KeyError, TypeError):
        return None


def _show_peers(definition: Mapping[str, Any], spec: LoopSpec | None) -> bool:
    if spec is not None:
        return spec.settings.show_peers_after_submit
    raw = definition.get("settings")
    if isinstance(raw, Mapping) and "show_peers_after_submit" in raw:
        return bool(raw["show_peers_after_submit"])
    return True


def load_context(
    session: Session,
    assignment: Assignment,
    frameworks: Callable[[str], Framework | None],
) -> InterviewContext:
    """Everything the page and the API show about the assignment's interview."""
    application = session.get(Application, assignment.application_id)
    if application is None:  # the row cascades with its application; defensive only
        raise ScorecardError(404, "The application of this interview no longer exists.")
    loop = find_loop(session, application)
    framework = frameworks(loop.framework_id) if loop is not None else None
    definition: Mapping[str, Any] = loop.definition if loop is not None else {}
    interview = _interview_document(definition, assignment.interview_key)
    level = loop.level if loop is not None else None
    level_name = level or ""
    cards: list[CompetencyCard] = []
    spec = None
    if framework is not None and level is not None:
        spec = _parse_loop_spec(definition, framework)
        found = spec.find_interview(assignment.interview_key) if spec is not None else None
        if found is not None:
            interview = found[1].to_dict()
        if framework.has_level(level):
            level_name = next(lv.name for lv in framework.levels if lv.id == level)
        for raw in (interview or {}).get("competencies") or []:
            competency_id = framework.resolve(str(raw))
            if competency_id is None or any(c.id == competency_id for c in cards):
                continue
            competency = framework.competency(competency_id)
            cards.append(
                CompetencyCard(
                    id=competency.id,
                    name=competency.name,
                    area=competency.area,
                    area_name=framework.area_of(competency.id).name,
                    expectation=competency.expectations.get(level, ""),
                    anchors=dict(competency.anchors.get(level, {})),
                    evidence_prompts=tuple(competency.evidence_prompts),
                )
            )
    return InterviewContext(
        assignment=assignment,
        application=application,
        loop=loop,
        framework=framework,
        level=level,
        level_name=level_name,
        interview_name=assignment.interview_name
        or str((interview or {}).get("name") or assignment.interview_key),
        interview_format=(
            str(interview["format"]) if interview and interview.get("format") else None
        ),
        competencies=tuple(cards),
        show_peers_after_submit=_show_peers(definition, spec),
        loop_spec=spec,
    )


# -- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingInput:
    rating: str
    evidence: str = ""


@dataclass(frozen=True)
class ScorecardInput:
    """The contract's PUT body, already shape-checked at the edge."""

    ratings: Mapping[str, RatingInput] = field(default_factory=dict)
    recommendation: str | None = None
    notes: str = ""
    submit: bool = False
    reason: str | None = None

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ScorecardInput:
        ratings = {
            str(cid): RatingInput(str(value["rating"]), str(value.get("evidence") or ""))
            for cid, value in (body.get("ratings") or {}).items()
        }
        reason = body.get("reason")
        return cls(
            ratings=ratings,
            recommendation=body.get("recommendation") or None,
            notes=str(body.get("notes") or ""),
            submit=bool(body.get("submit")),
            reason=str(reason).strip() if reason is not None and str(reason).strip() else None,
        )


def check_input(ctx: InterviewContext, data: ScorecardInput) -> None:
    """Competencies and rating points against this interview; 422 naming each field."""
    problems: dict[str, str] = {}
    allowed = ctx.competency_ids
    for competency_id, rating in data.ratings.items():
        name = f"ratings.{competency_id}"
        if competency_id not in allowed:
            known = ctx.framework is not None and any(
                c.id == competency_id for c in ctx.framework.competencies
            )
            canonical = ctx.framework.resolve(competency_id) if ctx.framework else None
            if known:
                problems[name] = (
                    f"'{competency_id}' is not a focus competency of this interview; "
                    f"rate only: {', '.join(allowed) or 'none'}."
                )
            elif canonical is not None and canonical in allowed:
                problems[name] = f"Unknown competency id '{competency_id}'; use '{canonical}'."
            else:
                problems[name] = f"Unknown competency '{competency_id}'."
            continue
        if rating.rating not in (*ctx.points, NO_EVIDENCE, UNRATED):
            problems[f"{name}.rating"] = (
                f"Unknown rating point '{rating.rating}'; "
                f"use one of: {', '.join((*ctx.points, NO_EVIDENCE))}."
            )
        if len(rating.evidence) > EVIDENCE_MAX_CHARS:
            problems[f"{name}.evidence"] = f"At most {EVIDENCE_MAX_CHARS} characters."
    if data.recommendation is not None and data.recommendation not in RECOMMENDATIONS:
        problems["recommendation"] = (
            f"Unknown recommendation '{data.recommendation}'; use one of: "
            f"{', '.join(RECOMMENDATIONS)}."
        )
    if len(data.notes) > NOTES_MAX_CHARS:
        problems["notes"] = f"At most {NOTES_MAX_CHARS} characters."
    if data.reason is not None and len(data.reason) > REASON_MAX_CHARS:
        problems["reason"] = f"At most {REASON_MAX_CHARS} characters."
    texts = {f"ratings.{cid}.evidence": r.evidence for cid, r in data.ratings.items()}
    texts.update(notes=data.notes, reason=data.reason or "")
    for field_name, text in texts.items():
        if "\x00" in text:  # PostgreSQL cannot store it in text; nobody types it
            problems.setdefault(field_name, "Contains a NUL character; remove it.")
    if problems:
        raise ScorecardError(
            422, "The scorecard has invalid fields: " + ", ".join(sorted(problems)), fields=problems
        )


def missing_for_submit(ctx: InterviewContext, data: ScorecardInput) -> dict[str, str]:
    """What a submission still lacks, per field, in words an interviewer can act on."""
    missing: dict[str, str] = {}
    names = ctx.point_names
    extremes = {ctx.points[0], ctx.points[-1]} if ctx.points else set()
    for card in ctx.competencies:
        given = data.ratings.get(card.id)
        if given is None or given.rating == UNRATED:
            missing[f"ratings.{card.id}.rating"] = (
                f"Choose a rating for {card.name}, or “{NO_EVIDENCE_NAME}” if it did not come up."
            )
            continue
        if given.rating == NO_EVIDENCE:
            continue
        evidence = given.evidence.strip()
        point = names.get(given.rating, given.rating)
        if not evidence:
            missing[f"ratings.{card.id}.evidence"] = (
                f"Evidence is missing for {card.name}: write what the candidate said or did "
                f"that supports “{point}”."
            )
        elif given.rating in extremes and len(evidence) < EXTREME_EVIDENCE_MIN_CHARS:
            missing[f"ratings.{card.id}.evidence"] = (
                f"“{point}” is an extreme rating: give concrete evidence for {card.name} of at "
                f"least {EXTREME_EVIDENCE_MIN_CHARS} characters (you wrote {len(evidence)})."
            )
    if data.recommendation is None:
        missing["recommendation"] = "Choose an overall recommendation."
    return missing


# -- reading ---------------------------------------------------------------------------------


def scorecard_for(session: Session, assignment_id: int, *, fresh: bool = False) -> Scorecard | None:
    """``fresh`` reads past the session's copy: under the lock, a concurrent submit shows."""
    query = (
        select(Scorecard)
        .where(Scorecard.assignment_id == assignment_id)
        .options(selectinload(Scorecard.ratings))
    )
    if fresh:
        query = query.execution_options(populate_existing=True)
    return session.scalar(query)


def snapshot(scorecard: Scorecard | None) -> dict[str, Any]:
    """The scorecard's content as plain data (what an amendment's before/after keep)."""
    if scorecard is None:
        return {"ratings": {}, "recommendation": None, "notes": "", "status": "pending"}
    return {
        "ratings": {
            r.competency_id: {"rating": r.rating or None, "evidence": r.evidence}
            for r in scorecard.ratings
        },
        "recommendation": scorecard.recommendation,
        "notes": scorecard.notes or "",
        "status": scorecard.status,
    }


def _content(value: Mapping[str, Any]) -> dict[str, Any]:
    return {k: value.get(k) for k in ("ratings", "recommendation", "notes")}


def revisions_of(session: Session, scorecard: Scorecard | None) -> list[ScorecardRevision]:
    if scorecard is None or scorecard.id is None:
        return []
    return list(
        session.scalars(
            select(ScorecardRevision)
            .where(ScorecardRevision.scorecard_id == scorecard.id)
            .order_by(ScorecardRevision.created_at, ScorecardRevision.id)
        )
    )


def peer_scorecards(
    session: Session, ctx: InterviewContext, own: Scorecard | None
) -> list[Scorecard] | None:
    """The application's other interviewers' submitted scorecards, or None while they must
    stay hidden: until this interviewer has submitted every scorecard of theirs for the
    application (one person may hold two interviews of a loop)."""
    if own is None or own.status != "submitted" or not ctx.show_peers_after_submit:
        return None
    person = ctx.assignment.interviewer_key
    if person:
        still_open = session.scalar(
            select(Assignment.id)
            .where(
                Assignment.application_id == ctx.application.id,
                Assignment.interviewer_key == person,
                Assignment.status.in_(("pending", "draft")),
            )
            .limit(1)
        )
        if still_open is not None:
            return None
    query = (
        select(Scorecard)
        .where(
            Scorecard.application_id == ctx.application.id,
            Scorecard.status == "submitted",
            Scorecard.id != own.id,
        )
        .options(selectinload(Scorecard.ratings))
        .order_by(Scorecard.submitted_at, Scorecard.id)
    )
    if person:  # their own other scorecards are not a peer's
        query = query.where(
            or_(Scorecard.interviewer_key.is_(None), Scorecard.interviewer_key != person)
        )
    return list(session.scalars(query))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def revision_json(revision: ScorecardRevision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "kind": revision.kind,
        "after_submission": True,
        "actor": revision.actor,
        "reason": revision.reason,
        "created_at": _iso(revision.created_at),
        "before": revision.before,
        "after": revision.after,
    }


def peer_json(scorecard: Scorecard) -> dict[str, Any]:
    return {
        "interviewer": scorecard.interviewer_name or scorecard.interviewer_key,
        "interview": scorecard.interview_name,
        "source": scorecard.source,
        "recommendation": scorecard.recommendation,
        "notes": scorecard.notes or "",
        "ratings": snapshot(scorecard)["ratings"],
        "submitted_at": _iso(scorecard.submitted_at),
        "amended_after_submission": scorecard.amended_at is not None,
    }


def scorecard_json(session: Session, ctx: InterviewContext) -> dict[str, Any]:
    """The GET /api/scorecard body: the interview, the own scorecard, and peers if allowed."""
    assignment = ctx.assignment
    own = scorecard_for(session, assignment.id)
    content = snapshot(own)
    body: dict[str, Any] = {
        "assignment": {
            "id": assignment.id,
            "interview": ctx.interview_name,
            "stage": assignment.stage_name,
            "interviewer": assignment.interviewer_name or assignment.interviewer_key,
            "status": assignment.status,
        },
        "candidate": {
            "application_id": ctx.application.id,
            "name": ctx.application.candidate_name,
        },
        "framework": ctx.framework.id if ctx.framework else None,
        "level": ctx.level,
        "competencies": [
            {
                "id": card.id,
                "name": card.name,
                "area": card.area,
                "expectation": card.expectation,
                "anchors": dict(card.anchors),
                "evidence_prompts": list(card.evidence_prompts),
            }
            for card in ctx.competencies
        ],
        "status": content["status"],
        "ratings": content["ratings"],
        "recommendation": content["recommendation"],
        "notes": content["notes"],
        "submitted_at": _iso(own.submitted_at) if own else None,
        "amended_at": _iso(own.amended_at) if own else None,
        "amended_after_submission": bool(own and own.amended_at),
        "revisions": [revision_json(r) for r in revisions_of(session, own)],
    }
    peers = peer_scorecards(session, ctx, own)
    if peers is not None:
        body["peers"] = [peer_json(p) for p in peers]
    return body


# -- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    scorecard: Scorecard
    action: str  # draft | submitted | amended | unchanged
    revision: ScorecardRevision | None = None


def interviewer_actor(assignment: Assignment) -> str:
    who = assignment.interviewer_key or f"assignment-{assignment.id}"
    name = f" ({assignment.interviewer_name})" if assignment.interviewer_name else ""
    return f"interviewer:{who}{name}"


def _lock(session: Session, assignment: Assignment) -> Assignment:
    """Serialise writers of one assignment (row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE
    already does), and re-read it so a concurrent submit is seen."""
    locked = session.scalar(
        select(Assignment)
        .where(Assignment.id == assignment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise ScorecardError(404, "This interview no longer exists.", code="not_found")
    return locked


def _write(
    scorecard: Scorecard, data: ScorecardInput, application_id: int, current: Collection[str]
) -> None:
    """The body replaces the ratings of the interview's ``current`` competencies; a rating
    of a competency the loop no longer asks about here (it was edited since) stays, except
    an unrated draft entry once the scorecard is submitted (it is no rating)."""
    existing = {
        r.competency_id: r
        for r in scorecard.ratings
        if r.competency_id in current or (data.submit and r.rating == UNRATED)
    }
    for competency_id, given in data.ratings.items():
        row = existing.pop(competency_id, None)
        if row is None:
            scorecard.ratings.append(
                Rating(
                    application_id=application_id,
                    competency_id=competency_id,
                    rating=given.rating,
                    evidence=given.evidence,
                )
            )
        else:
            row.rating = given.rating
            row.evidence = given.evidence
    for row in existing.values():
        scorecard.ratings.remove(row)
    scorecard.recommendation = data.recommendation
    scorecard.notes = data.notes


def save_scorecard(
    session: Session,
    ctx: InterviewContext,
    data: ScorecardInput,
    *,
    actor: str | None = None,
    now: datetime | None = None,
) -> SaveResult:
    """Save a draft, submit, or amend a submitted scorecard; raises ScorecardError (nothing
    changed) for invalid input (422), an incomplete submission (422), an amendment without a
    reason (409) or a cancelled interview (409). Does not commit."""
    now = now or utcnow()
    check_input(ctx, data)
    assignment = _lock(session, ctx.assignment)
    if assignment.status == "cancelled" or assignment.cancelled_at is not None:
        raise ScorecardError(
            409,
            "This interview was cancelled; its scorecard can no longer change.",
            code="assignment_cancelled",
        )
    actor = actor or interviewer_actor(assignment)
    scorecard = scorecard_for(session, assignment.id, fresh=True)

    if scorecard is not None and scorecard.status == "submitted":
        if data.reason is None:
            raise ScorecardError(
                409,
                "This scorecard was submitted and is locked; an amendment needs a reason.",
                code="reason_required",
                fields={"reason": "Say why you are changing a submitted scorecard."},
            )
        missing = missing_for_submit(ctx, data)
        if missing:
            raise _incomplete(missing)
        before = snapshot(scorecard)
        kept = {
            cid: value
            for cid, value in before["ratings"].items()
            if cid not in ctx.competency_ids and cid not in data.ratings
        }
        if _content(before) == _content(
            {
                "ratings": {
                    **kept,
                    **{
                        cid: {"rating": r.rating, "evidence": r.evidence}
                        for cid, r in data.ratings.items()
                    },
                },
                "recommendation": data.recommendation,
                "notes": data.notes,
            }
        ):
            return SaveResult(scorecard, "unchanged")
        _write(scorecard, data, assignment.application_id, ctx.competency_ids)
        scorecard.amended_at = now
        session.flush()
        revision = ScorecardRevision(
            scorecard_id=scorecard.id,
            kind="amendment",
            actor=actor,
            reason=data.reason,
            before={**before, "submitted_at": _iso(scorecard.submitted_at)},
            after={**snapshot(scorecard), "amended_at": _iso(now)},
            created_at=now,
        )
        session.add(revision)
        session.flush()
        signals.scorecards_changed.send(session, application_id=assignment.application_id)
        return SaveResult(scorecard, "amended", revision)

    if data.submit:
        missing = missing_for_submit(ctx, data)
        if missing:
            raise _incomplete(missing)
    if scorecard is None:
        scorecard = Scorecard(
            application_id=assignment.application_id,
            assignment_id=assignment.id,
            source="hireloop",
            status="draft",
            created_at=now,
        )
        session.add(scorecard)
    scorecard.interviewer_key = assignment.interviewer_key
    scorecard.interviewer_name = assignment.interviewer_name
    scorecard.interview_name = ctx.interview_name
    scorecard.interviewed_at = assignment.starts_at
    _write(scorecard, data, assignment.application_id, ctx.competency_ids)
    if data.submit:
        scorecard.status = "submitted"
        scorecard.submitted_at = now
        assignment.status = "submitted"
        assignment.submitted_at = now
        session.flush()
        signals.scorecards_changed.send(session, application_id=assignment.application_id)
        return SaveResult(scorecard, "submitted")
    scorecard.status = "draft"
    if assignment.status == "pending":
        assignment.status = "draft"
    session.flush()
    return SaveResult(scorecard, "draft")


def _incomplete(missing: dict[str, str]) -> ScorecardError:
    count = len(missing)
    return ScorecardError(
        422,
        f"The scorecard cannot be submitted yet: {count} thing{'s' if count != 1 else ''} "
        "missing. " + " ".join(missing.values()),
        code="incomplete",
        fields=missing,
    )


def revoke_links(session: Session, assignment: Assignment) -> int:
    """Invalidate every link issued for the assignment so far; returns the new version."""
    locked = _lock(session, assignment)
    locked.link_version = (locked.link_version or 1) + 1
    return locked.link_version


def ordered_ratings(
    ratings: Mapping[str, Mapping[str, Any]], order: Sequence[str]
) -> list[tuple[str, Mapping[str, Any]]]:
    """Ratings in the interview's competency order, unknown ones after."""
    rank = {cid: i for i, cid in enumerate(order)}
    return sorted(ratings.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


# -- links -----------------------------------------------------------------------------------


class LinkRejected(Exception):
    """A link that opens nothing: ``reason`` is invalid, expired, revoked or gone."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def code(self) -> str:
        """The error code a JSON answer carries (the same on the page's autosave and the API)."""
        return {"expired": "link_expired", "revoked": "link_revoked"}.get(
            self.reason, "unauthorized"
        )


def assignment_for_link(session: Session, token: str) -> Assignment:
    """The assignment a signed link opens; LinkRejected for anything else."""

    try:
        claim = read_link_token(token)
    except LinkError as exc:
        raise LinkRejected("expired" if exc.expired else "invalid", str(exc)) from None
    assignment = session.get(Assignment, claim.assignment_id)
    if assignment is None:
        raise LinkRejected("gone", "This interview no longer exists.")
    if assignment.link_version != claim.version:
        raise LinkRejected(
            "revoked",
            "This interview link was replaced or revoked; ask the recruiter for a new one.",
        )
    return assignment
