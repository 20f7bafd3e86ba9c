"""Benchmark: verified, committed Greenhouse deliveries per second under gunicorn.

Three receivers, each served by ``gunicorn -w 2`` (sync workers) on loopback, on SQLite
and on PostgreSQL, in one run:

- ``bare``: a Flask endpoint that answers 200 and does nothing (the stack's ceiling);
- ``minimal``: verifies the HMAC, parses the JSON and commits the raw body with a unique
  key into the same ``webhook_deliveries`` table, on the same engine settings (the floor of
  work any correct receiver must do);
- ``hireloop``: ``plugin:create_app()`` in its default mode — verify, normalise and commit
  the delivery, answer; a ``hireloop worker`` process, running beside gunicorn as in
  production, handles it (creates the application and its assignments from the loop, queues
  the interviewer's message and the scorecard import) and runs the outbox jobs it queued.
  The time from the commit to the end of the handling is the "handling lag";
- ``hireloop (receiving only)``: the same receiver with no worker (storing alone);
- ``hireloop (inline mode)``: handles in the request, before the 200.

Durability is never traded: SQLite runs in WAL with ``synchronous=FULL``; PostgreSQL with
``synchronous_commit=on`` (checked and printed). Every request carries a fresh
``Greenhouse-Event-ID`` and application id, so every delivery is stored and handled.

Load: a threaded Python client on loopback, bounded by request count and time: an
open-loop run at ``--rate`` requests per second whose latency counts from the scheduled send
time, then (once the worker has caught up) a closed-loop run (``--concurrency`` clients) for
throughput and p50/p99.

    /work/venv/bin/python benchmarks/webhooks.py --requests 1500 --out docs/perf-inbound.md
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret"
PAYLOAD = ROOT / "tests" / "fixtures" / "payloads" / "greenhouse" / "candidate_stage_change.json"
GUNICORN = Path(sys.executable).with_name("gunicorn")
HIRELOOP = Path(sys.executable).with_name("hireloop")


# ----------------------------------------------------------------------------- apps
# The imports are inside the functions on purpose: each gunicorn server loads only what its
# receiver needs (the bare one not even SQLAlchemy), and the load generator none of it.


def bare_app() -> Any:
    from flask import Flask

    app = Flask("bare")

    @app.post("/webhooks/greenhouse")
    def receive() -> tuple[str, int]:
        return "", 200

    return app


def minimal_app() -> Any:
    """Verify, parse, commit the raw body with a unique key — nothing else."""
    from flask import Flask, jsonify, request
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from plugin.core.db import make_engine
    from plugin.inbound.models import WebhookDelivery

    app = Flask("minimal")
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    secret = os.environ["BENCH_SECRET"].encode()
    table = WebhookDelivery.__table__

    @app.post("/webhooks/greenhouse")
    def receive() -> Any:
        body = request.get_data()
        sent = request.headers.get("Signature", "").partition(" ")[2].encode()
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(expected, sent):
            return jsonify(error="signature"), 401
        document = json.loads(body)
        now = datetime.now(UTC)
        try:
            with engine.begin() as connection:
                connection.execute(
                    insert(table).values(
                        provider="greenhouse",
                        event_type=str(document.get("action")),
                        dedupe_key="event:" + request.headers.get("Greenhouse-Event-ID", ""),
                        body=body,
                        headers={},
                        status="done",
                        attempts=1,
                        received_at=now,
                    )
                )
        except IntegrityError:
            pass
        return jsonify(status="ok")

    return app


# ----------------------------------------------------------------------------- load


@dataclass
class Result:
    name: str
    database: str
    mode: str
    sent: int
    ok: int
    seconds: float
    latencies_ms: list[float]
    lags_ms: list[float] = field(default_factory=list)  # commit to handled, by the worker
    caught_up_s: float | None = None  # from the last answer until the inbox was empty

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def make_requests(count: int, start: int) -> list[tuple[bytes, dict[str, str]]]:
    raw = PAYLOAD.read_bytes()
    out = []
    for n in range(start, start + count):
        body = raw.replace(b'"id": 265277,', f'"id": {10_000_000 + n},'.encode(), 1)
        signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        out.append(
            (
                body,
                {
                    "Content-Type": "application/json",
                    "Signature": f"sha256 {signature}",
                    "Greenhouse-Event-ID": f"bench-{n}",
                },
            )
        )
    return out


def post(port: int, body: bytes, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/webhooks/greenhouse", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def closed_loop(
    port: int, requests: list[tuple[bytes, dict[str, str]]], concurrency: int, max_seconds: float
) -> tuple[int, int, float, list[float]]:
    lock = threading.Lock()
    index = 0
    ok = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + max_seconds

    def worker() -> None:
        nonlocal index, ok
        while time.perf_counter() < deadline:
            with lock:
                if index >= len(requests):
                    return
                body, headers = requests[index]
                index += 1
            started = time.perf_counter()
            status = post(port, body, headers)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                ok += status == 200

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return index, ok, time.perf_counter() - began, latencies


def open_loop(
    port: int, requests: list[tuple[bytes, dict[str, str]]], rate: float, threads_n: int
) -> tuple[int, int, float, list[float]]:
    """Requests scheduled at a fixed rate; latency from the scheduled time (no coordinated
    omission: a slow server makes later requests late, and that lateness is counted)."""
    lock = threading.Lock()
    index = 0
    ok = 0
    latencies: list[float] = []
    began = time.perf_counter() + 0.05

    def worker() -> None:
        nonlocal index, ok
        while True:
            with lock:
                if index >= len(requests):
                    return
                n = index
                index += 1
            scheduled = began + n / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            body, headers = requests[n]
            status = post(port, body, headers)
            elapsed = (time.perf_counter() - scheduled) * 1000
            with lock:
                latencies.append(elapsed)
                ok += status == 200

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return index, ok, time.perf_counter() - began, latencies


# ----------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def started(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A process with its output in ``log``, stopped with SIGTERM (then SIGKILL) at the end."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def gunicorn(target: str, env: dict[str, str], log: Path) -> Iterator[int]:
    port = free_port()
    command = [
        str(GUNICORN),
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        target,
    ]
    with started(command, env, log) as process:
        wait_ready(port, process)
        yield port


@contextmanager
def hireloop_worker(env: dict[str, str], log: Path) -> Iterator[None]:
    """``hireloop worker`` beside gunicorn, as deployed."""
    with started([str(HIRELOOP), "worker"], env, log):
        yield


def wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    # Both workers must be up (hireloop loads its frameworks at start): ask until several
    # consecutive GETs are answered quickly.
    deadline = time.time() + 120
    fast = 0
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            fast = fast + 1 if time.perf_counter() - started < 0.2 else 0
            if fast >= 10:
                return
        except OSError:
            fast = 0
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become ready")


# ----------------------------------------------------------------------------- databases


@contextmanager
def databases(pg_server: str | None, tmp: Path) -> Iterator[list[tuple[str, str]]]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    out = [("sqlite", f"sqlite:///{tmp / 'bench.db'}")]
    admin = None
    name = f"hireloop_bench_{uuid.uuid4().hex[:8]}"
    if pg_server:
        admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        out.append(("postgresql", make_url(pg_server).set(database=name).render_as_string(False)))
    try:
        yield out
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def prepare(url: str) -> str:
    """Migrate, add the loop for job 3485, and report the durability setting."""
    from sqlalchemy import text

    from plugin.core.db import make_engine
    from plugin.core.migrate import upgrade
    from plugin.loops.models import Loop

    upgrade(url)
    engine = make_engine(url)
    definition = {
        "name": "Designer",
        "framework": "pm",
        "level": "pm",
        "ats": "greenhouse",
        "job_id": "3485",
        "must_have": [],
        "stages": [
            {
                "name": "Assessment",
                "ats_stage_id": "71416",
                "interviews": [
                    {
                        "name": "Assessment",
                        "ats_interview_id": "113101",
                        "format": "product-sense",
                        "competencies": ["user-experience-design"],
                    }
                ],
            }
        ],
    }
    with engine.begin() as connection:
        connection.execute(
            Loop.__table__.insert().values(
                name="Designer",
                framework_id="pm",
                level="pm",
                ats="greenhouse",
                job_id="3485",
                definition=definition,
                revision=1,
                created_at=datetime.now(UTC),
                updated_at=datetime.now(UTC),
            )
        )
        if engine.dialect.name == "sqlite":
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = connection.exec_driver_sql("PRAGMA synchronous").scalar()
            setting = f"journal_mode={mode}, synchronous={'FULL' if sync == 2 else sync}"
        else:
            setting = "synchronous_commit=" + str(
                connection.execute(text("SHOW synchronous_commit")).scalar()
            )
    engine.dispose()
    return setting


def stored(url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from plugin.applications.models import Assignment
    from plugin.core.db import make_engine
    from plugin.inbound.models import WebhookDelivery

    engine = make_engine(url)
    with engine.connect() as connection:
        deliveries = connection.execute(
            select(func.count()).select_from(WebhookDelivery)
        ).scalar_one()
        assignments = connection.execute(select(func.count()).select_from(Assignment)).scalar_one()
    engine.dispose()
    return int(deliveries), int(assignments)


def last_delivery_id(url: str) -> int:
    from sqlalchemy import func, select

    from plugin.core.db import make_engine
    from plugin.inbound.models import WebhookDelivery

    engine = make_engine(url)
    with engine.connect() as connection:
        found = connection.execute(select(func.max(WebhookDelivery.id))).scalar()
    engine.dispose()
    return int(found or 0)


def wait_handled(url: str, after_id: int, max_seconds: float) -> tuple[float | None, list[float]]:
    """Wait until the worker has handled every delivery after ``after_id``; the seconds that
    took (None: not within ``max_seconds``) and each delivery's handling lag in ms."""
    from sqlalchemy import func, select

    from plugin.core.db import make_engine
    from plugin.inbound.models import WebhookDelivery

    engine = make_engine(url)
    began = time.perf_counter()
    waited: float | None = None
    mine = WebhookDelivery.id > after_id
    with engine.connect() as connection:
        while time.perf_counter() - began < max_seconds:
            left = connection.execute(
                select(func.count()).where(mine, WebhookDelivery.status == "pending")
            ).scalar_one()
            connection.rollback()
            if left == 0:
                waited = time.perf_counter() - began
                break
            time.sleep(0.05)
        rows = connection.execute(
            select(WebhookDelivery.received_at, WebhookDelivery.processed_at).where(
                mine, WebhookDelivery.status == "done"
            )
        ).all()
    engine.dispose()
    lags = [(done - received).total_seconds() * 1000 for received, done in rows if done]
    return waited, lags


