"""The one reader of a stored loop: which loop an application is judged by, its framework
and the parsed document.

Every capability that needs a loop goes through here, so the lookup (the application's own
loop, else the loop of its ATS job) and the handling of a document that no longer parses
(an older or hand-written one) are decided once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.core.errors import Conflict
from plugin.frameworks.registry import registry
from plugin.loops.models import Loop
from scorecards.framework import Framework
from scorecards.loops import LoopError, LoopSpec, parse_loop


class JudgedByLoop(Protocol):
    """What the lookup needs of an application (loops do not import the applications)."""

    id: int
    ats: str
    job_id: str | None
    loop_id: int | None


class LoopIdentity(NamedTuple):
    """What reports over many applications need of a loop: which it is and its name."""

    id: int
    name: str
    ats: str
    job_id: str


def loop_identities(session: Session) -> list[LoopIdentity]:
    """Every loop's identity in one query (reports map many applications to their loops)."""
    rows = session.execute(select(Loop.id, Loop.name, Loop.ats, Loop.job_id).order_by(Loop.id))
    return [LoopIdentity(*row) for row in rows]


def loop_for_job(session: Session, ats: str, job_id: str | None) -> Loop | None:
    if not job_id:
        return None
    return session.scalar(select(Loop).where(Loop.ats == ats, Loop.job_id == str(job_id)))


def loop_of(session: Session, application: JudgedByLoop) -> Loop | None:
    """The application's loop, else the loop of its ATS job; None when there is neither."""
    if application.loop_id is not None:
        loop = session.get(Loop, application.loop_id)
        if loop is not None:
            return loop
    return loop_for_job(session, application.ats, application.job_id)


def require_loop_of(session: Session, application: JudgedByLoop) -> Loop:
    loop = loop_of(session, application)
    if loop is None:
        raise Conflict(
            f"Application {application.id} has no interview loop yet; a recruiter sets one "
            f"up for job {application.job_id}.",
            code="no_loop",
            fields={"loop": "missing"},
        )
    return loop


def document(loop: Loop | None) -> Mapping[str, Any]:
    """The stored loop document (``{}`` for no loop)."""
    return (loop.definition or {}) if loop is not None else {}


def framework_id_of(loop: Loop) -> str:
    return str(document(loop).get("framework") or loop.framework_id)


def framework_of(loop: Loop) -> Framework:
    """The loop's framework; ``Conflict`` when this deployment does not know it."""
    framework_id = framework_id_of(loop)
    framework = registry().get(framework_id) or registry().get(loop.framework_id)
    if framework is None:
        raise Conflict(
            f"The loop '{loop.name}' uses the framework '{framework_id}', which this "
            "deployment does not know.",
            code="unknown_framework",
            fields={"framework": framework_id},
        )
    return framework


def spec_for(loop: Loop, framework: Framework | None = None) -> LoopSpec | None:
    """The parsed loop; None for a stored document that no longer parses (an older or
    hand-written one), whose readers then fall back on the document itself."""
    try:
        return parse_loop(document(loop), framework or framework_of(loop))
    except LoopError:
        return None
