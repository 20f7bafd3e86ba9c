"""The hiring manager's pages: one candidate's review, a job's comparison, admin calibration.

The review page is built to run a debrief from: the agenda (splits and thin must-haves
first), the heatmap of competencies by interviewer (amended ratings marked, with "after
seeing peers" where so), the per-competency verdicts with their split and borderline flags
and the evidence one click away, the amendments, the shape, gaps, pending scorecards and
interviews not held, the recommendation with its rule, the "what if" panel (the hiring
bar's playground: change ratings, see the recommendation move, nothing stored) and the
override form (reason required; the mechanical verdict stays beside it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from plugin.auth.csrf import check_csrf
from plugin.auth.pages import page_role
from plugin.auth.tokens import current_principal
from plugin.core.db import get_session
from plugin.core.errors import DomainError, Invalid, status_of
from plugin.loops import reader
from plugin.verdicts import calibration as calibration_service
from plugin.verdicts import service
from plugin.verdicts.access import visible_application
from plugin.verdicts.amendments import amended_cells, amendments, not_held
from plugin.verdicts.charts import RadarAxis, distribution_svg, radar_svg
from plugin.verdicts.comparison import job_comparison
from plugin.verdicts.export import comparison_csv, csv_filename
from plugin.verdicts.overrides import list_overrides, record_override
from plugin.verdicts.preview import preview_verdict
from plugin.verdicts.settings import LoopSettings, loop_settings
from scorecards.aggregation import Verdict
from scorecards.scale import RECOMMENDATIONS, Recommendation

bp = Blueprint("review", __name__)

LABELS = {
    "needs_focus": "Needs focus",
    "on_track": "On track",
    "outperforming": "Outperforming",
    "no_evidence": "No evidence",
    "split": "Split",
    "borderline": "Borderline",
    "not_assessed": "Not assessed",
    **{r.value: r.label for r in Recommendation},
}
SYMBOLS = {
    "needs_focus": "▼",
    "on_track": "●",
    "outperforming": "▲",
    "no_evidence": "\u2013",
    "split": "↕",
    "not_assessed": "○",
}


def label(value: str | None) -> str:
    if value is None:
        return "—"
    return LABELS.get(value, value.replace("_", " ").capitalize())


@bp.app_template_global("verdict_label")
def verdict_label(value: str | None) -> str:
    return label(value)


@bp.app_template_global("verdict_symbol")
def verdict_symbol(value: str | None) -> str:
    return SYMBOLS.get(value or "", "")


def _error_page(status: int, message: str) -> Response:
    return Response(render_template("error.html", status=status, message=message), status=status)


def _domain_error_page(error: DomainError) -> Response:
    return _error_page(status_of(error), error.message)


def heatmap(
    verdict: Verdict, amended: Mapping[tuple[int | str, str], list[dict[str, Any]]] | None = None
) -> dict[str, Any]:
    """Columns: one per submitted scorecard (interviewer and interview); rows: competencies.
    Each cell: the rating, its scorecard, and the amendments that changed it (if any)."""
    columns: dict[tuple[str, str, str], dict[str, str]] = {}
    for competency in verdict.competencies:
        for r in competency.ratings:
            key = (r.interviewer, r.interview, str(r.scorecard))
            columns.setdefault(
                key, {"interviewer": r.interviewer, "interview": r.interview, "source": r.source}
            )
    keys = sorted(columns)
    rows = []
    for competency in verdict.competencies:
        cells: dict[tuple[str, str, str], dict[str, Any]] = {}
        for r in competency.ratings:
            changes = (amended or {}).get((r.scorecard, competency.id), [])
            cells[(r.interviewer, r.interview, str(r.scorecard))] = {
                "rating": r.rating,
                "field": f"wi-{r.scorecard}-{competency.id}",
                "label": f"{r.interviewer} · {r.interview} #{r.scorecard}",
                "amendments": changes,
                "after_seeing_peers": any(c["after_seeing_peers"] for c in changes),
            }
        rows.append({"competency": competency, "cells": [cells.get(k) for k in keys]})
    return {"columns": [columns[k] for k in keys], "rows": rows}


def what_if(
    settings: LoopSettings, verdict: Verdict, heat: Mapping[str, Any], args: Mapping[str, str]
) -> dict[str, Any] | None:
    """The "what if" panel's answer: the verdict with the ratings the hiring manager changed
    in the form (``wi-<scorecard>-<competency>``), by the preview's code; nothing stored.
    None while the form was not sent."""
    if not args.get("whatif"):
        return None
    ratings = []
    changed = 0
    for row in heat["rows"]:
        for cell in row["cells"]:
            if cell is None:
                continue
            point = args.get(cell["field"], cell["rating"])
            changed += point != cell["rating"]
            ratings.append(
                {"interviewer": cell["label"], "competency": row["competency"].id, "rating": point}
            )
    try:
        body = preview_verdict(settings, ratings, expected=verdict.scorecards_expected)
    except Invalid as error:
        return {"error": " ".join(error.fields.values()) or error.message, "changed": changed}
    body["changed"] = changed
    return body


@bp.get("/review/applications/<int:application_id>")
@page_role("recruiter", "hiring_manager")
def application_review(application_id: int) -> Response | str:
    session = get_session()
    principal = current_principal()
    try:
        application = visible_application(session, application_id, principal)
        settings = loop_settings(reader.require_loop_of(session, application))
        verdict = service.compute_verdict(session, application_id, settings)
    except DomainError as error:
        return _domain_error_page(error)
    overrides = list_overrides(session, application_id)
    axes = [RadarAxis(p.name, p.value, p.area) for p in verdict.shape]
    changes = amendments(session, application_id)
    heat = heatmap(verdict, amended_cells(changes))
    return render_template(
        "review/application.html",
        application=application,
        verdict=verdict,
        settings=settings,
        heat=heat,
        amendments=changes,
        not_held=not_held(session, application_id),
        what_if=what_if(settings, verdict, heat, request.args),
        scale=[*settings.framework.points, "no_evidence"],
        agenda=verdict.agenda(),
        radar=radar_svg(axes, title=f"Shape of {application.candidate_name or 'the candidate'}"),
        distribution_svg=distribution_svg,
        overrides=overrides,
        pending=service.pending_assignments(session, application_id),
        can_override=principal.role in ("admin", "hiring_manager"),
        recommendations=RECOMMENDATIONS,
        form_error=None,
        form={},
    )


@bp.post("/review/applications/<int:application_id>/override")
@page_role("hiring_manager")
def application_override(application_id: int) -> BaseResponse | str:
    check_csrf()
    session = get_session()
    principal = current_principal()
    try:
        visible_application(session, application_id, principal)
        record_override(
            session,
            application_id,
            request.form.get("recommendation", ""),
            request.form.get("reason", ""),
            principal.actor,
        )
    except DomainError as error:
        if not isinstance(error, Invalid):
            return _domain_error_page(error)
        session.rollback()
        flash(
            " ".join(error.fields.values()) or error.message,
            "error",
        )
        return redirect(
            url_for("review.application_review", application_id=application_id) + "#override"
        )
    session.commit()
    flash("Your recommendation is recorded beside the mechanical verdict.", "success")
    return redirect(
        url_for("review.application_review", application_id=application_id) + "#override"
    )


@bp.get("/review/jobs/<ats>/<job_id>")
@page_role("recruiter", "hiring_manager")
def job_review(ats: str, job_id: str) -> Response | str:
    """The job's candidates side by side; ``?recommendation=`` and ``?stage=`` filter, and
    ``?format=csv`` downloads every candidate the filters keep, in the order shown."""
    principal = current_principal()
    if not principal.can_see_job(job_id):
        return _error_page(404, "There is no such job here.")
    as_csv = request.args.get("format") == "csv"
    try:
        page = int(request.args.get("page", "1"))
        per_page = None if as_csv else int(request.args.get("per_page", "25"))
    except ValueError:
        return _error_page(400, "page and per_page must be whole numbers.")
    try:
        comparison = job_comparison(
            get_session(),
            ats,
            job_id,
            sort=request.args.get("sort", "recommendation"),
            order=request.args.get("order", "asc"),
            page=1 if as_csv else page,
            per_page=per_page,
            recommendation=request.args.get("recommendation") or None,
            stage=request.args.get("stage") or None,
        )
    except DomainError as error:
        return _domain_error_page(error)
    if as_csv:
        return Response(
            comparison_csv(comparison, label),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{csv_filename(comparison)}"'},
        )
    return render_template("review/job.html", c=comparison, recommendations=RECOMMENDATIONS)


@bp.get("/admin/calibration")
@page_role("admin")
def calibration_page() -> Response | str:
    try:
        days = min(max(int(request.args.get("days", "180")), 1), 3650)
    except ValueError:
        days = 180
    job_id = request.args.get("job_id") or None
    report = calibration_service.calibration_report(get_session(), days=days, job_id=job_id)
    return render_template(
        "review/calibration.html",
        report=report,
        data=report.to_dict(),
        distribution_svg=distribution_svg,
    )
