"""Measure what the interview sweep costs in Harvest requests.

    /work/venv/bin/python benchmarks/interview_sweep.py [--applications 1 10 100]
        [--out docs/perf-interview-sweep.md]

For each N: a scratch SQLite database, the sandbox ATS (Harvest v3, then v1), the demo loop,
N applications moved to Onsite by signed webhooks. Then one sweep pass, twice: while the
interviewers are not scheduled yet (every application waits), and once they are (the
sweep's second reason: a stage entered within 14 days). The requests of each pass are
counted in the sandbox's log, per route; requests per hour = requests per pass x 3600 /
HIRELOOP_INTERVIEW_SWEEP_SECONDS (300 by default). The token (v3) is minted once per
deployment per token lifetime, outside the per-pass count.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Imported after the path is set: the benchmark runs from a checkout.
from plugin import create_app  # noqa: E402
from plugin.core.db import get_session  # noqa: E402
from plugin.core.migrate import upgrade  # noqa: E402
from plugin.demo.sandbox import Sandbox, encode_body, signature  # noqa: E402
from plugin.demo.sandbox.records import SandboxApplication, now  # noqa: E402
from plugin.demo.sandbox.seed import CANDIDATE, DEMO_LOOP, RECRUITER  # noqa: E402
from plugin.frameworks.registry import registry  # noqa: E402
from plugin.jobs.models import OutboxJob  # noqa: E402
from plugin.loops.service import save_loop  # noqa: E402
from plugin.scorecards import interview_sweep  # noqa: E402

INTERVAL = 300.0


def _add_applications(sandbox: Sandbox, count: int) -> list[int]:
    state = sandbox.state
    first = next(iter(state.jobs.values())).stages[0].id
    ids = []
    for n in range(count):
        candidate = {**CANDIDATE, "id": 80000 + n, "created_at": now()}
        state.candidates[candidate["id"]] = candidate
        app_id = 90000 + n
        state.applications[app_id] = SandboxApplication(
            app_id, candidate["id"], state.job.id, first, "active", now(), now()
        )
        state.scheduled[app_id] = []
        ids.append(app_id)
    return ids


def _config(sandbox: Sandbox, database: str, version: str) -> dict[str, Any]:
    state = sandbox.state
    config: dict[str, Any] = {
        "DATABASE_URL": database,
        "SECRET_KEY": "bench",
        "PUBLIC_URL": "http://hireloop.bench",
        "GREENHOUSE_WEBHOOK_SECRET": state.webhook_secret,
        "GREENHOUSE_API_URL": sandbox.url,
        "WEBHOOK_HANDLING": "inline",
        # Passes a second apart (each pass's jobs are keyed by its slot); the hourly figures
        # below are for the default interval.
        "INTERVIEW_SWEEP_SECONDS": 1,
    }
    if version == "v3":
        config.update(
            GREENHOUSE_AUTH_URL=f"{sandbox.url}/token",
            GREENHOUSE_CLIENT_ID=state.client_id,
            GREENHOUSE_CLIENT_SECRET=state.client_secret,
            GREENHOUSE_USER_ID=str(RECRUITER.id),
        )
    else:
        config.update(
            GREENHOUSE_API_VERSION="v1",
            GREENHOUSE_API_KEY=state.api_key,
            GREENHOUSE_ON_BEHALF_OF=str(RECRUITER.id),
        )
    return config


def _sweep_pass(app: Any, sandbox: Sandbox) -> Counter[str]:
    """One pass: the sweep queues, each refresh job runs; the Harvest routes it asked."""
    before = len(sandbox.state.requests)
    with app.app_context():
        session = get_session()
        interview_sweep.sweep(session)
        session.commit()
        jobs = session.query(OutboxJob).filter_by(kind=interview_sweep.KIND, status="pending")
        for job in jobs.all():
            interview_sweep.refresh_interviews(session, job)
            job.status = "done"
            session.commit()
    routes = Counter(path.split("?")[0] for _, path, _ in sandbox.state.requests[before:])
    return routes


def measure(version: str, count: int) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as folder,
        Sandbox(
            api_version=version, interviewer_delay=float("inf"), client_secret="bench-secret"
        ) as sandbox,
    ):
        database = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(database)
        app = create_app(_config(sandbox, database, version))
        with app.app_context():
            save_loop(get_session(), DEMO_LOOP, registry())
            get_session().commit()
        client = app.test_client()
        for app_id in _add_applications(sandbox, count):
            body = encode_body(sandbox.state.move_application(app_id, "Onsite"))
            headers = {"Signature": signature(sandbox.state.webhook_secret, body)}
            client.post("/webhooks/greenhouse", data=body, headers=headers)
        sandbox.state.requests.clear()
        waiting = _sweep_pass(app, sandbox)
        with sandbox.state.lock:
            for records in sandbox.state.scheduled.values():
                for record in records:
                    record["_panel_at"] = 0.0
        time.sleep(1.1)
        named = _sweep_pass(app, sandbox)
        return {
            "version": version,
            "applications": count,
            "waiting": sum(v for k, v in waiting.items() if k != "/token"),
            "named": sum(v for k, v in named.items() if k != "/token"),
            "routes": dict(named),
            "tokens": sandbox.state.tokens_minted,
        }


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "# Interview sweep: Harvest requests",
        "",
        "Measured by `benchmarks/interview_sweep.py` against the sandbox ATS: requests of one",
        "sweep pass for N eligible applications (three interviews each, the demo loop's",
        "Onsite), while nobody is scheduled yet and once the panel is named; per hour at the",
        f"default `HIRELOOP_INTERVIEW_SWEEP_SECONDS={INTERVAL:.0f}` (x{3600 / INTERVAL:.0f}).",
        "",
        "| Harvest | N | per pass (waiting) | per pass (named) | per hour (named) |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        hourly = row["named"] * 3600 / INTERVAL
        lines.append(
            f"| {row['version']} | {row['applications']} | {row['waiting']} | {row['named']}"
            f" | {hourly:.0f} |"
        )
    v3 = next(row for row in rows if row["version"] == "v3")
    lines += [
        "",
        "v3 routes of one pass (named panel, N="
        f"{v3['applications']}): "
        + ", ".join(f"`{route}` {n}" for route, n in sorted(v3["routes"].items())),
        "",
        "Tokens minted by a whole v3 run: "
        + ", ".join(str(r["tokens"]) for r in rows if r["version"] == "v3")
        + " (one per run: the token is shared and lives an hour).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rows = [measure(version, n) for version in ("v3", "v1") for n in args.applications]
    text = report(rows)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
