"""``<int:id>`` in every route, bounded by what the database's integer columns hold.

Flask's converter takes any run of digits; a 20-digit id overflowed SQLite's integers and
2**31 PostgreSQL's, and answered 500. Beyond the bound the route does not match: 404.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

#: The largest value of PostgreSQL's ``integer`` (SQLAlchemy's ``Integer`` primary keys).
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
