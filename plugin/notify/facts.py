"""What a message says about an interview or a verdict, read from the database and the loop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.core.links import interviewer_url, make_link_token, public_url
from plugin.frameworks.registry import registry
from plugin.loops import reader
from plugin.loops.models import Loop
from plugin.notify import messages as msg
from scorecards.aggregation import Verdict


def competency_names(framework_id: str | None) -> Callable[[str], msg.Competency]:
    """Competency id -> its name in the framework (a readable guess when it is unknown)."""
    framework = registry().get(framework_id) if framework_id else None

    def name(competency_id: str) -> msg.Competency:
        if framework is not None:
            try:
                return msg.Competency(competency_id, framework.competency(competency_id).name)
            except KeyError:
                pass
        return msg.Competency(competency_id, competency_id.replace("-", " ").capitalize())

    return name


def focus_competencies(definition: Mapping[str, Any], assignment: Assignment) -> list[str]:
    fallback: list[str] = []
    for stage in definition.get("stages") or []:
        for interview in stage.get("interviews") or []:
            key = interview.get("ats_interview_id") or interview.get("name")
            if str(key) != assignment.interview_key:
                continue
            found = [str(c) for c in interview.get("competencies") or []]
            if assignment.stage_id is None or str(stage.get("ats_stage_id")) == assignment.stage_id:
                return found
            fallback = fallback or found
    return fallback


def candidate_of(application: Application) -> str:
    return application.candidate_name or f"Candidate {application.external_id}"


def job_of(application: Application, loop: Loop | None) -> str:
    return application.job_name or (loop.name if loop else f"job {application.job_id}")


def interview_facts(
    session: Session, assignment: Assignment, application: Application, *, with_link: bool
) -> msg.InterviewFacts:
    loop = reader.loop_of(session, application)
    definition = reader.document(loop)
    names = competency_names(loop.framework_id if loop else None)
    url = (
        interviewer_url(make_link_token(assignment.id, assignment.link_version))
        if with_link
        else None
    )
    return msg.InterviewFacts(
        candidate=candidate_of(application),
        job=job_of(application, loop),
        interview=assignment.interview_name,
        stage=assignment.stage_name,
        interviewer=assignment.interviewer_name or f"interviewer {assignment.interviewer_key}",
        interviewer_email=assignment.interviewer_email,
        starts_at=assignment.starts_at,
        ends_at=assignment.ends_at,
        competencies=tuple(names(c) for c in focus_competencies(definition, assignment)),
        level=str(definition.get("level") or (loop.level if loop else "")) or None,
        url=url,
        review_url=public_url(f"/review/applications/{application.id}"),
        messages_url=public_url("/recruiter/messages"),
    )


def verdict_facts(
    application: Application,
    loop: Loop | None,
    verdict: Verdict,
    previous_recommendation: str | None,
) -> msg.VerdictFacts:
    names = competency_names(verdict.framework)
    return msg.VerdictFacts(
        candidate=candidate_of(application),
        job=job_of(application, loop),
        recommendation=verdict.recommendation,
        rule=verdict.rule,
        splits=tuple(names(c) for c in verdict.splits),
        gaps=tuple(names(c) for c in verdict.gaps),
        submitted=verdict.scorecards_submitted,
        expected=verdict.scorecards_expected,
        review_url=public_url(f"/review/applications/{application.id}"),
        previous_recommendation=previous_recommendation,
        verdicts=tuple(
            (msg.Competency(c.id, c.name), c.verdict) for c in verdict.competencies if c.in_scope
        ),
    )
