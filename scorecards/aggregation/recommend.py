"""The overall recommendation: the loop's hiring bar, clause by clause, with the rule shown.

The clauses are checked in order and the first that fires decides: no_decision when nothing
is rated, definitely_not, no (must-haves), no (any competencies), no_decision (a must-have
nobody assessed), strong_yes, otherwise yes. Every clause is reported, whether it applies to
this loop and whether it fired, so the page can show the whole rule.

Monotone, for every setting of the bar (in the order definitely_not < no < no_decision <
yes < strong_yes): raising a rating can only turn the needs_focus clauses off and the
strong_yes clause on, and changes nothing else (which competencies are assessed and how many
ratings each has stay the same); lowering one does the opposite. ``split`` and
``borderline`` are not read here at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from scorecards.aggregation.results import NOT_ASSESSED, RuleClause
from scorecards.framework import Framework
from scorecards.hiring_bar import HiringBar

# The clauses by position: ``recommend`` reports the one that fired by its index.
(
    _NOTHING_RATED,
    _DEFINITELY_NOT,
    _NO_BY_MUST_HAVES,
    _NO_BY_COMPETENCIES,
    _UNSETTLED_MUST_HAVE,
    _STRONG_YES,
    _OTHERWISE_YES,
) = range(7)

Clause = tuple[str, str, bool]  # outcome, text, applies to this loop


@dataclass(slots=True)
class _Standing:
    """The verdicts as the hiring bar's clauses read them. (Not frozen: it lives for one
    call, and a frozen dataclass's slower construction showed in the verdict benchmark.)"""

    must_have: list[str]
    must_have_verdict: dict[str, str]
    must_haves_needs_focus: list[str]
    needs_focus: list[str]
    unsettled: list[str]  # must-haves nobody assessed
    thin: list[str]  # must-haves with fewer ratings than strong_yes needs
    assessed: bool
    has_must_haves: bool

    @classmethod
    def of(
        cls,
        verdict_of: Mapping[str, str],
        must_have: Sequence[str],
        counts: Mapping[str, int] | None,
        min_ratings: int,
    ) -> _Standing:
        mh = list(dict.fromkeys(must_have))
        mh_verdict = {m: verdict_of.get(m, NOT_ASSESSED) for m in mh}
        needs_focus = [c for c, v in verdict_of.items() if v == "needs_focus"]
        return cls(
            must_have=mh,
            must_have_verdict=mh_verdict,
            must_haves_needs_focus=[m for m in mh if mh_verdict[m] == "needs_focus"],
            needs_focus=needs_focus,
            unsettled=[m for m in mh if mh_verdict[m] == NOT_ASSESSED],
            thin=[
                m
                for m in mh
                if mh_verdict[m] != NOT_ASSESSED
                and counts is not None
                and counts.get(m, 0) < min_ratings
            ],
            assessed=any(v != NOT_ASSESSED for v in verdict_of.values()),
            has_must_haves=bool(mh),
        )

    @property
    def all_must_haves_outperforming(self) -> bool:
        verdicts = self.must_have_verdict.values()
        return self.has_must_haves and all(v == "outperforming" for v in verdicts)


def recommend(
    framework: Framework,
    verdict_of: Mapping[str, str],
    must_have: Sequence[str],
    bar: HiringBar,
    counts: Mapping[str, int] | None = None,
) -> tuple[str, str, tuple[RuleClause, ...]]:
    """The recommendation, the rule that produced it in words, and every clause of the bar.

    ``verdict_of`` maps each competency id (in display order) to its verdict; must-haves
    missing from it count as not assessed. ``counts``: the number of ratings (no_evidence
    left out) per competency, which strong_yes reads; without it every assessed must-have
    counts as having enough.
    """
    standing = _Standing.of(verdict_of, must_have, counts, bar.strong_yes_min_ratings_per_must_have)
    fired, why = _first_clause_that_fires(framework, standing, bar)
    rules = _rule_clauses(bar, standing.has_must_haves, fired)
    return rules[fired].outcome, f"{rules[fired].text}. {why}", rules


@lru_cache(maxsize=1024)
def _rule_clauses(bar: HiringBar, has_must_haves: bool, fired: int) -> tuple[RuleClause, ...]:
    return tuple(
        RuleClause(outcome, text, applies, index == fired)
        for index, (outcome, text, applies) in enumerate(_clauses(bar, has_must_haves))
    )


