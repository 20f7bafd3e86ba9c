"""``aggregate`` (from the ratings themselves) and ``summarize`` (from per-point counts).

Both resolve the loop's scope the same way, compute the same per-competency verdicts and
ask ``recommend`` for the recommendation, so they agree on the same data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scorecards.aggregation.competency import (
    competency_verdict,
    lower_median,
    verdict_from_counts,
)
from scorecards.aggregation.recommend import recommend
from scorecards.aggregation.results import (
    NOT_ASSESSED,
    SPLIT,
    VERDICTS,
    AreaSummary,
    CompetencyVerdict,
    RatingEntry,
    ScorecardInput,
    Verdict,
    VerdictSummary,
)
from scorecards.archetypes import nearest_archetype, shape
from scorecards.framework import NO_EVIDENCE, Competency, Framework
from scorecards.hiring_bar import HiringBar

Ranks = Mapping[str, int]  # rating point -> position on the scale


def aggregate(
    framework: Framework,
    level: str,
    must_have: Sequence[str],
    hiring_bar: HiringBar,
    scorecards: Sequence[ScorecardInput],
    expected: int,
    in_scope: Sequence[str] | None = None,
    *,
    answered: int | None = None,
) -> Verdict:
    """``expected``: how many scorecards the loop waits for; ``answered``: how many of those
    are in, where the caller can tell (a submitted scorecard nobody was expected to write,
    such as an extra one entered in the ATS, adds its ratings but completes nothing);
    by default every submitted scorecard counts as one of them."""
    rank = {p: i for i, p in enumerate(framework.points)}
    mh, scope_ids = resolve_scope(framework, level, must_have, in_scope)
    scope = set(scope_ids) | set(mh)
    # A fixed order, so the result does not depend on the order the scorecards came in.
    submitted = sorted(
        (s for s in scorecards if s.submitted),
        key=lambda s: (s.interviewer, s.interview, s.source, str(s.id)),
    )
    collected, unknown = _collect_ratings(framework, submitted, rank)
    verdicts, means = _competency_verdicts(framework, collected, scope, mh, rank)
    recommendation, rule, clauses = recommend(
        framework, {v.id: v.verdict for v in verdicts}, mh, hiring_bar
    )
    shape_points = shape(framework, [v.id for v in verdicts if v.in_scope], means)
    in_count = len(submitted) if answered is None else answered
    return Verdict(
        framework=framework.id,
        level=level,
        recommendation=recommendation,
        rule=rule,
        complete=expected > 0 and in_count >= expected,
        competencies=verdicts,
        splits=tuple(v.id for v in verdicts if v.verdict == SPLIT),
        gaps=tuple(v.id for v in verdicts if v.in_scope and v.verdict == NOT_ASSESSED),
        thin_must_haves=tuple(v.id for v in verdicts if v.must_have and v.count <= 1),
        areas=_area_summaries(framework, verdicts, rank),
        shape=shape_points,
        archetype=nearest_archetype(framework, shape_points),
        must_have=tuple(mh),
        rules=clauses,
        scorecards_submitted=in_count,
        scorecards_expected=expected,
        hiring_bar=hiring_bar,
        unknown_competencies=unknown,
    )


def _collect_ratings(
    framework: Framework, submitted: Sequence[ScorecardInput], rank: Ranks
) -> tuple[dict[str, list[RatingEntry]], tuple[str, ...]]:
    """Ratings per canonical competency id, and the rated keys no competency answers to."""
    known = {c.id for c in framework.competencies}
    resolve = framework.resolve
    collected: dict[str, list[RatingEntry]] = {}
    unknown: list[str] = []
    for card in submitted:
        for key, value in card.ratings.items():
            cid = key if key in known else resolve(key)
            if cid is None:
                if key not in unknown:
                    unknown.append(key)
                continue
            # Callers may pass a bare rating point instead of a RatingInput.
            if isinstance(value, str):
                rating, evidence = value, ""
            else:
                rating, evidence = value.rating, value.evidence
            if rating != NO_EVIDENCE and rating not in rank:
                raise ValueError(f"scorecard {card.id}: unknown rating {rating!r} for {cid}")
            collected.setdefault(cid, []).append(
                RatingEntry(
                    card.interviewer, card.interview, rating, evidence or "", card.source, card.id
                )
            )
    return collected, tuple(unknown)


def _competency_verdicts(
    framework: Framework,
    collected: Mapping[str, list[RatingEntry]],
    scope: set[str],
    must_have: Sequence[str],
    rank: Ranks,
) -> tuple[tuple[CompetencyVerdict, ...], dict[str, float | None]]:
    """One verdict per competency in scope or rated anyway, in the framework's order, and
    each one's mean rating on a 1-based scale (None: not rated), for the shape."""
    points = framework.points
    verdicts: list[CompetencyVerdict] = []
    means: dict[str, float | None] = {}
    for competency in framework.competencies:
        entries = collected.get(competency.id)
        if competency.id not in scope and not entries:
            continue
        positions = [rank[e.rating] for e in entries or () if e.rating != NO_EVIDENCE]
        verdicts.append(
            _competency_verdict(
                points, competency, entries or [], positions, competency.id in scope, must_have
            )
        )
        means[competency.id] = (sum(positions) / len(positions) + 1) if positions else None
    return tuple(verdicts), means


