"""``hireloop ats check``: each call hireloop will make on each configured ATS, tried once.

For Greenhouse Harvest v3 it mints a token (a refused credential is named), then reads one
row of every list hireloop reads, and names the scope of each call that is refused. Writes
are not tried (they would write): their scopes are listed for the operator to tick.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from plugin.ats.clients import SUPPORTED, client_for, is_configured
from plugin.ats.errors import AtsError
from plugin.core.config import greenhouse_api_version, text_setting


@dataclass(frozen=True)
class Probe:
    what: str  # what hireloop uses it for
    path: str  # one page of one row
    scope: str  # the v3 scope it needs ("" on v1)


@dataclass(frozen=True)
class Outcome:
    ats: str
    what: str
    call: str
    ok: bool
    detail: str


#: Every Harvest v3 list hireloop reads, with the scope it needs.
GREENHOUSE_V3: tuple[Probe, ...] = (
    Probe("applications", "/v3/applications", "harvest:applications:list"),
    Probe("the application's stage", "/v3/application_stages", "harvest:application_stages:list"),
    Probe("job stages (loops)", "/v3/job_interview_stages", "harvest:job_interview_stages:list"),
    Probe("job interviews (loops)", "/v3/job_interviews", "harvest:job_interviews:list"),
    Probe("scheduled interviews (sweep)", "/v3/interviews", "harvest:interviews:list"),
    Probe("interviewers (sweep)", "/v3/interviewers", "harvest:interviewers:list"),
    Probe("users' names and e-mails", "/v3/users", "harvest:users:list"),
    Probe("scorecards (import)", "/v3/scorecards", "harvest:scorecards:list"),
    Probe(
        "scorecard ratings (import)",
        "/v3/scorecard_candidate_attributes",
        "harvest:scorecard_candidate_attributes:list",
    ),
    Probe(
        "attribute names (import)",
        "/v3/job_candidate_attributes",
        "harvest:job_candidate_attributes:list",
    ),
    Probe("interview kits (import)", "/v3/interview_kits", "harvest:interview_kits:list"),
    Probe("notes (write-back marker check)", "/v3/notes", "harvest:notes:list"),
)
GREENHOUSE_V3_TAGS = Probe("candidate tags", "/v3/candidate_tags", "harvest:candidate_tags:list")
GREENHOUSE_V3_FIELDS = Probe("custom fields", "/v3/custom_fields", "harvest:custom_fields:list")
GREENHOUSE_V1: tuple[Probe, ...] = (
    Probe("applications", "/v1/applications", ""),
    Probe("jobs", "/v1/jobs", ""),
    Probe("users", "/v1/users", ""),
    Probe("scorecards (import)", "/v1/scorecards", ""),
)


def greenhouse_writes(config: Mapping[str, Any]) -> list[str]:
    """The write scopes v3 needs for what is configured (not tried: they would write)."""
    scopes = ["harvest:notes:create (the verdict note)"]
    if text_setting(config, "GREENHOUSE_VERDICT_FIELD"):
        scopes.append("harvest:applications:update (HIRELOOP_GREENHOUSE_VERDICT_FIELD)")
    if text_setting(config, "GREENHOUSE_VERDICT_TAG"):
        scopes += [
            "harvest:candidate_tags:create (HIRELOOP_GREENHOUSE_VERDICT_TAG)",
            "harvest:applied_candidate_tags:create (HIRELOOP_GREENHOUSE_VERDICT_TAG)",
        ]
    return scopes


def greenhouse_probes(config: Mapping[str, Any]) -> tuple[Probe, ...]:
    if greenhouse_api_version(config) == "v1":
        return GREENHOUSE_V1
    extra = []
    if text_setting(config, "GREENHOUSE_VERDICT_TAG"):
        extra.append(GREENHOUSE_V3_TAGS)
    if text_setting(config, "GREENHOUSE_VERDICT_FIELD"):
        extra.append(GREENHOUSE_V3_FIELDS)
    return (*GREENHOUSE_V3, *extra)


def _refusal(error: AtsError, probe: Probe) -> str:
    if error.status == 403 and probe.scope:
        return f"refused (403): the credential lacks the scope {probe.scope}"
    return f"failed: {error}"


def check_greenhouse(config: Mapping[str, Any]) -> list[Outcome]:
    client: Any = client_for(config, "greenhouse")
    outcomes: list[Outcome] = []
    auth = client.http.auth
    if greenhouse_api_version(config) != "v1":
        try:
            auth.headers()
        except AtsError as exc:
            return [Outcome("greenhouse", "the OAuth token", "POST token URL", False, str(exc))]
        outcomes.append(Outcome("greenhouse", "the OAuth token", "POST token URL", True, "ok"))
    for probe in greenhouse_probes(config):
        try:
            client.http.request("GET", probe.path, params={"per_page": 1})
        except AtsError as exc:
            outcomes.append(
                Outcome("greenhouse", probe.what, f"GET {probe.path}", False, _refusal(exc, probe))
            )
            continue
        outcomes.append(Outcome("greenhouse", probe.what, f"GET {probe.path}", True, "ok"))
    return outcomes


#: The checks each ATS has; an ATS without one is reported as not checked.
CHECKS: dict[str, Callable[[Mapping[str, Any]], list[Outcome]]] = {
    "greenhouse": check_greenhouse,
}


def check_all(config: Mapping[str, Any]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for ats in SUPPORTED:
        if not is_configured(config, ats):
            continue
        check = CHECKS.get(ats)
        if check is None:
            outcomes.append(Outcome(ats, "(no checks for this ATS yet)", "-", True, "not checked"))
            continue
        try:
            outcomes += check(config)
        except AtsError as exc:
            outcomes.append(Outcome(ats, "the client", "-", False, str(exc)))
    return outcomes
