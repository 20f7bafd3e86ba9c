"""What the ATS clients add to ``/healthz``: a credential whose token endpoint refused it
(Greenhouse v3), named there until a token is minted again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from plugin.ats.greenhouse.token_store import token_problems


def token_health(session: Session) -> dict[str, str]:
    problems = token_problems(session)
    return {f"{name.split(':')[0]} token": problem for name, problem in problems.items()}
