"""The site's navigation, in every page's header once someone is signed in: home, jobs,
applications, loops and messages, each shown only to the roles that may open it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

from plugin.auth.tokens import signed_in_principal


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


#: (label, endpoint, roles besides admin, endpoints that count as this section)
SECTIONS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Home", "home_pages.home", ("recruiter", "hiring_manager"), ()),
    ("Jobs", "home_pages.jobs", ("recruiter", "hiring_manager"), ("review.job_review",)),
    (
        "Applications",
        "home_pages.applications",
        ("recruiter", "hiring_manager"),
        ("review.application_review", "development."),
    ),
    ("Loops", "recruiter.list_loops", ("recruiter",), ("recruiter.", "candidate_brief.")),
    ("Messages", "notify_pages.messages_page", ("recruiter",), ()),
    ("Calibration", "review.calibration_page", (), ()),
)


def site_nav() -> list[NavLink]:
    """The links for the signed-in principal (none on pages nobody signed in to)."""
    principal = signed_in_principal()
    if principal is None:
        return []
    endpoint = request.endpoint or ""
    links = []
    for label, target, roles, also in SECTIONS:
        if principal.role != "admin" and principal.role not in roles:
            continue
        current = endpoint == target or any(
            endpoint == other or (other.endswith(".") and endpoint.startswith(other))
            for other in also
        )
        links.append(NavLink(label, url_for(target), current))
    return links
