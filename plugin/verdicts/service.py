"""Verdicts from the database: one application's full verdict, and a job's comparison.

``compute_verdict`` loads what scorecards.aggregation needs for one application (its loop,
the framework, the submitted scorecards of any source, the expected count) and aggregates.
``job_comparison`` summarises every application of one job with a fixed number of queries:
the ratings are counted per application, competency and point by the database, and the
verdicts are computed from those counts (scorecards.aggregation.summarize agrees with
aggregate on the same data; a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from plugin.applications.models import Application, Assignment
from plugin.auth.tokens import Principal
from plugin.core import signals
from plugin.core.errors import ApiError
from plugin.core.links import public_url
from plugin.frameworks.registry import registry
from plugin.loops.models import Loop
from plugin.scorecards.models import Rating, Scorecard
from plugin.verdicts.models import VerdictOverride
from scorecards.aggregation import (
    RatingInput,
    ScorecardInput,
    Verdict,
    VerdictSummary,
    aggregate,
    resolve_scope,
    summarize,
)
from scorecards.framework import Framework
from scorecards.hiring_bar import HiringBar, HiringBarError
from scorecards.loops import LoopError, LoopSpec, parse_loop
from scorecards.scale import RECOMMENDATIONS

RECOMMENDATION_ORDER = {"strong_yes": 0, "yes": 1, "no_decision": 2, "no": 3, "definitely_not": 4}
VERDICT_ORDER = {"outperforming": 0, "on_track": 1, "split": 2, "needs_focus": 3, "not_assessed": 4}


@dataclass(frozen=True)
class LoopSettings:
    loop_id: int
    name: str
    framework: Framework
    level: str
    must_have: tuple[str, ...]
    hiring_bar: HiringBar


def _from_spec(definition: Mapping[str, Any], framework: Framework) -> LoopSpec | None:
    """The parsed loop when the document parses; None for an older or hand-written one
    (the caller then reads the dict)."""
    try:
        return parse_loop(definition, framework)
    except LoopError:
        return None


def loop_settings(loop: Loop) -> LoopSettings:
    definition: Mapping[str, Any] = loop.definition or {}
    framework_id = str(definition.get("framework") or loop.framework_id)
    framework = registry().get(framework_id) or registry().get(loop.framework_id)
    if framework is None:
        raise ApiError(
            409,
            f"The loop '{loop.name}' uses the framework '{framework_id}', which this "
            "deployment does not know.",
            code="unknown_framework",
            fields={"framework": framework_id},
        )
    spec = _from_spec(definition, framework)
    if spec is not None:
        level, must_have, bar = spec.level, spec.must_have, spec.hiring_bar
    else:
        level = str(definition.get("level") or loop.level)
        must_have = definition.get("must_have") or ()
        try:
            bar = HiringBar.from_dict(definition.get("hiring_bar"))
        except HiringBarError as exc:
            raise ApiError(
                409,
                f"The loop '{loop.name}' has an invalid hiring bar: {exc}",
                code="invalid_loop",
                fields={f"hiring_bar.{exc.field}": exc.message},
            ) from None
    return LoopSettings(
        loop_id=loop.id,
        name=loop.name,
        framework=framework,
        level=level,
        must_have=tuple(str(m) for m in must_have),
        hiring_bar=bar,
    )


def get_application(session: Session, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise ApiError(404, f"No application with id {application_id}.", fields={"id": "unknown"})
    return application


def visible_application(session: Session, application_id: int, principal: Principal) -> Application:
    """The application, when the principal's token may see its job (403 otherwise)."""
    application = get_application(session, application_id)
    if not principal.can_see_job(application.job_id):
        raise ApiError(403, "Your token is scoped to another job.", fields={"id": "other job"})
    return application


def find_loop(session: Session, application: Application) -> Loop | None:
    """The application's loop, else the loop of its ATS job; None when there is neither."""
    loop = session.get(Loop, application.loop_id) if application.loop_id is not None else None
    if loop is None and application.job_id is not None:
        loop = session.scalar(
            select(Loop).where(Loop.ats == application.ats, Loop.job_id == application.job_id)
        )
    return loop


