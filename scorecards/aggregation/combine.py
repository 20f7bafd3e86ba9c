"""``aggregate`` (from the ratings themselves) and ``summarize`` (from per-point counts).

Both resolve the loop's scope the same way, compute the same per-competency verdicts and
ask ``recommend`` for the recommendation, so they agree on the same data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from operator import mul
from types import MappingProxyType
from typing import NamedTuple

from scorecards.aggregation.competency import summary_from_counts
from scorecards.aggregation.recommend import recommend
from scorecards.aggregation.results import (
    NOT_ASSESSED,
    CompetencyVerdict,
    RatingEntry,
    ScorecardInput,
    Verdict,
    VerdictSummary,
)
from scorecards.archetypes import shape
from scorecards.framework import NO_EVIDENCE, Framework
from scorecards.hiring_bar import HiringBar

Ranks = Mapping[str, int]  # rating point -> position on the scale
# A named tuple built straight from its fields: 72 of them per verdict of 6 x 12, and the
# generated __new__ showed in the benchmark.
_new_entry = tuple.__new__
_UNSEEN = ""  # no competency id is empty


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
    collected, tallies, unknown = _collect_ratings(framework, submitted, rank)
    verdicts, means = _competency_verdicts(framework, collected, tallies, scope, mh)
    recommendation, rule, clauses = recommend(
        framework,
        {v.id: v.verdict for v in verdicts},
        mh,
        hiring_bar,
        {v.id: v.count for v in verdicts},
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
        splits=tuple(v.id for v in verdicts if v.split),
        gaps=tuple(v.id for v in verdicts if v.in_scope and v.verdict == NOT_ASSESSED),
        thin_must_haves=tuple(v.id for v in verdicts if v.must_have and v.count <= 1),
        shape=shape_points,
        must_have=tuple(mh),
        rules=clauses,
        scorecards_submitted=in_count,
        scorecards_expected=expected,
        hiring_bar=hiring_bar,
        unknown_competencies=unknown,
        borderline=tuple(v.id for v in verdicts if v.between is not None),
        source=framework,
    )


def _collect_ratings(
    framework: Framework, submitted: Sequence[ScorecardInput], rank: Ranks
) -> tuple[dict[str, list[RatingEntry]], dict[str, list[int]], tuple[str, ...]]:
    """Ratings per canonical competency id, the number at each point per competency (the
    last slot counts no_evidence), and the rated keys no competency answers to.

    The innermost loop of a verdict (once per rating), so written for speed: ids are
    resolved once per key, and the containers are made on first use."""
    canonical: dict[str, str | None] = {c.id: c.id for c in framework.competencies}
    size = len(framework.points)
    slot = dict(rank)
    slot[NO_EVIDENCE] = size
    collected: defaultdict[str, list[RatingEntry]] = defaultdict(list)
    tallies: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (size + 1))
    unknown: list[str] = []
    for card in submitted:
        interviewer, interview, source, card_id = (
            card.interviewer,
            card.interview,
            card.source,
            card.id,
        )
        for key, value in card.ratings.items():
            cid = canonical.get(key, _UNSEEN)
            if cid is _UNSEEN:
                cid = canonical[key] = framework.resolve(key)
            if cid is None:
                if key not in unknown:
                    unknown.append(key)
                continue
            # Callers may pass a bare rating point instead of a RatingInput.
            if isinstance(value, str):
                rating, evidence = value, ""
            else:
                rating, evidence = value.rating, value.evidence
            position = slot.get(rating)
            if position is None:
                raise ValueError(f"scorecard {card_id}: unknown rating {rating!r} for {cid}")
            collected[cid].append(
                _new_entry(
                    RatingEntry, (interviewer, interview, rating, evidence or "", source, card_id)
                )
            )
            tallies[cid][position] += 1
    return collected, tallies, tuple(unknown)


def _competency_verdicts(
    framework: Framework,
    collected: Mapping[str, list[RatingEntry]],
    tallies: Mapping[str, list[int]],
    scope: set[str],
    must_have: Sequence[str],
) -> tuple[tuple[CompetencyVerdict, ...], dict[str, float | None]]:
    """One verdict per competency in scope or rated anyway, in the framework's order, and
    each one's mean rating on a 1-based scale (None: not rated), for the shape."""
    points = framework.points
    size = len(points)
    empty = [0] * (size + 1)
    verdicts: list[CompetencyVerdict] = []
    means: dict[str, float | None] = {}
    for competency in framework.competencies:
        cid = competency.id
        entries = collected.get(cid)
        if cid not in scope and not entries:
            continue
        facts = _facts(points, tuple(tallies.get(cid, empty)))
        verdicts.append(
            CompetencyVerdict(
                competency.id,
                competency.name,
                competency.area,
                facts.verdict,
                facts.rated,
                facts.median,
                facts.distribution,
                tuple(entries) if entries else (),
                facts.rated == 1,
                cid in must_have,
                facts.no_evidence,
                cid in scope,
                facts.split,
                facts.between,
            )
        )
        means[cid] = facts.mean
    return tuple(verdicts), means


