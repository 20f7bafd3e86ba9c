"""The worker's log: one JSON object per line, under the ``hireloop.worker`` logger."""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger("hireloop.worker")


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """One JSON object per line: easy to grep, easy to ship."""
    log.log(level, json.dumps({"event": event, **fields}, default=str, sort_keys=True))
