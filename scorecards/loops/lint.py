"""Coverage lint: one function per rule, each finding naming its stage, interview and
competency. ``lint_loop`` runs them in a fixed order, which is the order of the report.

The rules (DESIGN.md, Domain): at most four focus competencies per interview and at least
one; formats the framework knows; nothing rated above the loop's level; the essential content
fits the interview's minutes; must-haves assessed at least twice; every competency in scope
assessed; about four interviewers in the loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scorecards.agenda import essential_minutes
from scorecards.framework import Framework, Level
from scorecards.loops.errors import LoopError, did_you_mean
from scorecards.loops.parsing import parse_loop
from scorecards.loops.report import Finding, LintReport
from scorecards.loops.spec import InterviewSpec, LoopSpec, StageSpec

MAX_FOCUS_COMPETENCIES = 4
MIN_INTERVIEWERS = 3
MAX_INTERVIEWERS = 6
MUST_HAVE_MIN_ASSESSMENTS = 2


@dataclass(frozen=True)
class _Context:
    """What every rule needs, computed once per lint."""

    loop: LoopSpec
    framework: Framework
    level: Level
    in_scope: frozenset[str]
    known_formats: frozenset[str]
    framework_ids: frozenset[str]

    @classmethod
    def of(cls, loop: LoopSpec, framework: Framework) -> _Context:
        return cls(
            loop=loop,
            framework=framework,
            level=next(lv for lv in framework.levels if lv.id == loop.level),
            in_scope=frozenset(c.id for c in framework.in_scope(loop.level)),
            known_formats=frozenset(fmt.id for fmt in framework.formats),
            framework_ids=frozenset(c.id for c in framework.competencies),
        )

    def above_level_message(self, competency: str) -> str:
        item = self.framework.competency(competency)
        first = next(
            (lv.name for lv in self.framework.levels if lv.id == item.min_level),
            item.min_level or "",
        )
        level_name = self.level.name
        people = "" if self.level.manages_people else f" ({level_name} does not manage people)"
        return (
            f"{item.name} ({competency}) is expected from {first} upward, not at {level_name}"
            f"{people}; rating it here would hold the candidate to a bar the role does not have."
        )


InterviewRule = Callable[[_Context, StageSpec, InterviewSpec], Iterator[Finding]]
MustHaveRule = Callable[[_Context, int, str], Iterator[Finding]]


def lint_loop(loop: LoopSpec, framework: Framework) -> LintReport:
    """Coverage checks for a parsed loop, each finding naming its stage, interview and
    competency: load per interview, must-haves covered twice, every competency in scope
    assessed, competencies above the level, the number of interviewers."""
    context = _Context.of(loop, framework)
    findings = (
        *_no_interviews(context),
        *_stage_findings(context),
        *_must_have_findings(context),
        *_uncovered(context),
        *_interviewer_count(context),
        *_alias_notes(context),
    )
    return LintReport(findings)


def check_loop(data: Mapping[str, Any], framework: Framework) -> tuple[LoopSpec | None, LintReport]:
    """Parse and lint in one go: parse problems come back as error findings."""
    try:
        loop = parse_loop(data, framework)
    except LoopError as exc:
        return None, LintReport.from_error(exc)
    return loop, lint_loop(loop, framework)


def _where(loop: LoopSpec, stage: StageSpec, interview: InterviewSpec) -> str:
    s_index = loop.stages.index(stage)
    i_index = stage.interviews.index(interview)
    return f"stages[{s_index}].interviews[{i_index}]"


# -- the loop as a whole ----------------------------------------------------------------------


def _no_interviews(context: _Context) -> Iterator[Finding]:
    if not context.loop.interviews:
        yield Finding("error", "no_interviews", "The loop has no interviews.", field="stages")


def _uncovered(context: _Context) -> Iterator[Finding]:
    """Competencies in scope that no interview assesses (must-haves have their own rule)."""
    loop, level = context.loop, context.level
    assessed = set(loop.assessed)
    for item in context.framework.in_scope(loop.level):
        if item.id not in assessed and item.id not in loop.must_have:
            yield Finding(
                "warning",
                "not_assessed",
                f"{item.name} ({item.id}) is in scope at {level.name} but no "
                "interview assesses it; the verdict will show it as a gap.",
                competency=item.id,
                field="stages",
            )


def _interviewer_count(context: _Context) -> Iterator[Finding]:
    interviews = context.loop.interviews
    interviewers = sum(interview.interviewers for _, interview in interviews)
    if interviews and interviewers < MIN_INTERVIEWERS:
        yield Finding(
            "warning",
            "too_few_interviewers",
            f"The loop has {interviewers} interviewer{'s' if interviewers != 1 else ''}; "
            f"{MIN_INTERVIEWERS} to {MAX_INTERVIEWERS} (about four) give enough independent "
            "views without wearing the candidate out.",
            field="stages",
        )
    elif interviewers > MAX_INTERVIEWERS:
        yield Finding(
            "warning",
            "too_many_interviewers",
            f"The loop has {interviewers} interviewers; more than {MAX_INTERVIEWERS} adds "
            "time for the candidate and the team without adding much signal (about four "
            "is enough).",
            field="stages",
        )


def _alias_notes(context: _Context) -> Iterator[Finding]:
    for use in context.loop.aliases_used:
        yield Finding(
            "note",
            "alias",
            f"'{use.written}' is read as {use.competency}.",
            stage=use.stage,
            interview=use.interview,
            competency=use.competency,
            field=use.field,
        )


# -- per stage and interview ------------------------------------------------------------------


def _stage_findings(context: _Context) -> Iterator[Finding]:
    for s_index, stage in enumerate(context.loop.stages):
        yield from _empty_stage(stage, s_index)
        for interview in stage.interviews:
            for rule in _INTERVIEW_RULES:
                yield from rule(context, stage, interview)


def _empty_stage(stage: StageSpec, s_index: int) -> Iterator[Finding]:
    if not stage.interviews:
        yield Finding(
            "warning",
            "empty_stage",
            f"Stage '{stage.name}' has no interviews; nothing is assessed in it.",
            stage=stage.name,
            field=f"stages[{s_index}].interviews",
        )


def _too_many_focus(
    context: _Context, stage: StageSpec, interview: InterviewSpec
) -> Iterator[Finding]:
    count = len(interview.competencies)
    if count <= MAX_FOCUS_COMPETENCIES:
        return
    extra = interview.competencies[MAX_FOCUS_COMPETENCIES:]
    yield Finding(
        "error",
        "too_many_competencies",
        f"'{interview.name}' in '{stage.name}' has {count} focus competencies "
        f"({', '.join(interview.competencies)}); at most "
        f"{MAX_FOCUS_COMPETENCIES} fit in one interview with real evidence for "
        f"each. Move {', '.join(extra)} to another interview.",
        stage=stage.name,
        interview=interview.name,
        competency=extra[0],
        field=f"{_where(context.loop, stage, interview)}.competencies",
    )


def _no_focus(context: _Context, stage: StageSpec, interview: InterviewSpec) -> Iterator[Finding]:
    if interview.competencies:
        return
    yield Finding(
        "warning",
        "no_competencies",
        f"'{interview.name}' in '{stage.name}' has no focus competencies, so "
        "its interviewer has nothing to rate.",
        stage=stage.name,
        interview=interview.name,
        field=f"{_where(context.loop, stage, interview)}.competencies",
    )


def _unknown_format(
    context: _Context, stage: StageSpec, interview: InterviewSpec
) -> Iterator[Finding]:
    known = context.known_formats
    if not interview.format or not known or interview.format in known:
        return
    hint = did_you_mean(interview.format, sorted(known))
    yield Finding(
        "warning",
        "unknown_format",
        f"'{interview.name}' has format '{interview.format}', which the "
        f"framework has no questions for{hint}.",
        stage=stage.name,
        interview=interview.name,
        field=f"{_where(context.loop, stage, interview)}.format",
    )


def _above_level(
    context: _Context, stage: StageSpec, interview: InterviewSpec
) -> Iterator[Finding]:
    for competency in interview.competencies:
        if competency not in context.in_scope:
            yield Finding(
                "warning",
                "above_level",
                context.above_level_message(competency),
                stage=stage.name,
                interview=interview.name,
                competency=competency,
                field=f"{_where(context.loop, stage, interview)}.competencies",
            )


def _over_time(context: _Context, stage: StageSpec, interview: InterviewSpec) -> Iterator[Finding]:
    """Introductions, the opening, one question per focus competency and the candidate's
    questions must fit the interview's length, or the guide cannot be followed."""
    competencies = [c for c in interview.competencies if c in context.framework_ids]
    needed = essential_minutes(
        context.framework, context.loop.level, interview.format, competencies
    )
    if needed <= interview.minutes:
        return
    yield Finding(
        "error",
        "over_time",
        f"'{interview.name}' in '{stage.name}' needs at least {needed} minutes "
        "(introductions, the opening, one question for each of its "
        f"{len(competencies)} focus competencies and the candidate's questions) but is "
        f"{interview.minutes} minutes long. Give it {needed} minutes or move a competency "
        "to another interview.",
        stage=stage.name,
        interview=interview.name,
        field=f"{_where(context.loop, stage, interview)}.minutes",
    )


