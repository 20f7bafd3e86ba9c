"""Mechanical aggregation: per-competency verdicts and the recommendation, with the rule shown.

The rule (docs/verdicts.md explains it for hiring managers):

- Only submitted scorecards count. ``no_evidence`` is missing data: it is shown, but it is
  left out of the count, the median and the verdict, and never counts as a low score.
- Per competency: ``not_assessed`` when nobody rated it; ``split`` when any two ratings are
  two or more scale points apart (needs_focus and outperforming); otherwise the median point,
  the lower of the two middle points when the count is even. One rating only is flagged as
  thin evidence.
- Gaps: competencies in scope (by default the framework's competencies at the loop's level)
  that nobody assessed.
- The recommendation comes from the loop's hiring bar (scorecards.hiring_bar), checked in
  order: definitely_not, no, no_decision, strong_yes, otherwise yes. A loop without
  must-haves skips every must-have clause, strong_yes's included, so it is never strong_yes.
  Before the bar, a verdict with no rating at all is no_decision: there is nothing to combine.
- The verdict is provisional until every expected scorecard is submitted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from scorecards.archetypes import ArchetypeResult, ShapePoint, nearest_archetype, shape
from scorecards.framework import NO_EVIDENCE, Framework
from scorecards.hiring_bar import HiringBar

NOT_ASSESSED = "not_assessed"
SPLIT = "split"
VERDICTS = ("outperforming", "on_track", "needs_focus", SPLIT, NOT_ASSESSED)


@dataclass(frozen=True, slots=True)
class RatingInput:
    rating: str
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ScorecardInput:
    id: int | str
    interviewer: str
    interview: str
    source: str
    ratings: Mapping[str, RatingInput]
    recommendation: str | None = None
    submitted: bool = True


class RatingEntry(NamedTuple):
    """One rating as shown (a tuple: tens of thousands are built for a job page)."""

    interviewer: str
    interview: str
    rating: str
    evidence: str
    source: str
    scorecard: int | str

    def to_dict(self) -> dict[str, Any]:
        return {
            "interviewer": self.interviewer,
            "interview": self.interview,
            "rating": self.rating,
            "evidence": self.evidence,
            "source": self.source,
            "scorecard": self.scorecard,
        }


@dataclass(frozen=True, slots=True)
class CompetencyVerdict:
    id: str
    name: str
    area: str
    verdict: str
    count: int
    median: str | None
    distribution: Mapping[str, int]
    ratings: tuple[RatingEntry, ...]
    thin_evidence: bool
    must_have: bool
    no_evidence: int = 0
    in_scope: bool = True

    @property
    def assessed(self) -> bool:
        return self.count > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "area": self.area,
            "verdict": self.verdict,
            "count": self.count,
            "median": self.median,
            "ratings": [r.to_dict() for r in self.ratings],
            "distribution": dict(self.distribution),
            "no_evidence": self.no_evidence,
            "thin_evidence": self.thin_evidence,
            "must_have": self.must_have,
            "in_scope": self.in_scope,
        }


@dataclass(frozen=True, slots=True)
class AreaSummary:
    id: str
    name: str
    competencies: int
    assessed: int
    verdicts: Mapping[str, int]
    median: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "competencies": self.competencies,
            "assessed": self.assessed,
            "verdicts": dict(self.verdicts),
            "median": self.median,
        }


@dataclass(frozen=True, slots=True)
class RuleClause:
    outcome: str
    text: str
    applies: bool
    fired: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "text": self.text,
            "applies": self.applies,
            "fired": self.fired,
        }


@dataclass(frozen=True)
class Verdict:
    framework: str
    level: str
    recommendation: str
    rule: str
    complete: bool
    competencies: tuple[CompetencyVerdict, ...]
    splits: tuple[str, ...]
    gaps: tuple[str, ...]
    thin_must_haves: tuple[str, ...]
    areas: tuple[AreaSummary, ...]
    shape: tuple[ShapePoint, ...]
    archetype: ArchetypeResult
    must_have: tuple[str, ...]
    rules: tuple[RuleClause, ...]
    scorecards_submitted: int
    scorecards_expected: int
    hiring_bar: HiringBar = field(default_factory=HiringBar)
    unknown_competencies: tuple[str, ...] = ()

    @property
    def provisional(self) -> bool:
        return not self.complete

    @property
    def pending(self) -> int:
        return max(self.scorecards_expected - self.scorecards_submitted, 0)

    def competency(self, competency_id: str) -> CompetencyVerdict:
        return next(c for c in self.competencies if c.id == competency_id)

    def agenda(self) -> list[dict[str, str]]:
        """What the debrief should discuss, most important first: split must-haves, other
        splits, thin or missing must-haves, needs_focus must-haves, then gaps."""
        items: list[tuple[int, int, dict[str, str]]] = []
        for index, c in enumerate(self.competencies):
            if c.verdict == SPLIT:
                priority = 0 if c.must_have else 1
                points = sorted({r.rating for r in c.ratings if r.rating != NO_EVIDENCE})
                text = f"{c.name} is split ({', '.join(points)}): hear each interviewer's evidence."
            elif c.must_have and c.verdict == NOT_ASSESSED:
                priority, text = 2, f"Must-have {c.name} was not assessed: decide how to cover it."
            elif c.must_have and c.thin_evidence:
                priority = 2
                text = f"Must-have {c.name} rests on one rating ({c.verdict}): is it enough?"
            elif c.must_have and c.verdict == "needs_focus":
                priority = 3
                text = f"Must-have {c.name} needs focus: confirm the evidence behind it."
            elif c.in_scope and c.verdict == NOT_ASSESSED:
                priority, text = 4, f"Gap: nobody assessed {c.name}."
            elif c.thin_evidence:
                priority, text = 5, f"{c.name} rests on one rating ({c.verdict})."
            else:
                continue
            kind = ("split", "split", "must_have", "must_have", "gap", "thin")[priority]
            items.append((priority, index, {"competency": c.id, "kind": kind, "text": text}))
        items.sort(key=lambda item: (item[0], item[1]))
        return [item[2] for item in items]

    def fingerprint(self) -> str:
        """Stable over the recommendation and the per-competency verdicts (not over evidence
        text, order of scorecards or the count of submitted scorecards)."""
        body = {
            "recommendation": self.recommendation,
            "competencies": sorted([c.id, c.verdict] for c in self.competencies),
        }
        encoded = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendation": self.recommendation,
            "rule": self.rule,
            "competencies": [c.to_dict() for c in self.competencies],
            "splits": list(self.splits),
            "gaps": list(self.gaps),
            "scorecards": {
                "submitted": self.scorecards_submitted,
                "expected": self.scorecards_expected,
                "pending": self.pending,
            },
            "complete": self.complete,
            "provisional": self.provisional,
            "framework": self.framework,
            "level": self.level,
            "must_have": list(self.must_have),
            "thin_evidence": [c.id for c in self.competencies if c.thin_evidence],
            "thin_must_haves": list(self.thin_must_haves),
            "areas": [a.to_dict() for a in self.areas],
            "shape": [p.to_dict() for p in self.shape],
            "archetype": self.archetype.to_dict(),
            "rules": [r.to_dict() for r in self.rules],
            "hiring_bar": self.hiring_bar.to_dict(),
            "agenda": self.agenda(),
            "fingerprint": self.fingerprint(),
        }


# -- helpers -----------------------------------------------------------------------------------


def lower_median(positions: Sequence[int]) -> int:
    """The median position; the lower of the two middle ones for an even count."""
    ordered = sorted(positions)
    return ordered[(len(ordered) - 1) // 2]


def competency_verdict(positions: Sequence[int], points: Sequence[str]) -> str:
    if not positions:
        return NOT_ASSESSED
    if max(positions) - min(positions) >= 2:
        return SPLIT
    return points[lower_median(positions)]


def _names(framework: Framework, ids: Sequence[str]) -> str:
    return ", ".join(framework.competency(i).name for i in ids)


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def recommend(
    framework: Framework,
    verdict_of: Mapping[str, str],
    must_have: Sequence[str],
    bar: HiringBar,
) -> tuple[str, str, tuple[RuleClause, ...]]:
    """The recommendation, the rule that produced it in words, and every clause of the bar.

    ``verdict_of`` maps each competency id (in display order) to its verdict; must-haves
    missing from it count as not assessed.
    """
    mh = list(dict.fromkeys(must_have))
    has_mh = bool(mh)
    mh_verdict = {m: verdict_of.get(m, NOT_ASSESSED) for m in mh}
    nf_mh = [m for m in mh if mh_verdict[m] == "needs_focus"]
    nf_all = [c for c, v in verdict_of.items() if v == "needs_focus"]
    unsettled = [m for m in mh if mh_verdict[m] in (SPLIT, NOT_ASSESSED)]
    any_split = any(v == SPLIT for v in verdict_of.values())
    assessed = any(v != NOT_ASSESSED for v in verdict_of.values())
    all_mh_out = has_mh and all(v == "outperforming" for v in mh_verdict.values())

    dn, nmh, nall = (
        bar.definitely_not_must_haves_needs_focus,
        bar.no_must_haves_needs_focus,
        bar.no_competencies_needs_focus,
    )
    texts = [
        ("no_decision", "no_decision when no competency has a rating yet", True),
        ("definitely_not", f"definitely_not when {dn} or more must-haves are needs_focus", has_mh),
        ("no", f"no when {nmh} or more must-haves are needs_focus", has_mh),
        ("no", f"no when {nall} or more competencies are needs_focus", True),
        (
            "no_decision",
            "no_decision when a must-have is split or not assessed (the debrief must settle it)",
            has_mh and bar.no_decision_on_unsettled_must_have,
        ),
        (
            "strong_yes",
            "strong_yes when every must-have is outperforming and nothing is needs_focus or split",
            has_mh and bar.strong_yes_needs_all_must_haves_outperforming,
        ),
        ("yes", "otherwise yes", True),
    ]
    # Decide, clause by clause, in order.
    fired: int
    why: str
    if not assessed:
        fired, why = 0, "No competency has a rating yet, so there is nothing to combine."
    elif has_mh and len(nf_mh) >= dn:
        fired = 1
        why = f"{_plural(len(nf_mh), 'must-have')} needs_focus ({_names(framework, nf_mh)})."
    elif has_mh and len(nf_mh) >= nmh:
        fired = 2
        why = f"{_plural(len(nf_mh), 'must-have')} needs_focus ({_names(framework, nf_mh)})."
    elif len(nf_all) >= nall:
        fired = 3
        why = f"{_plural(len(nf_all), 'competency')} needs_focus ({_names(framework, nf_all)})."
    elif has_mh and bar.no_decision_on_unsettled_must_have and unsettled:
        fired = 4
        states = ", ".join(f"{framework.competency(u).name} is {mh_verdict[u]}" for u in unsettled)
        why = f"Unsettled must-have: {states}."
    elif (
        has_mh
        and bar.strong_yes_needs_all_must_haves_outperforming
        and all_mh_out
        and not nf_all
        and not any_split
    ):
        fired = 5
        why = "Every must-have is outperforming and nothing is needs_focus or split."
    else:
        fired = 6
        if not has_mh:
            why = (
                "No other clause applies. The loop has no must-haves, so the must-have "
                "clauses are skipped and it cannot be strong_yes."
            )
        elif not bar.strong_yes_needs_all_must_haves_outperforming:
            why = "No other clause applies; this loop's hiring bar turns strong_yes off."
        else:
            missing = [framework.competency(m).name for m in mh if mh_verdict[m] != "outperforming"]
            extra = (
                f" Not strong_yes: {', '.join(missing)} not outperforming."
                if missing
                else " Not strong_yes: something is needs_focus or split."
            )
            why = "No other clause applies." + extra
    clauses = tuple(
        RuleClause(outcome, text, applies, index == fired)
        for index, (outcome, text, applies) in enumerate(texts)
    )
    outcome = texts[fired][0]
    rule = f"{texts[fired][1]}. {why}"
    return outcome, rule, clauses


# -- the aggregation -----------------------------------------------------------------------------


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
    points = framework.points
    rank = {p: i for i, p in enumerate(points)}

    resolve = framework.resolve
    mh, scope_ids = resolve_scope(framework, level, must_have, in_scope)
    scope = set(scope_ids) | set(mh)

    # Collect ratings per competency from the submitted scorecards, in a fixed order so the
    # result does not depend on the order the scorecards came in.
    known = {c.id for c in framework.competencies}
    submitted = [s for s in scorecards if s.submitted]
    submitted.sort(key=lambda s: (s.interviewer, s.interview, s.source, str(s.id)))
    collected: dict[str, list[RatingEntry]] = {}
    unknown: list[str] = []
    for card in submitted:
        for key, value in card.ratings.items():
            cid = key if key in known else resolve(key)
            if cid is None:
                if key not in unknown:
                    unknown.append(key)
                continue
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

    verdicts: list[CompetencyVerdict] = []
    values: dict[str, float | None] = {}
    for competency in framework.competencies:
        cid = competency.id
        entries = collected.get(cid)
        if cid not in scope and not entries:
            continue
        entries = entries or []
        positions = [rank[e.rating] for e in entries if e.rating != NO_EVIDENCE]
        distribution = dict.fromkeys(points, 0)
        for position in positions:
            distribution[points[position]] += 1
        verdict = competency_verdict(positions, points)
        count = len(positions)
        values[cid] = (sum(positions) / count + 1) if count else None
        verdicts.append(
            CompetencyVerdict(
                id=cid,
                name=competency.name,
                area=competency.area,
                verdict=verdict,
                count=count,
                median=points[lower_median(positions)] if positions else None,
                distribution=distribution,
                ratings=tuple(entries),
                thin_evidence=count == 1,
                must_have=cid in mh,
                no_evidence=len(entries) - count,
                in_scope=cid in scope,
            )
        )

    recommendation, rule, clauses = recommend(
        framework, {v.id: v.verdict for v in verdicts}, mh, hiring_bar
    )

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

    shape_points = shape(framework, [v.id for v in verdicts if v.in_scope], values)
    in_count = len(submitted) if answered is None else answered
    complete = expected > 0 and in_count >= expected
    return Verdict(
        framework=framework.id,
        level=level,
        recommendation=recommendation,
        rule=rule,
        complete=complete,
        competencies=tuple(verdicts),
        splits=tuple(v.id for v in verdicts if v.verdict == SPLIT),
        gaps=tuple(v.id for v in verdicts if v.in_scope and v.verdict == NOT_ASSESSED),
        thin_must_haves=tuple(v.id for v in verdicts if v.must_have and v.count <= 1),
        areas=tuple(areas),
        shape=shape_points,
        archetype=nearest_archetype(framework, shape_points),
        must_have=tuple(mh),
        rules=clauses,
        scorecards_submitted=in_count,
        scorecards_expected=expected,
        hiring_bar=hiring_bar,
        unknown_competencies=tuple(unknown),
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
    mh: list[str] = []
    for key in must_have:
        cid = key if _known(framework, key) else framework.resolve(key)
        if cid is not None and cid not in mh:
            mh.append(cid)
    scope_ids: list[str] = []
    if in_scope is None:
        if framework.has_level(level):
            scope_ids = [c.id for c in framework.in_scope(level)]
        if not scope_ids:
            scope_ids = [c.id for c in framework.competencies]
    else:
        for key in in_scope:
            cid = key if _known(framework, key) else framework.resolve(key)
            if cid is not None and cid not in scope_ids:
                scope_ids.append(cid)
    return mh, scope_ids


def verdict_from_counts(counts: Sequence[int], points: Sequence[str]) -> str:
    """The same verdict as competency_verdict, from the number of ratings at each point."""
    present = [i for i, n in enumerate(counts) if n]
    if not present:
        return NOT_ASSESSED
    if present[-1] - present[0] >= 2:
        return SPLIT
    middle = (sum(counts) - 1) // 2
    seen = 0
    for position, n in enumerate(counts):
        seen += n
        if seen > middle:
            return points[position]
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class VerdictSummary:
    """The verdicts and recommendation without the ratings themselves: what a comparison of
    many candidates needs, computed from per-point counts (e.g. a SQL GROUP BY)."""

    recommendation: str
    rule: str
    verdicts: Mapping[str, str]
    counts: Mapping[str, int]
    splits: tuple[str, ...]
    gaps: tuple[str, ...]
    complete: bool
    scorecards_submitted: int
    scorecards_expected: int

    @property
    def provisional(self) -> bool:
        return not self.complete


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
    points = framework.points
    mh, scope_ids = resolved or resolve_scope(framework, level, must_have, in_scope)
    scope = set(scope_ids) | set(mh)
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
