"""The jobs a principal may see, each with its candidates summarised.

A job is an ATS job with an interview loop (without one there is no verdict to show); its
candidates are summarised by the same code as the job page (``verdicts.comparison``), so
the home page, the jobs list and the job page agree on every recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from plugin.applications.models import ApplicationStatus
from plugin.auth.tokens import Principal
from plugin.core.errors import DomainError
from plugin.loops import reader
from plugin.verdicts.comparison import CandidateRow, job_candidates


@dataclass(frozen=True)
class JobSummary:
    ats: str
    job_id: str
    name: str
    loop_id: int
    loop_name: str
    rows: tuple[CandidateRow, ...]

    @property
    def active(self) -> tuple[CandidateRow, ...]:
        return tuple(r for r in self.rows if r.status == ApplicationStatus.ACTIVE)

    @property
    def awaiting_decision(self) -> tuple[CandidateRow, ...]:
        """Active candidates whose verdict is complete: the hiring manager's turn."""
        return tuple(r for r in self.active if r.summary.complete)

    @property
    def provisional(self) -> tuple[CandidateRow, ...]:
        """Active candidates with some scorecards in and some still to come."""
        return tuple(
            r for r in self.active if r.summary.provisional and r.summary.scorecards_submitted
        )

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def visible_jobs(session: Session, principal: Principal) -> list[JobSummary]:
    """Every job with a loop that the principal's token may see, by name."""
    jobs = []
    for loop in reader.loop_identities(session):
        if not loop.job_id or not principal.can_see_job(loop.job_id):
            continue
        try:
            rows, job_name = job_candidates(session, loop.ats, loop.job_id)
        except DomainError:
            continue  # a loop whose framework is gone: its own page says why
        jobs.append(
            JobSummary(
                ats=loop.ats,
                job_id=loop.job_id,
                name=job_name or f"Job {loop.job_id}",
                loop_id=loop.id,
                loop_name=loop.name,
                rows=tuple(rows),
            )
        )
    return sorted(jobs, key=lambda job: (job.name.lower(), job.ats, job.job_id))
