"""Storing the scorecards an ATS returned for one application: attribute names map to
competencies (``Framework.resolve``), ratings convert with ``scorecards.scale``, and each
scorecard is kept once per (source, ats_scorecard_id), updated in place when the ATS's copy
changes. What maps to nothing is reported, never dropped silently."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plugin.applications.models import Application, Assignment, AssignmentStatus
from plugin.ats.base import AtsScorecard
from plugin.core import signals
from plugin.core.models import utcnow
from plugin.scorecards.models import Rating, Scorecard, ScorecardStatus
from scorecards.framework import Framework
from scorecards.scale import (
    ScaleError,
    from_greenhouse,
    from_score,
    parse_recommendation,
    recommendation_from_score,
)

# The logger the import has always written to (operators filter on it).
log = logging.getLogger("hireloop.imports")

# A scorecard's ratings: competency id -> (rating point, the interviewer's note).
Ratings = dict[str, tuple[str, str]]


@dataclass
class ImportResult:
    application_id: int
    source: str
    fetched: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    unmapped: list[dict[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def to_dict(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "source": self.source,
            "fetched": self.fetched,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "unmapped": self.unmapped,
        }


def _convert(source: str, value: str, points: Sequence[str]) -> str:
    if source == "greenhouse":
        return from_greenhouse(value, points)
    return from_score(value, points)


def _recommendation(source: str, value: str | None) -> str | None:
    if source == "lever":
        return recommendation_from_score(value).value
    return parse_recommendation(value).value


def _match_assignment(assignments: Sequence[Assignment], card: AtsScorecard) -> Assignment | None:
    mine = [
        a for a in assignments if a.interviewer_key and a.interviewer_key == card.interviewer_id
    ]
    if card.interview_id:
        exact = [a for a in mine if a.interview_key == card.interview_id]
        if len(exact) == 1:
            return exact[0]
    name = card.interview_name.strip().lower()
    if name:
        named = [
            a
            for a in mine
            if a.interview_key.strip().lower() == name or a.interview_name.strip().lower() == name
        ]
        if len(named) == 1:
            return named[0]
    return mine[0] if len(mine) == 1 else None


@dataclass
class _Known:
    """What the application already has: its assignments, the scorecards linked to them (by
    assignment id) and the imported scorecards (by the ATS's id)."""

    assignments: Sequence[Assignment]
    linked: dict[int | None, Scorecard]
    stored: dict[str | None, Scorecard]


def _known(session: Session, application: Application, cards: Sequence[AtsScorecard]) -> _Known:
    assignments = session.scalars(
        select(Assignment).where(Assignment.application_id == application.id)
    ).all()
    linked = {
        card.assignment_id: card
        for card in session.scalars(
            select(Scorecard).where(
                Scorecard.application_id == application.id, Scorecard.assignment_id.is_not(None)
            )
        ).all()
    }
    stored = {
        card.ats_scorecard_id: card
        for card in session.scalars(
            select(Scorecard)
            .where(
                Scorecard.source == application.ats,
                Scorecard.ats_scorecard_id.in_({card.id for card in cards if card.id}),
            )
            .options(selectinload(Scorecard.ratings))
        ).all()
    }
    return _Known(assignments, linked, stored)


def import_scorecards(
    session: Session,
    application: Application,
    cards: Sequence[AtsScorecard],
    framework: Framework,
) -> ImportResult:
    """Store the ATS's scorecards of one application; idempotent; returns what happened."""
    result = ImportResult(application.id, application.ats, fetched=len(cards))
    known = _known(session, application, cards)
    for card in cards:
        _import_card(session, application, card, framework, known, result)
    session.flush()
    if result.unmapped:
        log.warning(
            "ATS scorecard attributes not mapped to competencies: %s",
            ", ".join(sorted({u["attribute"] for u in result.unmapped})),
            extra={"application_id": application.id, "unmapped": result.unmapped},
        )
    if result.changed:
        signals.scorecards_changed.send(session, application_id=application.id)
    return result


def _import_card(
    session: Session,
    application: Application,
    card: AtsScorecard,
    framework: Framework,
    known: _Known,
    result: ImportResult,
) -> None:
    if not card.id:
        result.skipped.append({"scorecard": "", "reason": "no id"})
        return
    assignment = _match_assignment(known.assignments, card)
    existing = known.stored.get(card.id)
    if existing is None and assignment is not None:
        own = known.linked.get(assignment.id)
        if own is not None and own.source == "hireloop" and own.status == ScorecardStatus.SUBMITTED:
            result.skipped.append({"scorecard": card.id, "reason": "already submitted in hireloop"})
            return
    ratings = _ratings_of(card, framework, result)
    fields: dict[str, Any] = {
        "interviewer_key": card.interviewer_id,
        "interviewer_name": card.interviewer_name or None,
        "interview_name": card.interview_name or None,
        "recommendation": _recommendation_of(card, result),
        "notes": card.notes,
        "status": ScorecardStatus.SUBMITTED,
        "interviewed_at": card.interviewed_at,
        "submitted_at": card.submitted_at or utcnow(),
    }
    if existing is None:
        _create(session, application, card, assignment, fields, ratings, known)
        result.created.append(card.id)
    elif _update(application, existing, fields, ratings):
        result.updated.append(card.id)
    else:
        result.unchanged.append(card.id)


def _ratings_of(card: AtsScorecard, framework: Framework, result: ImportResult) -> Ratings:
    """The card's attributes that map to a competency, converted to the framework's points;
    the others are reported in ``result.unmapped``."""
    ratings: Ratings = {}
    for attribute in card.ratings:
        competency = framework.resolve(attribute.name)
        if competency is None:
            result.unmapped.append({"scorecard": card.id, "attribute": attribute.name})
            continue
        try:
            point = _convert(result.source, attribute.rating, framework.points)
        except ScaleError as exc:
            result.unmapped.append(
                {"scorecard": card.id, "attribute": attribute.name, "reason": str(exc)}
            )
            continue
        if competency in ratings:
            result.unmapped.append(
                {
                    "scorecard": card.id,
                    "attribute": attribute.name,
                    "reason": f"a second rating for {competency}; the first is kept",
                }
            )
            continue
        ratings[competency] = (point, attribute.note or "")
    return ratings


def _recommendation_of(card: AtsScorecard, result: ImportResult) -> str | None:
    try:
        return _recommendation(result.source, card.overall_recommendation)
    except ScaleError:
        result.unmapped.append(
            {
                "scorecard": card.id,
                "attribute": "overall recommendation",
                "reason": f"unknown value {card.overall_recommendation!r}",
            }
        )
        return None


def _create(
    session: Session,
    application: Application,
    card: AtsScorecard,
    assignment: Assignment | None,
    fields: dict[str, Any],
    ratings: Ratings,
    known: _Known,
) -> None:
    """A new imported scorecard; it completes the interviewer's assignment it matched, unless
    another scorecard is linked to that one already."""
    scorecard = Scorecard(
        application_id=application.id, source=application.ats, ats_scorecard_id=card.id, **fields
    )
    session.add(scorecard)
    known.stored[card.id] = scorecard
    if assignment is not None and assignment.id not in known.linked:
        scorecard.assignment_id = assignment.id
        known.linked[assignment.id] = scorecard
        if assignment.status in AssignmentStatus.open():
            assignment.status = AssignmentStatus.SUBMITTED
            assignment.submitted_at = fields["submitted_at"]
    for competency, (point, note) in ratings.items():
        scorecard.ratings.append(
            Rating(
                application_id=application.id,
                competency_id=competency,
                rating=point,
                evidence=note,
            )
        )


def _update(
    application: Application, existing: Scorecard, fields: dict[str, Any], ratings: Ratings
) -> bool:
    """Bring a stored import up to the ATS's copy; False when nothing differs."""
    before = (
        {k: getattr(existing, k) for k in fields if k != "submitted_at"},
        {r.competency_id: (r.rating, r.evidence) for r in existing.ratings},
    )
    after = ({k: v for k, v in fields.items() if k != "submitted_at"}, ratings)
    if before == after:
        return False
    for key, value in fields.items():
        setattr(existing, key, value)
    existing.amended_at = utcnow()
    for rating in list(existing.ratings):
        if rating.competency_id not in ratings:
            existing.ratings.remove(rating)
    current = {r.competency_id: r for r in existing.ratings}
    for competency, (point, note) in ratings.items():
        if competency in current:
            current[competency].rating = point
            current[competency].evidence = note
        else:
            existing.ratings.append(
                Rating(
                    application_id=application.id,
                    competency_id=competency,
                    rating=point,
                    evidence=note,
                )
            )
    return True