# ----------------------------------------------------------------------------- main


@dataclass(frozen=True)
class Receiver:
    target: str
    env: dict[str, str] = field(default_factory=dict)
    worker: bool = False  # run `hireloop worker` beside gunicorn


RECEIVERS: dict[str, Receiver] = {
    "bare": Receiver("benchmarks.webhooks:bare_app()"),
    "minimal": Receiver("benchmarks.webhooks:minimal_app()"),
    # The default: stored in the request, handled by `hireloop worker` right after.
    "hireloop": Receiver("plugin:create_app()", worker=True),
    # The same, storing alone: what the receiver costs without a worker beside it.
    "hireloop (receiving only)": Receiver("plugin:create_app()"),
    # Handled in the request before the 200.
    "hireloop (inline mode)": Receiver(
        "plugin:create_app()", {"HIRELOOP_WEBHOOK_HANDLING": "inline"}
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="per closed-loop run")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--rate-seconds", type=float, default=5.0)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="per run")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "HIRELOOP_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="server URL to create a scratch database on ('' to skip PostgreSQL)",
    )
    parser.add_argument("--out", type=Path, default=None, help="write a Markdown report")
    args = parser.parse_args()

    results: list[Result] = []
    notes: dict[str, str] = {}
    counts: dict[str, tuple[int, int]] = {}
    serial = 0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with databases(args.postgres or None, tmp) as dbs:
            for database, url in dbs:
                notes[database] = prepare(url)
                print(f"[{database}] {notes[database]}", flush=True)
                env = {
                    "BENCH_DATABASE_URL": url,
                    "BENCH_SECRET": SECRET,
                    "HIRELOOP_DATABASE_URL": url,
                    "HIRELOOP_GREENHOUSE_WEBHOOK_SECRET": SECRET,
                    "HIRELOOP_PUBLIC_URL": "http://hireloop.bench",
                    "HIRELOOP_SECRET_KEY": "bench-secret-key",
                }
                for name, receiver in RECEIVERS.items():
                    log = tmp / f"{name.split()[0]}.log"
                    running = hireloop_worker({**env, **receiver.env}, log)
                    with (
                        gunicorn(receiver.target, {**env, **receiver.env}, log) as port,
                        running if receiver.worker else nullcontext(),
                    ):
                        for _ in range(30):  # warm both workers' connections
                            post(port, *make_requests(1, 9_000_000 + serial)[0])
                            serial += 1
                        paced_n = int(args.rate * args.rate_seconds)
                        runs = [
                            ("paced", paced_n, lambda b: open_loop(port, b, args.rate, 32)),
                            (
                                "closed",
                                args.requests,
                                lambda b: closed_loop(port, b, args.concurrency, args.max_seconds),
                            ),
                        ]
                        for mode, count, run in runs:
                            first = last_delivery_id(url) if receiver.worker else 0
                            batch = make_requests(count, serial)
                            serial += count
                            sent, ok, seconds, lat = run(batch)
                            result = Result(name, database, mode, sent, ok, seconds, lat)
                            if receiver.worker:
                                result.caught_up_s, result.lags_ms = wait_handled(
                                    url, first, args.max_seconds * 2
                                )
                            results.append(result)
                            print(
                                f"[{database}] {name:<26} {mode:<6} sent={sent} ok={ok} "
                                f"{result.throughput:7.1f}/s p50={result.pct(0.5):6.1f}ms "
                                f"p99={result.pct(0.99):6.1f}ms"
                                + (
                                    f" handled={len(result.lags_ms)} "
                                    f"lag p50={percentile(result.lags_ms, 0.5):.0f}ms "
                                    f"p99={percentile(result.lags_ms, 0.99):.0f}ms "
                                    f"caught up after {result.caught_up_s}s"
                                    if receiver.worker
                                    else ""
                                ),
                                flush=True,
                            )
                counts[database] = stored(url)
                print(f"[{database}] rows: deliveries, assignments = {counts[database]}")
    if args.out:
        args.out.write_text(report(results, notes, counts, args))
        print(f"wrote {args.out}")


