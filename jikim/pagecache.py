"""SQLite settings lent to one bulk operation (an import, a sweep): a larger page cache and
a deferred checkpoint.

Bulk writes touch indexes in random order (blind-index digests, subject ids); with
SQLite's default 2 MiB cache most of them wait for a page to be read back. And in WAL mode
SQLite copies the log back into the database every 1,000 pages by default: a sweep that
commits batch after batch to the same index pages would copy most pages once per batch.
Deferred, each page is copied once, at the end. Both settings are restored afterwards, so
the memory and the log space are lent, not kept. PostgreSQL manages its own buffers and
checkpoints.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connections

BIG_PAGE_CACHE_KIB = 64 * 1024
# Pages the log may hold before SQLite copies it back (4 KiB each: up to 400 MiB of log).
DEFERRED_CHECKPOINT_PAGES = 100_000


@contextlib.contextmanager
def larger(*aliases: str) -> Iterator[None]:
    restore: list[tuple[str, int, int]] = []
    try:
        for alias in aliases:
            connection = connections[alias]
            if connection.vendor != "sqlite":
                continue
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                cache = int(cursor.fetchone()[0])
                cursor.execute("PRAGMA wal_autocheckpoint")
                restore.append((alias, cache, int(cursor.fetchone()[0])))
                cursor.execute(f"PRAGMA cache_size = {-BIG_PAGE_CACHE_KIB}")
                cursor.execute(f"PRAGMA wal_autocheckpoint = {DEFERRED_CHECKPOINT_PAGES}")
        yield
    finally:
        for alias, cache, checkpoint in restore:
            connection = connections[alias]
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {cache}")
                cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
                if not connection.in_atomic_block:
                    # The deferred copy, paid here by the operation that deferred it.
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