@lru_cache(maxsize=256)
def _clauses(bar: HiringBar, has_must_haves: bool) -> tuple[Clause, ...]:
    """The bar's clauses in words (the same for every verdict of a loop, so kept)."""
    dn, nmh, nall = (
        bar.definitely_not_must_haves_needs_focus,
        bar.no_must_haves_needs_focus,
        bar.no_competencies_needs_focus,
    )
    least = bar.strong_yes_min_ratings_per_must_have
    each = "one rating" if least == 1 else f"{least} ratings"
    return (
        ("no_decision", "no_decision when no competency has a rating yet", True),
        (
            "definitely_not",
            f"definitely_not when {dn} or more must-haves are needs_focus",
            has_must_haves,
        ),
        ("no", f"no when {nmh} or more must-haves are needs_focus", has_must_haves),
        ("no", f"no when {nall} or more competencies are needs_focus", True),
        (
            "no_decision",
            "no_decision when a must-have is not assessed (the debrief must settle it)",
            has_must_haves and bar.no_decision_on_unsettled_must_have,
        ),
        (
            "strong_yes",
            f"strong_yes when every must-have is outperforming with at least {each} each "
            "and no competency is needs_focus",
            has_must_haves and bar.strong_yes_needs_all_must_haves_outperforming,
        ),
        ("yes", "otherwise yes", True),
    )


def _first_clause_that_fires(
    framework: Framework, standing: _Standing, bar: HiringBar
) -> tuple[int, str]:
    """The index of the deciding clause, and why it fired in words."""
    has_mh = standing.has_must_haves
    nf_mh = standing.must_haves_needs_focus
    if not standing.assessed:
        return _NOTHING_RATED, "No competency has a rating yet, so there is nothing to combine."
    if has_mh and len(nf_mh) >= bar.definitely_not_must_haves_needs_focus:
        return _DEFINITELY_NOT, _needs_focus_why(framework, nf_mh, "must-have")
    if has_mh and len(nf_mh) >= bar.no_must_haves_needs_focus:
        return _NO_BY_MUST_HAVES, _needs_focus_why(framework, nf_mh, "must-have")
    if len(standing.needs_focus) >= bar.no_competencies_needs_focus:
        return _NO_BY_COMPETENCIES, _needs_focus_why(framework, standing.needs_focus, "competency")
    if has_mh and bar.no_decision_on_unsettled_must_have and standing.unsettled:
        names = _names(framework, standing.unsettled)
        return _UNSETTLED_MUST_HAVE, f"Must-have not assessed: {names}."
    if _strong_yes(standing, bar):
        return _STRONG_YES, (
            "Every must-have is outperforming, each on enough ratings, and nothing is needs_focus."
        )
    return _OTHERWISE_YES, _why_not_strong_yes(framework, standing, bar)


def _strong_yes(standing: _Standing, bar: HiringBar) -> bool:
    return (
        standing.has_must_haves
        and bar.strong_yes_needs_all_must_haves_outperforming
        and standing.all_must_haves_outperforming
        and not standing.thin
        and not standing.needs_focus
    )


def _why_not_strong_yes(framework: Framework, standing: _Standing, bar: HiringBar) -> str:
    if not standing.has_must_haves:
        return (
            "No other clause applies. The loop has no must-haves, so the must-have "
            "clauses are skipped and it cannot be strong_yes."
        )
    if not bar.strong_yes_needs_all_must_haves_outperforming:
        return "No other clause applies; this loop's hiring bar turns strong_yes off."
    missing = [
        framework.competency(m).name
        for m in standing.must_have
        if standing.must_have_verdict[m] != "outperforming"
    ]
    if missing:
        extra = f" Not strong_yes: {', '.join(missing)} not outperforming."
    elif standing.thin:
        least = bar.strong_yes_min_ratings_per_must_have
        extra = (
            f" Not strong_yes: {_names(framework, standing.thin)} rests on fewer than "
            f"{least} ratings, so yes is the most it can be."
        )
    else:
        extra = " Not strong_yes: a competency is needs_focus."
    return "No other clause applies." + extra


def _needs_focus_why(framework: Framework, ids: Sequence[str], word: str) -> str:
    return f"{_plural(len(ids), word)} needs_focus ({_names(framework, ids)})."


def _names(framework: Framework, ids: Sequence[str]) -> str:
    return ", ".join(framework.competency(i).name for i in ids)


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"