def _competency_verdict(
    points: Sequence[str],
    competency: Competency,
    entries: list[RatingEntry],
    positions: list[int],
    in_scope: bool,
    must_have: Sequence[str],
) -> CompetencyVerdict:
    distribution = dict.fromkeys(points, 0)
    for position in positions:
        distribution[points[position]] += 1
    count = len(positions)
    return CompetencyVerdict(
        id=competency.id,
        name=competency.name,
        area=competency.area,
        verdict=competency_verdict(positions, points),
        count=count,
        median=points[lower_median(positions)] if positions else None,
        distribution=distribution,
        ratings=tuple(entries),
        thin_evidence=count == 1,
        must_have=competency.id in must_have,
        no_evidence=len(entries) - count,
        in_scope=in_scope,
    )


def _area_summaries(
    framework: Framework, verdicts: Sequence[CompetencyVerdict], rank: Ranks
) -> tuple[AreaSummary, ...]:
    points = framework.points
    areas: list[AreaSummary] = []
    for area in framework.areas:
        members = [v for v in verdicts if v.area == area.id and v.in_scope]
        if not members:
            continue
        tally = dict.fromkeys(VERDICTS, 0)
        area_positions: list[int] = []
        for v in members:
            tally[v.verdict] += 1
            area_positions.extend(rank[r.rating] for r in v.ratings if r.rating != NO_EVIDENCE)
        areas.append(
            AreaSummary(
                id=area.id,
                name=area.name,
                competencies=len(members),
                assessed=sum(1 for v in members if v.count),
                verdicts=tally,
                median=points[lower_median(area_positions)] if area_positions else None,
            )
        )
    return tuple(areas)


def _known(framework: Framework, competency_id: str) -> bool:
    try:
        framework.competency(competency_id)
    except KeyError:
        return False
    return True


def resolve_scope(
    framework: Framework, level: str, must_have: Sequence[str], in_scope: Sequence[str] | None
) -> tuple[list[str], list[str]]:
    """Must-haves and in-scope competencies as canonical ids (aliases resolved, unknown ids
    dropped); the default scope is the framework's competencies at the level."""
    mh = _canonical_ids(framework, must_have)
    if in_scope is not None:
        return mh, _canonical_ids(framework, in_scope)
    scope_ids: list[str] = []
    if framework.has_level(level):
        scope_ids = [c.id for c in framework.in_scope(level)]
    if not scope_ids:
        scope_ids = [c.id for c in framework.competencies]
    return mh, scope_ids


def _canonical_ids(framework: Framework, keys: Sequence[str]) -> list[str]:
    ids: list[str] = []
    for key in keys:
        cid = key if _known(framework, key) else framework.resolve(key)
        if cid is not None and cid not in ids:
            ids.append(cid)
    return ids


def summarize(
    framework: Framework,
    level: str,
    must_have: Sequence[str],
    hiring_bar: HiringBar,
    counts: Mapping[str, Mapping[str, int]],
    submitted: int,
    expected: int,
    in_scope: Sequence[str] | None = None,
    *,
    resolved: tuple[list[str], list[str]] | None = None,
) -> VerdictSummary:
    """``counts`` maps competency id -> rating point -> number of submitted ratings
    (no_evidence may be present; it is ignored). Agrees with aggregate() on the same data.

    ``resolved`` is resolve_scope()'s answer for the same arguments, for callers that
    summarise many applications of one loop."""
    mh, scope_ids = resolved or resolve_scope(framework, level, must_have, in_scope)
    scope = set(scope_ids) | set(mh)
    verdict_of, count_of = _verdicts_from_counts(framework, counts, scope)
    recommendation, rule, _ = recommend(framework, verdict_of, mh, hiring_bar)
    return VerdictSummary(
        recommendation=recommendation,
        rule=rule,
        verdicts=verdict_of,
        counts=count_of,
        splits=tuple(c for c, v in verdict_of.items() if v == SPLIT),
        gaps=tuple(c for c, v in verdict_of.items() if v == NOT_ASSESSED and c in scope),
        complete=expected > 0 and submitted >= expected,
        scorecards_submitted=submitted,
        scorecards_expected=expected,
    )


def _verdicts_from_counts(
    framework: Framework, counts: Mapping[str, Mapping[str, int]], scope: set[str]
) -> tuple[dict[str, str], dict[str, int]]:
    """Verdict and rating count per competency in scope or rated, in the framework's order."""
    points = framework.points
    verdict_of: dict[str, str] = {}
    count_of: dict[str, int] = {}
    for competency in framework.competencies:
        cid = competency.id
        per_point = counts.get(cid)
        if per_point is None:
            if cid in scope:
                verdict_of[cid], count_of[cid] = NOT_ASSESSED, 0
            continue
        tally = [per_point.get(p, 0) for p in points]
        total = sum(tally)
        if not total and cid not in scope:
            continue
        verdict_of[cid] = verdict_from_counts(tally, points)
        count_of[cid] = total
    return verdict_of, count_of