def loop_for(session: Session, application: Application) -> Loop:
    loop = find_loop(session, application)
    if loop is None:
        raise ApiError(
            409,
            f"Application {application.id} has no interview loop yet; a recruiter sets one "
            f"up for job {application.job_id}.",
            code="no_loop",
            fields={"loop": "missing"},
        )
    return loop


def _interviewer_label(card: Scorecard) -> str:
    return card.interviewer_name or card.interviewer_key or f"Interviewer #{card.id}"


def scorecard_inputs(cards: Sequence[Scorecard]) -> list[ScorecardInput]:
    return [
        ScorecardInput(
            id=card.id,
            interviewer=_interviewer_label(card),
            interview=card.interview_name or "",
            source=card.source,
            ratings={r.competency_id: RatingInput(r.rating, r.evidence) for r in card.ratings},
            recommendation=card.recommendation,
            submitted=card.status == "submitted",
        )
        for card in cards
    ]


@dataclass(frozen=True)
class AssignmentCount:
    expected: int = 0
    submitted: int = 0


def assignment_counts(
    session: Session, application_ids: Sequence[int] | Select[Any]
) -> dict[int, AssignmentCount]:
    """Per application, the scorecards expected (assignments not cancelled) and how many of
    them are submitted. Completeness is counted by assignment, not by scorecard: a scorecard
    from the ATS that answers no assignment must not stand in for one still open."""
    rows = session.execute(
        select(
            Assignment.application_id,
            func.count(),
            func.count().filter(Assignment.status == "submitted"),
        )
        .where(Assignment.application_id.in_(application_ids), Assignment.status != "cancelled")
        .group_by(Assignment.application_id)
    ).all()
    return {app_id: AssignmentCount(int(n), int(done)) for app_id, n, done in rows}


def compute_verdict(
    session: Session, application_id: int, settings: LoopSettings | None = None
) -> Verdict:
    """The application's verdict; ``settings`` when the caller has its loop's already."""
    if settings is None:
        settings = loop_settings(loop_for(session, get_application(session, application_id)))
    cards = session.scalars(
        select(Scorecard)
        .where(Scorecard.application_id == application_id, Scorecard.status == "submitted")
        .options(selectinload(Scorecard.ratings))
        .order_by(Scorecard.id)
    ).all()
    count = assignment_counts(session, [application_id]).get(application_id, AssignmentCount())
    return aggregate(
        settings.framework,
        settings.level,
        settings.must_have,
        settings.hiring_bar,
        scorecard_inputs(cards),
        count.expected,
        answered=count.submitted,
    )


def complete_verdict(session: Session, application_id: int) -> Verdict | None:
    """The verdict when every expected scorecard is in; None while provisional or when the
    application has no loop (nothing to announce or write back then)."""
    try:
        verdict = compute_verdict(session, application_id)
    except ApiError:  # no loop, unknown framework
        return None
    return verdict if verdict.complete else None


def announce_if_complete(session: Session, application_id: int) -> None:
    """Receiver of ``scorecards_changed``: a complete verdict is announced to whoever listens
    (the ATS note, the hiring managers' message), who decide whether it is news."""
    verdict = complete_verdict(session, application_id)
    if verdict is not None:
        signals.verdict_completed.send(session, application_id=application_id, verdict=verdict)


def list_overrides(session: Session, application_id: int) -> list[VerdictOverride]:
    """Every override of the application, newest first (the first is the current one)."""
    return list(
        session.scalars(
            select(VerdictOverride)
            .where(VerdictOverride.application_id == application_id)
            .order_by(VerdictOverride.created_at.desc(), VerdictOverride.id.desc())
        ).all()
    )


def override_dict(row: VerdictOverride) -> dict[str, Any]:
    return {
        "id": row.id,
        "recommendation": row.recommendation,
        "reason": row.reason,
        "actor": row.actor,
        "created_at": row.created_at.isoformat(),
    }


def pending_assignments(session: Session, application_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Assignment)
        .where(
            Assignment.application_id == application_id,
            Assignment.status.in_(("pending", "draft")),
        )
        .order_by(Assignment.starts_at, Assignment.id)
    ).all()
    return [
        {
            "assignment": row.id,
            "interview": row.interview_name,
            "stage": row.stage_name,
            "interviewer": row.interviewer_name or row.interviewer_key or None,
            "status": row.status,
            "ends_at": row.ends_at.isoformat() if row.ends_at else None,
        }
        for row in rows
    ]


