"""A list of values as one query parameter, for set-based writes over many subjects.

The ORM spells `subject__in=[…]` as one placeholder per value: for tens of thousands of
subjects that is many statements and most of the time goes into building them. PostgreSQL
takes a whole array as one parameter and SQLite a JSON array read by `json_each`, so one
statement covers a whole batch whatever its size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

# Large enough that statement overhead vanishes, small enough to keep one parameter modest.
CHUNK = 20_000


def chunks(values: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def member_of(connection: Any, column: str) -> str:
    """`column` is one of the values bound to the next placeholder."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (column from code)


def rows_of(connection: Any, alias: str) -> str:
    """A FROM item with one row per value of the next placeholder, in column `alias.v`."""
    if connection.vendor == "postgresql":
        return f"unnest(%s::varchar[]) AS {alias}(v)"
    return f"(SELECT value AS v FROM json_each(%s)) AS {alias}"  # noqa: S608 (alias from code)


def param(connection: Any, values: Sequence[str] | Sequence[int]) -> Any:
    if connection.vendor == "postgresql":
        return list(values)
    return json.dumps(list(values))
