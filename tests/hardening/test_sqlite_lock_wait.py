"""The SQLite backend waits for the write lock in short polls (jikim/backends/sqlite3), and
still gives up with SQLite's own error once its timeout has passed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError

from jikim.backends.sqlite3.base import DatabaseWrapper


def _wrapper(path: Path, timeout: float) -> DatabaseWrapper:
    settings: dict[str, Any] = {
        "ENGINE": "jikim.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": timeout,
        },
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }
    return DatabaseWrapper(settings, alias="lockwait")


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Iterator[Path]:
    """A file of its own, outside the test databases (pytest-django guards only those)."""
    path = tmp_path / "lock.sqlite3"
    with django_db_blocker.unblock():
        setup = _wrapper(path, 1)
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
        setup.close()
        yield path


def _hold_lock(path: Path, seconds: float, taken: threading.Event) -> None:
    holder = _wrapper(path, 1)
    with holder.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("INSERT INTO t (n) VALUES (1)")
        taken.set()
        time.sleep(seconds)
        cursor.execute("COMMIT")
    holder.close()


def _while_held(path: Path, seconds: float) -> threading.Thread:
    taken = threading.Event()
    thread = threading.Thread(target=_hold_lock, args=(path, seconds, taken))
    thread.start()
    assert taken.wait(5)
    return thread


def test_a_writer_waits_for_the_lock_and_gets_it_soon_after_release(database: Path) -> None:
    waiter = _wrapper(database, 5)
    holder = _while_held(database, 0.05)
    started = time.monotonic()
    with waiter.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")  # a write transaction's first statement
        waited = time.monotonic() - started
        cursor.execute("INSERT INTO t (n) VALUES (2)")
        cursor.execute("COMMIT")
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (2,)
    holder.join()
    waiter.close()
    assert 0.03 < waited < 0.5


def test_a_single_statement_outside_a_transaction_waits_too(database: Path) -> None:
    waiter = _wrapper(database, 5)
    holder = _while_held(database, 0.05)
    with waiter.cursor() as cursor:
        cursor.execute("INSERT INTO t (n) VALUES (2)")
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.fetchall() == [(1,), (2,)]
    holder.join()
    waiter.close()


def test_executemany_outside_a_transaction_inserts_each_row_once(database: Path) -> None:
    waiter = _wrapper(database, 5)
    holder = _while_held(database, 0.05)
    with waiter.cursor() as cursor:
        cursor.executemany("INSERT INTO t (n) VALUES (%s)", [(2,), (3,), (4,)])
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.fetchall() == [(1,), (2,), (3,), (4,)]
    holder.join()
    waiter.close()


def test_the_wait_ends_with_sqlites_error_after_the_timeout(database: Path) -> None:
    waiter = _wrapper(database, 0.2)
    holder = _while_held(database, 1.0)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="locked"), waiter.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
    waited = time.monotonic() - started
    holder.join()
    waiter.close()
    assert 0.15 < waited < 0.6