def verdict_payload(session: Session, application_id: int) -> dict[str, Any]:
    """The contract's verdict JSON, plus the application, the override and pending work."""
    application = get_application(session, application_id)
    verdict = compute_verdict(session, application_id)
    body = verdict.to_dict()
    overrides = list_overrides(session, application_id)
    body["application"] = {
        "id": application.id,
        "ats": application.ats,
        "external_id": application.external_id,
        "candidate_name": application.candidate_name,
        "job_id": application.job_id,
        "job_name": application.job_name,
        "status": application.status,
        "stage": application.current_stage_name,
    }
    body["override"] = override_dict(overrides[0]) if overrides else None
    body["overrides"] = [override_dict(row) for row in overrides]
    body["pending"] = pending_assignments(session, application_id)
    body["review_url"] = public_url(f"/review/applications/{application_id}")
    return body


def record_override(
    session: Session, application_id: int, recommendation: str, reason: str, actor: str
) -> VerdictOverride:
    """Record a hiring manager's recommendation beside the mechanical one (never instead)."""
    fields: dict[str, str] = {}
    if recommendation not in RECOMMENDATIONS:
        fields["recommendation"] = f"Must be one of: {', '.join(RECOMMENDATIONS)}."
    if not reason.strip():
        fields["reason"] = "A reason is required: say why the mechanical verdict is overridden."
    elif len(reason) > 5000:
        fields["reason"] = "Keep the reason under 5,000 characters."
    if fields:
        raise ApiError(
            422, "The override has invalid fields: " + ", ".join(sorted(fields)), fields=fields
        )
    get_application(session, application_id)
    row = VerdictOverride(
        application_id=application_id,
        recommendation=recommendation,
        reason=reason.strip(),
        actor=actor,
    )
    session.add(row)
    session.flush()
    return row


# -- a job's candidates side by side -------------------------------------------------------------


@dataclass(frozen=True)
class CandidateRow:
    application_id: int
    candidate_name: str
    external_id: str
    status: str
    stage: str | None
    summary: VerdictSummary
    override: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "candidate_name": self.candidate_name,
            "external_id": self.external_id,
            "status": self.status,
            "stage": self.stage,
            "recommendation": self.summary.recommendation,
            "override": self.override,
            "complete": self.summary.complete,
            "provisional": self.summary.provisional,
            "scorecards": {
                "submitted": self.summary.scorecards_submitted,
                "expected": self.summary.scorecards_expected,
            },
            "verdicts": dict(self.summary.verdicts),
            "counts": dict(self.summary.counts),
            "splits": list(self.summary.splits),
            "gaps": list(self.summary.gaps),
        }


@dataclass(frozen=True)
class JobComparison:
    ats: str
    job_id: str
    job_name: str | None
    loop: LoopSettings
    competencies: list[dict[str, Any]]
    rows: list[CandidateRow]
    total: int
    page: int
    per_page: int
    sort: str
    order: str

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "job": {"ats": self.ats, "job_id": self.job_id, "name": self.job_name},
            "loop": {
                "id": self.loop.loop_id,
                "name": self.loop.name,
                "level": self.loop.level,
                "framework": self.loop.framework.id,
                "must_have": list(self.loop.must_have),
            },
            "competencies": self.competencies,
            "candidates": [row.to_dict() for row in self.rows],
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "sort": self.sort,
            "order": self.order,
        }


SORT_KEYS = ("recommendation", "name", "scorecards", "splits")


def sort_options(framework: Framework) -> tuple[str, ...]:
    return SORT_KEYS + tuple(c.id for c in framework.competencies)


