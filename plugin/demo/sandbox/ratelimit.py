"""Greenhouse's published Harvest v1 rate limit, per API key, in a fixed window."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int
    reset_at: int


class RateLimiter:
    """Greenhouse's published v1 limit: ``limit`` requests per ``window`` seconds per key."""

    def __init__(
        self, limit: int = 50, window: float = 10.0, clock: Callable[[], float] = time.time
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> RateDecision:
        with self._lock:
            moment = self.clock()
            started, used = self._windows.get(key, (moment, 0))
            if moment >= started + self.window:
                started, used = moment, 0
            ends = started + self.window
            reset_at = math.ceil(ends)
            if used >= self.limit:
                self._windows[key] = (started, used)
                retry = max(1, math.ceil(ends - moment))
                return RateDecision(False, self.limit, 0, retry, reset_at)
            used += 1
            self._windows[key] = (started, used)
            return RateDecision(True, self.limit, self.limit - used, 0, reset_at)
