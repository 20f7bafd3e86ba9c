"""Helpers for ATS client tests: a fake clock whose sleep advances time, and clients built
on an in-process rate-limit budget so no test really waits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plugin.ats.http import HttpClient, StaticAuth
from plugin.ats.ratelimit import MemoryBudget, RateLimit, RateLimiter
from tests.conftest import PAYLOADS

FAST_LIMIT = RateLimit(rate=100.0, burst=100.0)


class FakeClock:
    """Monotonic and wall time in one; ``sleep`` moves it forward and records the wait."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_http(clock: FakeClock) -> Callable[..., HttpClient]:
    def factory(
        base_url: str = "https://ats.test",
        *,
        auth: Any = None,
        limit: RateLimit = FAST_LIMIT,
        window: float | None = None,
        **options: Any,
    ) -> HttpClient:
        limiter = RateLimiter(
            MemoryBudget(clock), "test:cred", limit, window_seconds=window, sleep=clock.sleep
        )
        return HttpClient(
            base_url,
            ats="test",
            auth=auth or StaticAuth({"Authorization": "Basic dGVzdDo="}),
            limiter=limiter,
            sleep=clock.sleep,
            clock=clock,
            timeout=2.0,
            **options,
        )

    return factory


def payload(relative: str) -> Any:
    return json.loads((PAYLOADS / relative).read_text())


def payload_path(relative: str) -> Path:
    return PAYLOADS / relative
