"""Interview loops: which interview of which stage assesses which competencies, at what level.

A loop is data (the contract's loop file, the same as JSON over the API). ``parse_loop``
turns a document into a frozen ``LoopSpec`` with every competency reference resolved to its
canonical id, or raises ``LoopError`` with every problem found, each at a dotted path such as
``stages[0].interviews[1].competencies[2]``. ``lint_loop`` checks a parsed loop's coverage:
errors block saving, warnings are shown to the recruiter, notes only inform.

- ``spec``: the parsed loop (``LoopSpec``, ``StageSpec``, ``InterviewSpec``, ...)
- ``errors``: ``LoopIssue``, ``LoopError`` and the "did you mean" hints
- ``reader`` and ``parsing``: ``parse_loop``
- ``report`` and ``lint``: ``Finding``, ``LintReport``, ``lint_loop`` and ``check_loop``
"""

from scorecards.loops.errors import LoopError, LoopIssue, competency_hint, did_you_mean
from scorecards.loops.lint import (
    MAX_FOCUS_COMPETENCIES,
    MAX_INTERVIEWERS,
    MIN_INTERVIEWERS,
    MUST_HAVE_MIN_ASSESSMENTS,
    check_loop,
    lint_loop,
)
from scorecards.loops.parsing import parse_loop
from scorecards.loops.report import Finding, LintReport
from scorecards.loops.spec import (
    ATS_NAMES,
    AliasUse,
    InterviewSpec,
    LoopSettings,
    LoopSpec,
    StageSpec,
)

__all__ = [
    "ATS_NAMES",
    "MAX_FOCUS_COMPETENCIES",
    "MAX_INTERVIEWERS",
    "MIN_INTERVIEWERS",
    "MUST_HAVE_MIN_ASSESSMENTS",
    "AliasUse",
    "Finding",
    "InterviewSpec",
    "LintReport",
    "LoopError",
    "LoopIssue",
    "LoopSettings",
    "LoopSpec",
    "StageSpec",
    "check_loop",
    "competency_hint",
    "did_you_mean",
    "lint_loop",
    "parse_loop",
]
