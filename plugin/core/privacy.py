"""Forgetting a person in stored data: their name out of every string, free text out.

Used by each capability's receiver of ``application_purged`` on its own tables; JSON
columns (revisions' snapshots, verdict summaries, outbox payloads) are walked whole.
"""

from __future__ import annotations

import re
from typing import Any

#: What a removed free text or name reads as afterwards.
REMOVED = "[removed: candidate purged]"
#: Keys of stored JSON whose values are free text people wrote (or a message built from it).
FREE_TEXT_KEYS = frozenset(
    {
        "evidence",
        "notes",
        "reason",
        "body",
        "text",
        "html",
        "subject",
        "chat",
        "candidate",
        "candidate_name",
        "name_of_candidate",
        "comment",
        "comments",
    }
)


def name_pattern(name: str | None) -> re.Pattern[str] | None:
    """The full name and each of its parts of three letters or more, case-insensitively."""
    if not name or not name.strip():
        return None
    parts = {name.strip(), *(p for p in re.split(r"\s+", name.strip()) if len(p) >= 3)}
    alternatives = sorted(parts, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in alternatives), re.IGNORECASE)


def scrub_text(value: str | None, pattern: re.Pattern[str] | None) -> str | None:
    if value is None or pattern is None:
        return value
    return pattern.sub(REMOVED, value)


def scrub(value: Any, pattern: re.Pattern[str] | None, *, drop_free_text: bool = True) -> Any:
    """``value`` (JSON) with free-text keys' values removed and the name out of every string."""
    if isinstance(value, dict):
        return {
            key: (
                REMOVED
                if drop_free_text and key in FREE_TEXT_KEYS and isinstance(item, str) and item
                else scrub(item, pattern, drop_free_text=drop_free_text)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrub(item, pattern, drop_free_text=drop_free_text) for item in value]
    if isinstance(value, str):
        return scrub_text(value, pattern)
    return value
