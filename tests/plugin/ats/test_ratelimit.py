from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.ats.errors import AtsRateLimited
from plugin.ats.models import RateLimitBudget
from plugin.ats.ratelimit import (
    LEVER_LIMIT,
    DatabaseBudget,
    MemoryBudget,
    RateLimit,
    RateLimiter,
)
from tests.plugin.ats.conftest import FakeClock


@pytest.mark.parametrize("limit", [10, 50, 75, 200])
def test_per_window_never_exceeds_the_limit_in_any_window(limit: int) -> None:
    bucket = RateLimit.per_window(limit, 10.0)
    most_in_any_window = bucket.burst + bucket.rate * 10.0
    assert most_in_any_window <= limit - 1
    if limit >= 50:
        assert bucket.rate * 10.0 >= 0.9 * limit


def test_lever_limit_stays_under_10_per_second_burst_20() -> None:
    assert LEVER_LIMIT.rate <= 10 and LEVER_LIMIT.burst <= 20


def test_memory_bucket_burst_then_rate(clock: FakeClock) -> None:
    budget = MemoryBudget(clock)
    limit = RateLimit(rate=2.0, burst=3.0)
    assert [budget.take("c", limit) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert budget.take("c", limit) == pytest.approx(0.5)
    clock.sleep(0.5)
    assert budget.take("c", limit) == 0.0
    assert budget.take("other", limit) == 0.0  # budgets are per credential


def test_limiter_waits_on_pause_and_gives_up_past_max_wait(clock: FakeClock) -> None:
    budget = MemoryBudget(clock)
    limiter = RateLimiter(budget, "c", RateLimit(10, 10), sleep=clock.sleep, max_wait=5)
    limiter.pause(2.0)
    assert limiter.acquire() == pytest.approx(2.0)
    limiter.pause(30.0)
    with pytest.raises(AtsRateLimited) as caught:
        limiter.acquire()
    assert caught.value.retry_after == pytest.approx(30.0)


def test_database_budget_is_shared_and_on_the_database_clock(
    app: Flask, database_url: str, db: Session
) -> None:
    first, second = DatabaseBudget(database_url), DatabaseBudget(database_url)
    limit = RateLimit(rate=1.0, burst=2.0)
    assert first.take("gh:x", limit) == 0.0
    assert second.take("gh:x", limit) == 0.0  # another worker draws on the same bucket
    wait = first.take("gh:x", limit)
    assert 0.5 < wait <= 1.0
    row = db.scalar(select(RateLimitBudget).where(RateLimitBudget.credential == "gh:x"))
    assert row is not None and row.tokens < 1.0


def test_database_pause_stops_every_worker(app: Flask, database_url: str) -> None:
    first, second = DatabaseBudget(database_url), DatabaseBudget(database_url)
    limit = RateLimit(rate=100.0, burst=100.0)
    first.pause("gh:p", 5.0)
    wait = second.take("gh:p", limit)
    assert 4.0 < wait <= 5.0
    second.pause("gh:p", 1.0)  # a shorter pause never shortens a longer one
    assert second.take("gh:p", limit) > 4.0


def test_database_budget_under_concurrency_hands_out_each_token_once(
    app: Flask, database_url: str
) -> None:
    limit = RateLimit(rate=0.01, burst=20.0)
    granted: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        budget = DatabaseBudget(database_url)
        for _ in range(10):
            if budget.take("gh:c", limit) == 0.0:
                with lock:
                    granted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 20
    assert time.monotonic() - started < 20