def job_comparison(
    session: Session,
    ats: str,
    job_id: str,
    *,
    sort: str = "recommendation",
    order: str = "asc",
    page: int = 1,
    per_page: int = 25,
) -> JobComparison:
    """Every application of one job summarised, sorted and cut to one page; six queries."""
    loop = session.scalar(select(Loop).where(Loop.ats == ats, Loop.job_id == job_id))
    if loop is None:
        raise ApiError(
            404,
            f"No interview loop for {ats} job {job_id}.",
            fields={"job_id": "no loop for this job"},
        )
    settings = loop_settings(loop)
    framework = settings.framework
    if sort not in sort_options(framework):
        raise ApiError(
            422,
            f"Cannot sort by '{sort}'.",
            fields={"sort": f"One of: {', '.join(sort_options(framework))}."},
        )
    if order not in ("asc", "desc"):
        raise ApiError(422, "Order must be asc or desc.", fields={"order": "asc or desc"})

    job_apps = select(Application.id).where(Application.ats == ats, Application.job_id == job_id)
    apps = session.execute(
        select(
            Application.id,
            Application.candidate_name,
            Application.external_id,
            Application.status,
            Application.current_stage_name,
            Application.job_name,
        ).where(Application.ats == ats, Application.job_id == job_id)
    ).all()
    counts: dict[int, dict[str, dict[str, int]]] = {}
    for app_id, competency_id, rating, n in session.execute(
        select(Rating.application_id, Rating.competency_id, Rating.rating, func.count())
        .join(Scorecard, Scorecard.id == Rating.scorecard_id)
        .where(Rating.application_id.in_(job_apps), Scorecard.status == "submitted")
        .group_by(Rating.application_id, Rating.competency_id, Rating.rating)
    ):
        counts.setdefault(app_id, {}).setdefault(competency_id, {})[rating] = n
    assigned = assignment_counts(session, job_apps)
    latest = (
        select(VerdictOverride.application_id, func.max(VerdictOverride.id).label("last"))
        .where(VerdictOverride.application_id.in_(job_apps))
        .group_by(VerdictOverride.application_id)
        .subquery()
    )
    overrides = dict(
        session.execute(
            select(VerdictOverride.application_id, VerdictOverride.recommendation).join(
                latest, latest.c.last == VerdictOverride.id
            )
        ).all()
    )

    # The scope is the framework's competencies at the loop's level (loops do not narrow it).
    resolved = resolve_scope(framework, settings.level, settings.must_have, None)
    rows: list[CandidateRow] = []
    job_name: str | None = None
    for app_id, name, external_id, status, stage, app_job_name in apps:
        job_name = job_name or app_job_name
        count = assigned.get(app_id, AssignmentCount())
        summary = summarize(
            framework,
            settings.level,
            settings.must_have,
            settings.hiring_bar,
            counts.get(app_id, {}),
            count.submitted,
            count.expected,
            resolved=resolved,
        )
        rows.append(
            CandidateRow(
                application_id=app_id,
                candidate_name=name or f"Application {external_id}",
                external_id=external_id,
                status=status,
                stage=stage,
                summary=summary,
                override=overrides.get(app_id),
            )
        )

    def key(row: CandidateRow) -> tuple[Any, ...]:
        name = row.candidate_name.lower()
        if sort == "recommendation":
            return (RECOMMENDATION_ORDER.get(row.summary.recommendation, 9), name)
        if sort == "name":
            return (name, row.application_id)
        if sort == "scorecards":
            return (row.summary.scorecards_submitted - row.summary.scorecards_expected, name)
        if sort == "splits":
            return (-len(row.summary.splits), name)
        verdict = row.summary.verdicts.get(sort, "not_assessed")
        return (VERDICT_ORDER.get(verdict, 9), name)

    rows.sort(key=key, reverse=order == "desc")
    total = len(rows)
    per_page = min(max(per_page, 1), 200)
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    shown = rows[start : start + per_page]
    must_have_ids, scope_ids = resolved
    shown_ids = set(scope_ids) | set(must_have_ids)
    for row in shown:
        shown_ids.update(row.summary.verdicts)
    columns = [
        {"id": c.id, "name": c.name, "area": c.area, "must_have": c.id in must_have_ids}
        for c in framework.competencies
        if c.id in shown_ids
    ]
    return JobComparison(
        ats=ats,
        job_id=job_id,
        job_name=job_name,
        loop=settings,
        competencies=columns,
        rows=shown,
        total=total,
        page=page,
        per_page=per_page,
        sort=sort,
        order=order,
    )
