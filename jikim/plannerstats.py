"""Fresh planner statistics around bulk operations (PostgreSQL): before a sweep decides its
plans, and after an import, for the searches that follow it.

A sweep reads and deletes by lists of subject ids, ten thousand at a time. PostgreSQL picks
between an index and a full scan from its table statistics; when many rows arrived since
autovacuum last sampled them (a large import, the sweep's own plan), it believes a list
matches a large share of the table and scans the whole table for every batch, which
makes a sweep quadratic in the rows it destroys. ANALYZE samples a bounded number of rows
per table, so it costs about the same on any size of table.
"""

from __future__ import annotations

from django.db import connections

# An import adding this many orders refreshes the statistics of the tables it filled.
AFTER_IMPORT_ROWS = 1000


def refresh(alias: str, models: list[type]) -> None:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return  # SQLite uses an index whenever one fits the condition
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table)  # type: ignore[attr-defined]
        for m in models
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
