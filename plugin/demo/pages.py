"""The pages the demo points at: each interviewer's scorecard, the hiring manager's review
and the recruiter's loop editor, opened through one-time sign-in links for a role's token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
import requests
from flask import Flask

from plugin.auth.links import login_link_for
from plugin.demo.client import TIMEOUT
from plugin.demo.errors import DemoError
from plugin.demo.sandbox import Sandbox


def demo_pages(
    base_url: str,
    assignments: list[dict[str, Any]],
    *,
    application_id: int,
    loop_id: int,
    manager: str,
    recruiter: str,
    app: Flask,
) -> dict[str, Any]:
    review = f"/review/applications/{application_id}"
    editor = f"/recruiter/loops/{loop_id}"
    return {
        "interviewer": [str(a.get("url")) for a in assignments],
        "review": login_link_for(app, base_url, manager, review),
        "editor": login_link_for(app, base_url, recruiter, editor),
    }


def check_pages(pages: Mapping[str, Any]) -> str:
    """Open each page as its user would (a fresh browser session per role)."""
    targets = [
        ("interviewer page", str(pages["interviewer"][0]) if pages["interviewer"] else ""),
        ("hiring manager's review", str(pages["review"])),
        ("recruiter's loop editor", str(pages["editor"])),
    ]
    for name, url in targets:
        try:
            response = requests.Session().get(url, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise DemoError(f"the {name} did not answer ({url}): {exc}") from None
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            raise DemoError(
                f"the {name} answered {response.status_code} at {response.url} (opened from {url})"
            )
    return ", ".join(name for name, _ in targets)


def print_pages(pages: Mapping[str, Any], admin: str, sandbox: Sandbox) -> None:
    click.echo("Open these pages (each sign-in link works once, within 10 minutes):")
    click.echo("")
    click.echo("  Interviewers' scorecards and guides:")
    for url in pages["interviewer"]:
        click.echo(f"    {url}")
    click.echo("  The hiring manager's review:")
    click.echo(f"    {pages['review']}")
    click.echo("  The recruiter's loop editor:")
    click.echo(f"    {pages['editor']}")
    click.echo("")
    click.echo(f"  Admin API token (for curl): {admin}")
    state = sandbox.state
    click.echo(
        f"  Sandbox ATS notes: {sandbox.url}/v3/notes?candidate_ids="
        f"{state.application.candidate_id} (a bearer token from POST {sandbox.url}/token, "
        f"Basic auth {state.client_id}:{state.client_secret}, grant_type=client_credentials)"
    )
    click.echo("")
