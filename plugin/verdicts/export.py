"""The job page as CSV: the candidates it shows (every page of them), one row each, with the
recommendation and the verdict per competency in words."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from plugin.verdicts.comparison import JobComparison
from scorecards.aggregation import VerdictSummary

# A spreadsheet runs a cell that starts with one of these as a formula: candidate names and
# stages come from the ATS, so such a cell is quoted as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def comparison_csv(comparison: JobComparison, label: Callable[[str | None], str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = comparison.competencies
    writer.writerow(
        [
            "Candidate",
            "Application id",
            "External id",
            "Stage",
            "Status",
            "Recommendation",
            "Override",
            "Scorecards submitted",
            "Scorecards expected",
            "Splits",
            *(c["name"] for c in columns),
        ]
    )
    for row in comparison.rows:
        summary = row.summary
        writer.writerow(
            [
                _cell(row.candidate_name),
                row.application_id,
                _cell(row.external_id),
                _cell(row.stage),
                row.status,
                label(summary.recommendation),
                label(row.override) if row.override else "",
                summary.scorecards_submitted,
                summary.scorecards_expected,
                len(summary.splits),
                *(_verdict_cell(summary, c["id"], label) for c in columns),
            ]
        )
    return out.getvalue()


def _verdict_cell(
    summary: VerdictSummary, competency: str, label: Callable[[str | None], str]
) -> str:
    """The competency's verdict, marked when its raters split (a flag, not a verdict)."""
    text = label(summary.verdicts.get(competency, "not_assessed"))
    return f"{text} (split)" if competency in summary.splits else text


def csv_filename(comparison: JobComparison) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", comparison.job_name or f"job-{comparison.job_id}")
    return f"{slug.strip('-').lower() or 'job'}-candidates.csv"
