"""The interview as the interviewer sees it: its loop, framework, level and focus
competencies with their expectations and anchors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from plugin.applications.models import Application, Assignment
from plugin.loops.models import Loop
from plugin.loops.reader import document, loop_of
from plugin.scorecards.errors import ScorecardNotFound
from scorecards.framework import NO_EVIDENCE, Framework
from scorecards.loops import LoopError, LoopSpec, parse_loop

NO_EVIDENCE_NAME = "No evidence"
NO_EVIDENCE_DESCRIPTION = (
    "The topic did not come up, or you could not tell. Counts as missing, never as a low score."
)


@dataclass(frozen=True)
class CompetencyCard:
    """One focus competency of the interview at the loop's level."""

    id: str
    name: str
    area: str
    area_name: str
    expectation: str
    anchors: Mapping[str, str]
    evidence_prompts: tuple[str, ...] = ()


@dataclass(frozen=True)
class InterviewContext:
    assignment: Assignment
    application: Application
    loop: Loop | None
    framework: Framework | None
    level: str | None
    level_name: str
    interview_name: str
    interview_format: str | None
    competencies: tuple[CompetencyCard, ...]
    show_peers_after_submit: bool = True
    loop_spec: LoopSpec | None = None
    # settings.lock_after_peers: no rating changes once the interviewer has seen peers'.
    lock_after_peers: bool = False

    @property
    def competency_ids(self) -> tuple[str, ...]:
        return tuple(card.id for card in self.competencies)

    @property
    def points(self) -> tuple[str, ...]:
        if self.framework is None:
            return ("needs_focus", "on_track", "outperforming")
        return self.framework.points

    @property
    def point_names(self) -> dict[str, str]:
        names = {p: p.replace("_", " ").capitalize() for p in self.points}
        if self.framework is not None:
            names.update({p.id: p.name for p in self.framework.scale})
        names[NO_EVIDENCE] = NO_EVIDENCE_NAME
        return names

    @property
    def point_descriptions(self) -> dict[str, str]:
        described = {p.id: p.description for p in self.framework.scale} if self.framework else {}
        described[NO_EVIDENCE] = NO_EVIDENCE_DESCRIPTION
        return described

    def card(self, competency_id: str) -> CompetencyCard | None:
        return next((c for c in self.competencies if c.id == competency_id), None)


def _interview_document(definition: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    """The loop interview an assignment belongs to: by ATS interview id, else by name."""
    interviews = [
        interview
        for stage in definition.get("stages") or []
        if isinstance(stage, Mapping)
        for interview in stage.get("interviews") or []
        if isinstance(interview, Mapping)
    ]
    for interview in interviews:
        ats_id = interview.get("ats_interview_id")
        if ats_id not in (None, "") and str(ats_id) == key:
            return interview
    for interview in interviews:
        if str(interview.get("name", "")) == key:
            return interview
    return None


def _parse_loop_spec(definition: Mapping[str, Any], framework: Framework) -> LoopSpec | None:
    """The stored loop as the loops engine reads it; None for a loop it refuses (an old or
    hand-edited one must not take the interviewer's page down: the raw document serves)."""
    try:
        return parse_loop(dict(definition), framework)
    except (LoopError, ValueError, KeyError, TypeError):
        return None


def _show_peers(definition: Mapping[str, Any], spec: LoopSpec | None) -> bool:
    if spec is not None:
        return spec.settings.show_peers_after_submit
    raw = definition.get("settings")
    if isinstance(raw, Mapping) and "show_peers_after_submit" in raw:
        return bool(raw["show_peers_after_submit"])
    return True


def _lock_after_peers(definition: Mapping[str, Any], spec: LoopSpec | None) -> bool:
    if spec is not None:
        return spec.settings.lock_after_peers
    raw = definition.get("settings")
    return isinstance(raw, Mapping) and raw.get("lock_after_peers") is True


def load_context(
    session: Session,
    assignment: Assignment,
    frameworks: Callable[[str], Framework | None],
) -> InterviewContext:
    """Everything the page and the API show about the assignment's interview."""
    application = session.get(Application, assignment.application_id)
    if application is None:  # the row cascades with its application; defensive only
        raise ScorecardNotFound("The application of this interview no longer exists.")
    loop = loop_of(session, application)
    framework = frameworks(loop.framework_id) if loop is not None else None
    definition = document(loop)
    interview = _interview_document(definition, assignment.interview_key)
    level = loop.level if loop is not None else None
    level_name = level or ""
    cards: list[CompetencyCard] = []
    spec = None
    if framework is not None and level is not None:
        spec = _parse_loop_spec(definition, framework)
        found = spec.find_interview(assignment.interview_key) if spec is not None else None
        if found is not None:
            interview = found[1].to_dict()
        if framework.has_level(level):
            level_name = next(lv.name for lv in framework.levels if lv.id == level)
        for raw in (interview or {}).get("competencies") or []:
            competency_id = framework.resolve(str(raw))
            if competency_id is None or any(c.id == competency_id for c in cards):
                continue
            competency = framework.competency(competency_id)
            cards.append(
                CompetencyCard(
                    id=competency.id,
                    name=competency.name,
                    area=competency.area,
                    area_name=framework.area_of(competency.id).name,
                    expectation=competency.expectations.get(level, ""),
                    anchors=dict(competency.anchors.get(level, {})),
                    evidence_prompts=tuple(competency.evidence_prompts),
                )
            )
    return InterviewContext(
        assignment=assignment,
        application=application,
        loop=loop,
        framework=framework,
        level=level,
        level_name=level_name,
        interview_name=assignment.interview_name
        or str((interview or {}).get("name") or assignment.interview_key),
        interview_format=(
            str(interview["format"]) if interview and interview.get("format") else None
        ),
        competencies=tuple(cards),
        show_peers_after_submit=_show_peers(definition, spec),
        loop_spec=spec,
        lock_after_peers=_lock_after_peers(definition, spec),
    )