class _Facts(NamedTuple):
    """What a competency's verdict takes from its per-point counts alone."""

    verdict: str
    median: str | None
    rated: int  # ratings other than no_evidence
    no_evidence: int
    distribution: Mapping[str, int]
    split: bool
    between: tuple[str, str] | None
    mean: float | None  # on a 1-based scale, for the shape


@lru_cache(maxsize=4096)
def _facts(points: tuple[str, ...], tally: tuple[int, ...]) -> _Facts:
    """Kept per (scale, counts): a verdict of 6 x 12 meets few distinct counts, and this was
    most of the per-competency time. The distribution is read-only, as it is shared."""
    size = len(points)
    counts = tally[:size]
    count = sum(counts)
    found = summary_from_counts(counts) if count else None
    verdict = NOT_ASSESSED if found is None else points[found.position]
    between = None
    if found is not None and found.between is not None:
        between = (points[found.between[0]], points[found.between[1]])
    return _Facts(
        verdict=verdict,
        median=None if found is None else verdict,
        rated=count,
        no_evidence=tally[size],
        distribution=MappingProxyType(dict(zip(points, counts, strict=True))),
        split=found is not None and found.split,
        between=between,
        mean=sum(map(mul, range(size), counts)) / count + 1 if count else None,
    )


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
    verdict_of, count_of, flagged = _verdicts_from_counts(framework, counts, scope)
    recommendation, rule, _ = recommend(framework, verdict_of, mh, hiring_bar, count_of)
    return VerdictSummary(
        recommendation=recommendation,
        rule=rule,
        verdicts=verdict_of,
        counts=count_of,
        splits=tuple(c for c, (split, _) in flagged.items() if split),
        borderline=tuple(c for c, (_, borderline) in flagged.items() if borderline),
        gaps=tuple(c for c, v in verdict_of.items() if v == NOT_ASSESSED and c in scope),
        complete=expected > 0 and submitted >= expected,
        scorecards_submitted=submitted,
        scorecards_expected=expected,
    )


def _verdicts_from_counts(
    framework: Framework, counts: Mapping[str, Mapping[str, int]], scope: set[str]
) -> tuple[dict[str, str], dict[str, int], dict[str, tuple[bool, bool]]]:
    """Verdict, rating count and flags (split, borderline) per competency in scope or
    rated, in the framework's order."""
    points = framework.points
    verdict_of: dict[str, str] = {}
    count_of: dict[str, int] = {}
    flagged: dict[str, tuple[bool, bool]] = {}
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
        found = summary_from_counts(tally)
        verdict_of[cid] = NOT_ASSESSED if found is None else points[found.position]
        count_of[cid] = total
        if found is not None:
            flagged[cid] = (found.split, found.between is not None)
    return verdict_of, count_of, flagged