_INTERVIEW_RULES: tuple[InterviewRule, ...] = (
    _too_many_focus,
    _no_focus,
    _unknown_format,
    _above_level,
    _over_time,
)


# -- per must-have ----------------------------------------------------------------------------


def _must_have_findings(context: _Context) -> Iterator[Finding]:
    for index, competency in enumerate(context.loop.must_have):
        for rule in _MUST_HAVE_RULES:
            yield from rule(context, index, competency)


def _must_have_above_level(context: _Context, index: int, competency: str) -> Iterator[Finding]:
    if competency in context.in_scope:
        return
    name = context.framework.competency(competency).name
    yield Finding(
        "error",
        "must_have_above_level",
        f"Must-have {name} ({competency}) is not expected at {context.level.name}: "
        + context.above_level_message(competency),
        competency=competency,
        field=f"must_have[{index}]",
    )


def _must_haves_twice(context: _Context, index: int, competency: str) -> Iterator[Finding]:
    """One interviewer's view must not decide the hire on a must-have."""
    assessed_in = context.loop.assessments(competency)
    if len(assessed_in) >= MUST_HAVE_MIN_ASSESSMENTS:
        return
    name = context.framework.competency(competency).name
    if not assessed_in:
        yield Finding(
            "error",
            "must_have_not_assessed",
            f"Must-have {name} ({competency}) is not assessed in any interview; "
            f"add it to at least {MUST_HAVE_MIN_ASSESSMENTS}.",
            competency=competency,
            field=f"must_have[{index}]",
        )
        return
    stage, interview = assessed_in[0]
    yield Finding(
        "error",
        "must_have_once",
        f"Must-have {name} ({competency}) is assessed once, in '{interview.name}' "
        f"({stage.name}); a must-have needs at least {MUST_HAVE_MIN_ASSESSMENTS} "
        "interviews so one interviewer's view does not decide the hire.",
        stage=stage.name,
        interview=interview.name,
        competency=competency,
        field=f"{_where(context.loop, stage, interview)}.competencies",
    )


_MUST_HAVE_RULES: tuple[MustHaveRule, ...] = (_must_have_above_level, _must_haves_twice)
