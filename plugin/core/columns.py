"""Every stored string checked against its column before it reaches the database.

SQLite stores a string of any length in a ``VARCHAR(64)`` and PostgreSQL refuses it with an
error that used to answer 500; neither stores a NUL byte in text on PostgreSQL. Checked
once, for every table, before each flush: a value that does not fit is ``Invalid`` (422)
naming the attribute, the same on both databases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from plugin.core.errors import Invalid


def _problem(value: Any, length: int | None) -> str | None:
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return "must not contain a NUL character"
    if length is not None and len(value) > length:
        return f"at most {length} characters"
    return None


def check_row(row: object) -> None:
    mapper = inspect(row).mapper
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if not isinstance(column.type, String):
            continue
        problem = _problem(getattr(row, attribute.key, None), column.type.length)
        if problem:
            raise Invalid(
                f"{attribute.key} is too long or not text that can be stored ({problem}).",
                code="value_too_long" if "characters" in problem else "validation_error",
                fields={attribute.key: problem},
            )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for row in (*session.new, *session.dirty):
        check_row(row)


def install(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "before_flush", _before_flush)
