"""A larger SQLite page cache lent to one bulk operation (an import, a sweep).

Bulk writes touch indexes in random order (blind-index digests, subject ids); with
SQLite's default 2 MiB cache most of them wait for a page to be read back. The cache is
restored afterwards, so the memory is lent, not kept. PostgreSQL manages its own buffers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connections

BIG_PAGE_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def larger(*aliases: str) -> Iterator[None]:
    restore: list[tuple[str, int]] = []
    try:
        for alias in aliases:
            connection = connections[alias]
            if connection.vendor != "sqlite":
                continue
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                restore.append((alias, int(cursor.fetchone()[0])))
                cursor.execute(f"PRAGMA cache_size = {-BIG_PAGE_CACHE_KIB}")
        yield
    finally:
        for alias, before in restore:
            with connections[alias].cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {before}")