def report(
    results: list[Result],
    notes: dict[str, str],
    counts: dict[str, tuple[int, int]],
    args: argparse.Namespace,
) -> str:
    def find(name: str, database: str, mode: str) -> Result:
        return next(r for r in results if (r.name, r.database, r.mode) == (name, database, mode))

    def lag(result: Result) -> str:
        if not result.lags_ms:
            return "-"
        return f"{percentile(result.lags_ms, 0.5):.0f} / {percentile(result.lags_ms, 0.99):.0f}"

    def caught_up(result: Result) -> str:
        if not result.lags_ms:
            return "-"
        return "not in time" if result.caught_up_s is None else f"{result.caught_up_s:.1f}"

    rate = f"{args.rate:.0f}/s"
    lines = [
        "# Inbound webhook performance",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `benchmarks/webhooks.py` on "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        "server, worker, database and load generator share the machine (loopback).",
        "",
        "Each receiver: `gunicorn --workers 2 --worker-class sync`. Every request is a signed "
        "Greenhouse `candidate_stage_change` (the documented payload, 5 KB) with a fresh "
        "`Greenhouse-Event-ID` and application id. hireloop verifies, normalises and commits "
        "the delivery before answering. In its default mode a `hireloop worker` process runs "
        "beside gunicorn, as deployed, and handles each delivery right after: it upserts the "
        "application, maps the stage through the job's loop, creates the assignment, queues "
        "the interviewer's message and the scorecard import, and runs the jobs it queued. "
        "*Handling lag* is the time from the delivery's commit to the end of its handling; "
        "*caught up* is how long after the last answer the worker had handled everything. "
        "`receiving only` is the same receiver with the worker stopped; `inline mode` handles "
        "in the request before answering. The minimal durable receiver only verifies, parses and "
        "commits the raw body with its unique key into the same table on the same engine "
        "settings; the bare endpoint returns 200.",
        "",
        f"Paced: {args.rate:.0f} requests/s for {args.rate_seconds:.0f} s, latency from the "
        f"scheduled send time (a late server makes later requests late). Closed loop, after "
        f"the worker caught up: {args.concurrency} concurrent clients, up to {args.requests} "
        f"requests or {args.max_seconds:.0f} s.",
        "",
        "Durability: " + "; ".join(f"{db}: {setting}" for db, setting in notes.items()) + ".",
        "",
        f"| database | receiver | p50 ms @{rate} | p99 ms @{rate} | handling lag p50 / p99 ms "
        f"@{rate} | deliveries/s | p50 ms | p99 ms | vs minimal | vs bare | caught up s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for database in notes:
        minimal = find("minimal", database, "closed").throughput
        bare = find("bare", database, "closed").throughput
        for name in RECEIVERS:
            closed = find(name, database, "closed")
            paced = find(name, database, "paced")
            lines.append(
                f"| {database} | {name} | {paced.pct(0.5):.1f} | {paced.pct(0.99):.1f} | "
                f"{lag(paced)} | {closed.throughput:.0f} | {closed.pct(0.5):.1f} | "
                f"{closed.pct(0.99):.1f} | {closed.throughput / minimal:.2f} | "
                f"{closed.throughput / bare:.2f} | {caught_up(closed)} |"
            )
    lines += [
        "",
        "Rows after the run (deliveries, assignments): "
        + "; ".join(f"{db}: {c[0]}, {c[1]}" for db, c in counts.items())
        + ". Deliveries stored while the worker was stopped stay `pending` for the next "
        "`hireloop worker` (nothing is lost).",
        "",
        "Every request answered 200: "
        + ("yes." if all(r.ok == r.sent for r in results) else "NO — see the sent/ok counts."),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
