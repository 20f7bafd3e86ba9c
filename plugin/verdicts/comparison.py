"""A job's candidates side by side: the job page and ``/api/jobs/<ats>/<job_id>/candidates``.

Every application of one job is summarised with a fixed number of queries: the ratings are
counted per application, competency and point by the database, and the verdicts are computed
from those counts (scorecards.aggregation.summarize agrees with aggregate on the same data;
a test checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from plugin.applications.models import Application
from plugin.core.errors import Invalid, NotFound
from plugin.loops import reader
from plugin.scorecards.models import Rating, Scorecard, ScorecardStatus
from plugin.verdicts.overrides import current_overrides
from plugin.verdicts.service import AssignmentCount, assignment_counts
from plugin.verdicts.settings import LoopSettings, loop_settings
from scorecards.aggregation import VerdictSummary, resolve_scope, summarize
from scorecards.framework import Framework
from scorecards.scale import Recommendation

RECOMMENDATION_ORDER: dict[str, int] = {
    Recommendation.STRONG_YES: 0,
    Recommendation.YES: 1,
    Recommendation.NO_DECISION: 2,
    Recommendation.NO: 3,
    Recommendation.DEFINITELY_NOT: 4,
}
VERDICT_ORDER = {"outperforming": 0, "on_track": 1, "split": 2, "needs_focus": 3, "not_assessed": 4}
SORT_KEYS = ("recommendation", "name", "scorecards", "splits")
MAX_PER_PAGE = 200

#: Per application, competency and rating point: how many submitted ratings.
RatingCounts = dict[int, dict[str, dict[str, int]]]
#: The framework's competencies in scope: (must-have ids, scope ids).
Scope = tuple[list[str], list[str]]


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
            "borderline": list(self.summary.borderline),
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
    # The filters applied (None: all) and the stages there are to filter by.
    recommendation: str | None = None
    stage: str | None = None
    stages: tuple[str, ...] = ()

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
    per_page: int | None = 25,
    recommendation: str | None = None,
    stage: str | None = None,
) -> JobComparison:
    """Every application of one job summarised, filtered by recommendation and stage,
    sorted and cut to one page (``per_page=None``: every row on one page); six queries."""
    settings = _job_settings(session, ats, job_id)
    _check_sort(settings.framework, sort, order)
    _check_filter(recommendation)
    # The scope is the framework's competencies at the loop's level (loops do not narrow it).
    resolved = resolve_scope(settings.framework, settings.level, settings.must_have, None)
    every, job_name = _candidate_rows(session, ats, job_id, settings, resolved)
    stages = tuple(sorted({row.stage for row in every if row.stage}))
    rows = [
        row
        for row in every
        if (recommendation is None or row.summary.recommendation == recommendation)
        and (stage is None or row.stage == stage)
    ]
    rows.sort(key=_sort_key(sort), reverse=order == "desc")
    total = len(rows)
    per_page = max(total, 1) if per_page is None else min(max(per_page, 1), MAX_PER_PAGE)
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    shown = rows[start : start + per_page]
    return JobComparison(
        ats=ats,
        job_id=job_id,
        job_name=job_name,
        loop=settings,
        competencies=_columns(settings.framework, resolved, shown),
        rows=shown,
        total=total,
        page=page,
        per_page=per_page,
        sort=sort,
        order=order,
        recommendation=recommendation,
        stage=stage,
        stages=stages,
    )


def job_candidates(
    session: Session, ats: str, job_id: str
) -> tuple[list[CandidateRow], str | None]:
    """Every application of one job summarised (unsorted), and the job's name."""
    settings = _job_settings(session, ats, job_id)
    resolved = resolve_scope(settings.framework, settings.level, settings.must_have, None)
    return _candidate_rows(session, ats, job_id, settings, resolved)


def _check_filter(recommendation: str | None) -> None:
    if recommendation is not None and recommendation not in RECOMMENDATION_ORDER:
        raise Invalid(
            f"No recommendation '{recommendation}'.",
            fields={"recommendation": f"One of: {', '.join(RECOMMENDATION_ORDER)}."},
        )


def _job_settings(session: Session, ats: str, job_id: str) -> LoopSettings:
    loop = reader.loop_for_job(session, ats, job_id)
    if loop is None:
        raise NotFound(
            f"No interview loop for {ats} job {job_id}.",
            fields={"job_id": "no loop for this job"},
        )
    return loop_settings(loop)


def _check_sort(framework: Framework, sort: str, order: str) -> None:
    if sort not in sort_options(framework):
        raise Invalid(
            f"Cannot sort by '{sort}'.",
            fields={"sort": f"One of: {', '.join(sort_options(framework))}."},
        )
    if order not in ("asc", "desc"):
        raise Invalid("Order must be asc or desc.", fields={"order": "asc or desc"})


def _rating_counts(session: Session, job_apps: Select[Any]) -> RatingCounts:
    counts: RatingCounts = {}
    for app_id, competency_id, rating, n in session.execute(
        select(Rating.application_id, Rating.competency_id, Rating.rating, func.count())
        .join(Scorecard, Scorecard.id == Rating.scorecard_id)
        .where(Rating.application_id.in_(job_apps), Scorecard.status == ScorecardStatus.SUBMITTED)
        .group_by(Rating.application_id, Rating.competency_id, Rating.rating)
    ):
        counts.setdefault(app_id, {}).setdefault(competency_id, {})[rating] = n
    return counts


def _candidate_rows(
    session: Session, ats: str, job_id: str, settings: LoopSettings, resolved: Scope
) -> tuple[list[CandidateRow], str | None]:
    """One summarised row per application of the job, and the job's name as the ATS gave it."""
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
    counts = _rating_counts(session, job_apps)
    assigned = assignment_counts(session, job_apps)
    overrides = current_overrides(session, job_apps)
    rows: list[CandidateRow] = []
    job_name: str | None = None
    for app_id, name, external_id, status, stage, app_job_name in apps:
        job_name = job_name or app_job_name
        count = assigned.get(app_id, AssignmentCount())
        summary = summarize(
            settings.framework,
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
    return rows, job_name


def _sort_key(sort: str) -> Callable[[CandidateRow], tuple[Any, ...]]:
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

    return key


def _columns(
    framework: Framework, resolved: Scope, shown: list[CandidateRow]
) -> list[dict[str, Any]]:
    """The competencies in scope, and any other that a shown candidate was rated on."""
    must_have_ids, scope_ids = resolved
    shown_ids = set(scope_ids) | set(must_have_ids)
    for row in shown:
        shown_ids.update(row.summary.verdicts)
    return [
        {"id": c.id, "name": c.name, "area": c.area, "must_have": c.id in must_have_ids}
        for c in framework.competencies
        if c.id in shown_ids
    ]
