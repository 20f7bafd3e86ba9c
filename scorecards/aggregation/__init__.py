"""Mechanical aggregation: per-competency verdicts and the recommendation, with the rule shown.

The rule (docs/verdicts.md explains it for hiring managers):

- Only submitted scorecards count. ``no_evidence`` is missing data: it is shown, but it is
  left out of the count, the median and the verdict, and never counts as a low score.
- Per competency: ``not_assessed`` when nobody rated it; otherwise the median point. With an
  even count whose two middle points differ, the midpoint is resolved towards on_track and
  flagged ``borderline``, so one rater is never a veto. ``split`` (two ratings two or more
  points apart) and ``borderline`` are flags for the debrief and never move the verdict or the
  recommendation. One rating only is flagged as thin evidence.
- Gaps: competencies in scope (by default the framework's competencies at the loop's level)
  that nobody assessed.
- The recommendation comes from the loop's hiring bar (scorecards.hiring_bar), checked in
  order: definitely_not, no, no_decision, strong_yes, otherwise yes; raising any rating never
  lowers it (docs/verdicts.md). A loop without must-haves skips every must-have clause,
  strong_yes's included, so it is never strong_yes.
  Before the bar, a verdict with no rating at all is no_decision: there is nothing to combine.
- The verdict is provisional until every expected scorecard is submitted.

- ``results``: the inputs (``ScorecardInput``, ``RatingInput``) and results (``Verdict``, ...)
- ``competency``: the per-competency verdict
- ``recommend``: the hiring bar's clauses
- ``combine``: ``aggregate``, ``summarize`` and ``resolve_scope``
"""

from scorecards.aggregation.combine import aggregate, resolve_scope, summarize
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
    RatingInput,
    RuleClause,
    ScorecardInput,
    Verdict,
    VerdictSummary,
)

__all__ = [
    "NOT_ASSESSED",
    "SPLIT",
    "VERDICTS",
    "AreaSummary",
    "CompetencyVerdict",
    "RatingEntry",
    "RatingInput",
    "RuleClause",
    "ScorecardInput",
    "Verdict",
    "VerdictSummary",
    "aggregate",
    "competency_verdict",
    "lower_median",
    "recommend",
    "resolve_scope",
    "summarize",
    "verdict_from_counts",
]
