"""What the coverage lint finds: ``Finding`` and the ``LintReport`` that groups them.

Errors block saving, warnings are shown to the recruiter, notes only inform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scorecards.loops.errors import LoopError


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning | note
    code: str
    message: str
    stage: str | None = None
    interview: str | None = None
    competency: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "stage": self.stage,
            "interview": self.interview,
            "competency": self.competency,
            "field": self.field,
        }

    def __str__(self) -> str:
        where = " / ".join(
            part
            for part in (
                f"stage '{self.stage}'" if self.stage else "",
                f"interview '{self.interview}'" if self.interview else "",
                f"competency '{self.competency}'" if self.competency else "",
            )
            if part
        )
        return f"{self.severity}: {self.code}: {self.message}" + (f" [{where}]" if where else "")


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def notes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "note")

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def clean(self) -> bool:
        return not self.errors and not self.warnings

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
            "notes": [f.to_dict() for f in self.notes],
        }

    def fields(self) -> dict[str, str]:
        """Errors by field path, for the API's error shape."""
        out: dict[str, str] = {}
        for finding in self.errors:
            key = finding.field or "stages"
            message = finding.message.removeprefix(f"{key}: ")
            out[key] = f"{out[key]} {message}" if key in out else message
        return out

    @classmethod
    def from_error(cls, error: LoopError) -> LintReport:
        return cls(
            tuple(
                Finding(
                    "error",
                    issue.code,
                    f"{issue.field}: {issue.message}" if issue.field else issue.message,
                    issue.stage,
                    issue.interview,
                    issue.competency,
                    issue.field or None,
                )
                for issue in error.issues
            )
        )
