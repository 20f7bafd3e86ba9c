"""Reading the interview kit parts of a framework file: level bands, questions (with their
level range, minutes and in-the-room rubric) and each competency's green and red flags.

Split from ``loader`` so each stays readable; the same ``Checker`` collects every problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scorecards.checker import Checker, PathKey, entries
from scorecards.framework import (
    DEFAULT_QUESTION_MINUTES,
    FORMAT_KINDS,
    Band,
    Flags,
    Level,
    Question,
    default_bands,
)

MAX_QUESTION_MINUTES = 60


def read_bands(check: Checker, doc: dict[str, Any], levels: tuple[Level, ...]) -> tuple[Band, ...]:
    """``bands:`` (optional): every level in exactly one band, in level order."""
    if "bands" not in doc:
        return default_bands(levels)
    level_ids = [lv.id for lv in levels]
    bands = tuple(
        Band(
            check.ident(b, "id", path),
            check.text(b, "name", path),
            check.texts(b, "levels", path),
        )
        for b, path in entries(check, doc, "bands")
    )
    check.unique(((b.id, ("bands", i, "id")) for i, b in enumerate(bands)), "band")
    listed = [level for band in bands for level in band.levels]
    for index, band in enumerate(bands):
        for level in band.levels:
            if level not in level_ids:
                check.fail(("bands", index, "levels"), f"unknown level '{level}'")
    if sorted(listed) != sorted(level_ids):
        check.fail(("bands",), "every level must be in exactly one band")
    return bands


def read_questions(
    check: Checker,
    c: dict[str, Any],
    path: PathKey,
    points: list[str],
    level_ids: list[str],
    band_ids: list[str],
) -> tuple[Question, ...]:
    raw = check.sequence(c.get("questions", []), (*path, "questions"))
    out = []
    for index, item in enumerate(raw):
        qpath = (*path, "questions", index)
        q = check.mapping(item, qpath)
        low, high = _levels(check, q, qpath, level_ids)
        out.append(
            Question(
                check.ident(q, "id", qpath),
                check.text(q, "text", qpath),
                check.texts(q, "follow_ups", qpath),
                check.texts(q, "formats", qpath),
                low,
                high,
                _minutes(check, q, qpath),
                _rubric(check, q.get("rubric"), (*qpath, "rubric"), points, band_ids),
            )
        )
    return tuple(out)


def _levels(
    check: Checker, q: dict[str, Any], path: PathKey, level_ids: list[str]
) -> tuple[str | None, str | None]:
    raw = q.get("levels")
    if raw is None:
        return None, None
    levels = check.mapping(raw, (*path, "levels"))
    low, high = levels.get("min"), levels.get("max")
    for key, value in (("min", low), ("max", high)):
        if value is not None and value not in level_ids:
            check.fail((*path, "levels", key), f"unknown level '{value}'")
    if low in level_ids and high in level_ids and level_ids.index(low) > level_ids.index(high):
        check.fail((*path, "levels"), f"min '{low}' is above max '{high}'")
    for key in levels:
        if key not in ("min", "max"):
            check.fail((*path, "levels", key), "levels has only 'min' and 'max'")
    return (low if isinstance(low, str) else None), (high if isinstance(high, str) else None)


def _minutes(check: Checker, q: dict[str, Any], path: PathKey) -> int:
    value = q.get("minutes", DEFAULT_QUESTION_MINUTES)
    if isinstance(value, bool) or not isinstance(value, int):
        check.fail((*path, "minutes"), "'minutes' must be a whole number")
        return DEFAULT_QUESTION_MINUTES
    if not 1 <= value <= MAX_QUESTION_MINUTES:
        check.fail((*path, "minutes"), f"'minutes' must be between 1 and {MAX_QUESTION_MINUTES}")
    return value


def _rubric(
    check: Checker, raw: Any, path: PathKey, points: list[str], band_ids: list[str]
) -> dict[str, dict[str, str]]:
    """``rubric: {band: {needs_focus, on_track, outperforming}}``; every point of a band."""
    if raw is None:
        return {}
    rubric = check.mapping(raw, path)
    out: dict[str, dict[str, str]] = {}
    for band, texts in rubric.items():
        if band not in band_ids:
            check.fail((*path, band), f"unknown band '{band}' (known: {', '.join(band_ids)})")
            continue
        by_point = check.mapping(texts, (*path, band))
        out[band] = {p: check.text(by_point, p, (*path, band)) for p in points}
    return out


def read_flags(
    check: Checker, c: dict[str, Any], path: PathKey, band_ids: list[str]
) -> dict[str, Flags]:
    """``flags: {band: {green: [...], red: [...]}}``."""
    raw = c.get("flags")
    if raw is None:
        return {}
    flags = check.mapping(raw, (*path, "flags"))
    out: dict[str, Flags] = {}
    for band, lists in flags.items():
        bpath = (*path, "flags", band)
        if band not in band_ids:
            check.fail(bpath, f"unknown band '{band}' (known: {', '.join(band_ids)})")
            continue
        by_colour: Mapping[str, Any] = check.mapping(lists, bpath)
        for key in by_colour:
            if key not in ("green", "red"):
                check.fail((*bpath, key), "flags are 'green' or 'red'")
        out[band] = Flags(
            check.texts(dict(by_colour), "green", bpath), check.texts(dict(by_colour), "red", bpath)
        )
    return out


def read_kind(check: Checker, f: dict[str, Any], path: PathKey) -> str:
    kind = f.get("kind", FORMAT_KINDS[0])
    if kind not in FORMAT_KINDS:
        check.fail((*path, "kind"), f"unknown kind '{kind}' (one of {', '.join(FORMAT_KINDS)})")
        return FORMAT_KINDS[0]
    return str(kind)
