"""``hireloop ats check`` against the sandbox speaking Harvest v3, and ``/healthz`` naming a
credential the token endpoint refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from plugin import create_app
from plugin.ats.clients import clear_cache
from plugin.cli import main
from plugin.core.migrate import upgrade
from plugin.demo.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(
        client_secret="check-secret", missing_scopes=("harvest:interviewers:list",)
    ) as running:
        yield running


def environment(sandbox: Sandbox, database: str, **extra: str) -> dict[str, str]:
    state = sandbox.state
    settings = {
        "DATABASE_URL": database,
        "SECRET_KEY": "x",
        "PUBLIC_URL": "http://hireloop.test",
        "GREENHOUSE_WEBHOOK_SECRET": "whsec",
        "GREENHOUSE_API_URL": sandbox.url,
        "GREENHOUSE_AUTH_URL": f"{sandbox.url}/token",
        "GREENHOUSE_CLIENT_ID": state.client_id,
        "GREENHOUSE_CLIENT_SECRET": state.client_secret,
        "GREENHOUSE_USER_ID": "4001",
        "GREENHOUSE_VERDICT_TAG": "hireloop: {recommendation}",
        **extra,
    }
    return {f"HIRELOOP_{key}": value for key, value in settings.items()}


def check(env: dict[str, str]) -> Result:
    clear_cache()
    return CliRunner().invoke(main, ["ats", "check"], env=env)


def test_check_names_the_missing_scope_and_what_works(sandbox: Sandbox, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'check.db'}"
    upgrade(database)
    result = check(environment(sandbox, database))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("ok") and "POST token URL" in line for line in lines)
    assert any(line.startswith("ok") and "GET /v3/interviews " in line for line in lines)
    assert any(line.startswith("ok") and "GET /v3/candidate_tags" in line for line in lines)
    refused = [line for line in lines if line.startswith("REFUSED")]
    assert len(refused) == 1 and "GET /v3/interviewers" in refused[0]
    assert "lacks the scope harvest:interviewers:list" in result.output
    assert "harvest:notes:create" in result.output  # the writes it does not try
    assert "harvest:applied_candidate_tags:create" in result.output
    assert "1 of 14 calls refused" in result.output
    assert sandbox.state.tokens_minted == 1
    # Every call was one page of one row.
    assert all("per_page=1" in path for _, path, _ in sandbox.state.requests if "/v3/" in path)


def test_a_refused_credential_is_named_by_check_and_on_healthz(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'refused.db'}"
    upgrade(database)
    env = environment(sandbox, database, GREENHOUSE_CLIENT_SECRET="wrong-secret")
    result = check(env)
    assert result.exit_code == 1
    assert "refused the client credentials (invalid_client)" in result.output
    assert "wrong-secret" not in result.output
    assert [path for _, path, _ in sandbox.state.requests] == ["/token"]
    app = create_app({key.removeprefix("HIRELOOP_"): value for key, value in env.items()})
    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "ok"
    assert "invalid_client" in body["detail"]["greenhouse token"]
