"""Django's SQLite backend, waiting for the write lock in short polls.

SQLite lets one connection write at a time. When the lock is taken, its own busy handler
sleeps 1, 2, 5, 10, 15 … ms between tries, while our write transactions hold the lock for
0.4–3 ms (an access record, an API push, an upload). A web worker that found the lock taken
thus slept several times longer than the other needed it: a quarter of every request's time
under mixed load (bench/load_bench.py). Here SQLite's own handler is off and a statement
that could not take the lock is tried again after 0.1 ms, growing to 2 ms, for as long as
the configured `timeout` allows. Only a statement that SQLite ran as a whole or not at all
is tried again: a single statement outside a transaction (which includes BEGIN IMMEDIATE,
where every write transaction waits). `executemany` outside a transaction commits row by
row, so it keeps SQLite's own handler.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from django.db.backends.sqlite3 import base

FIRST_POLL = 0.0001
LONGEST_POLL = 0.002


def _busy(error: sqlite3.OperationalError) -> bool:
    return (error.sqlite_errorcode & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class CursorWrapper(base.SQLiteCursorWrapper):
    lock_wait: float = 5.0

    def execute(self, query: str, params: Any = None) -> Any:
        if self.connection.in_transaction:
            return super().execute(query, params)
        deadline = time.monotonic() + self.lock_wait
        pause = FIRST_POLL
        while True:
            try:
                return super().execute(query, params)
            except sqlite3.OperationalError as error:
                if not _busy(error) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 1.5, LONGEST_POLL)

    def executemany(self, query: str, param_list: Any) -> Any:
        if self.connection.in_transaction:
            return super().executemany(query, param_list)
        connection = self.connection
        connection.execute(f"PRAGMA busy_timeout = {int(self.lock_wait * 1000)}")
        try:
            return super().executemany(query, param_list)
        finally:
            connection.execute("PRAGMA busy_timeout = 0")


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        # Opening (and the WAL pragma) still waits with SQLite's handler: it runs once.
        connection = super().get_new_connection(conn_params)
        connection.execute("PRAGMA busy_timeout = 0")
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=CursorWrapper)
        cursor.lock_wait = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        return cursor
