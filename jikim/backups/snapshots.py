"""Consistent copies of the three databases (default, separated, key ring), and loading
them back.

Consistency across the three: a copy taken of each in turn could catch a row moved from
the main database to the separated one in neither, or data whose key is not yet in the
key ring's copy. So the three read snapshots are pinned at one instant first — SQLite:
the write locks of all three are held for the moment it takes to open a read transaction
on each (WAL readers keep that snapshot however long the copy takes; writers wait only
for that moment); PostgreSQL: a REPEATABLE READ transaction on each, opened back to back,
whose exported snapshot pg_dump then reads. Row counts are taken in the same snapshots,
so the manifest says exactly what the copy holds.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from psycopg import sql
from psycopg.conninfo import make_conninfo

from jikim.backups import ormdump

ALIASES = ("default", "separated", "keyring")
SQLITE_API = "sqlite3-backup-api"
PG_DUMP = "pg_dump"
ORM = "django-orm"
LOCK_WAIT = 2.0  # seconds per write lock while pinning; retried, so no deadlock lasts
COPY_WAIT = 60.0


class SnapshotError(Exception):
    pass


@dataclass
class Copy:
    alias: str
    engine: str
    method: str
    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    migrations: list[str] = field(default_factory=list)
    tool: str = ""
    # default: the last access record (seq, hash) in the copy
    head: tuple[int, str] | None = None
    # keyring: subjects whose key the copy records as shredded -> when (ISO text)
    shredded: dict[str, str] = field(default_factory=dict)


HEAD_SQL = "SELECT seq, hash FROM audit_accessrecord ORDER BY seq DESC LIMIT 1"
SHREDDED_SQL = "SELECT subject, shredded_at FROM vault_datakey WHERE wrapped IS NULL"


def _extras(copy: Copy, query: Any) -> None:
    """What the manifest and later restores need to know of a copy, read in its snapshot."""
    if copy.alias == "default" and "audit_accessrecord" in copy.tables:
        rows = query(HEAD_SQL)
        copy.head = (int(rows[0][0]), str(rows[0][1])) if rows else None
    if copy.alias == "keyring" and "vault_datakey" in copy.tables:
        copy.shredded = {
            str(subject): at.isoformat() if hasattr(at, "isoformat") else str(at or "")
            for subject, at in query(SHREDDED_SQL)
        }


def engine(alias: str) -> str:
    return str(connections[alias].vendor)


# --- SQLite ---------------------------------------------------------------------------


def _sqlite_name(alias: str) -> str:
    return str(connections[alias].settings_dict["NAME"])


def _pin_sqlite(names: dict[str, str]) -> dict[str, sqlite3.Connection]:
    for _attempt in range(60):
        locks: list[sqlite3.Connection] = []
        readers: dict[str, sqlite3.Connection] = {}
        try:
            for name in names.values():
                lock = sqlite3.connect(name, timeout=LOCK_WAIT, isolation_level=None)
                locks.append(lock)
                lock.execute("BEGIN IMMEDIATE")
            for alias, name in names.items():
                reader = sqlite3.connect(name, isolation_level=None)
                readers[alias] = reader
                reader.execute("BEGIN")
                reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return readers
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            for reader in readers.values():
                reader.close()
            time.sleep(random.uniform(0.05, 0.3))  # noqa: S311 - jitter, not security
        finally:
            for lock in locks:
                with contextlib.suppress(sqlite3.Error):
                    lock.execute("ROLLBACK")
                lock.close()
    raise SnapshotError("could not pin the databases: their write locks stayed busy")


def _sqlite_tables(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def _sqlite_migrations(db: sqlite3.Connection, tables: dict[str, int]) -> list[str]:
    if "django_migrations" not in tables:
        return []
    return sorted(f"{a}.{n}" for a, n in db.execute("SELECT app, name FROM django_migrations"))


def _copy_sqlite(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """The backup API, giving up after COPY_WAIT seconds of a busy target or source (the
    Python binding would otherwise retry forever)."""
    deadline = time.monotonic() + COPY_WAIT

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise SnapshotError("the database stayed locked; stop the web and worker processes")

    source.backup(target, progress=progress, sleep=0.05)


def _take_sqlite(aliases: list[str], workdir: Path) -> list[Copy]:
    readers = _pin_sqlite({a: _sqlite_name(a) for a in aliases})
    copies = []
    try:
        for alias in aliases:
            reader = readers[alias]
            tables = _sqlite_tables(reader)
            target_path = workdir / f"{alias}.sqlite3"
            target = sqlite3.connect(target_path)
            try:
                _copy_sqlite(reader, target)
            finally:
                target.close()
            copy = Copy(
                alias,
                "sqlite",
                SQLITE_API,
                target_path,
                tables,
                _sqlite_migrations(reader, tables),
                f"SQLite {sqlite3.sqlite_version}",
            )
            _extras(copy, lambda text, db=reader: db.execute(text).fetchall())
            copies.append(copy)
    finally:
        for reader in readers.values():
            reader.close()
    return copies


def _load_sqlite(alias: str, source_path: Path) -> dict[str, int]:
    connections[alias].close()
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(_sqlite_name(alias), isolation_level=None)
    try:
        _copy_sqlite(source, target)
        return _sqlite_tables(target)
    finally:
        source.close()
        target.close()


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_params(alias: str) -> tuple[str, dict[str, str]]:
    """(conninfo without the password, environment carrying it) for pg_dump and psql."""
    params = dict(connections[alias].get_connection_params())
    password = params.pop("password", None)
    wanted = {
        k: str(v)
        for k, v in params.items()
        if k in {"dbname", "user", "host", "port", "sslmode", "sslrootcert", "sslcert", "sslkey"}
        and v not in (None, "")
    }
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**wanted), env


def _pg_tables(cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    names = [r[0] for r in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name)))
        counts[name] = cursor.fetchone()[0]
    return counts


@contextlib.contextmanager
def _pinned_pg(aliases: list[str]) -> Iterator[dict[str, tuple[Any, str]]]:
    """A REPEATABLE READ transaction per database and its exported snapshot id."""
    held: dict[str, tuple[Any, str]] = {}
    try:
        for alias in aliases:
            wrapper = connections[alias]
            raw = wrapper.get_new_connection(wrapper.get_connection_params())
            raw.autocommit = False
            cursor = raw.cursor()
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            held[alias] = (raw, cursor.fetchone()[0])
        yield held
    finally:
        for raw, _ in held.values():
            with contextlib.suppress(Exception):
                raw.rollback()
            raw.close()


def pg_tools_available() -> bool:
    return bool(shutil.which("pg_dump") and shutil.which("psql"))


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SnapshotError(f"{what} failed: {done.stderr.strip()[-800:]}")
    return done.stdout


def _take_pg(aliases: list[str], workdir: Path, method: str) -> list[Copy]:
    copies = []
    with _pinned_pg(aliases) as pinned:
        for alias in aliases:
            raw, snapshot = pinned[alias]
            cursor = raw.cursor()
            tables = _pg_tables(cursor)
            migrations: list[str] = []
            if "django_migrations" in tables:
                cursor.execute("SELECT app, name FROM django_migrations")
                migrations = sorted(f"{a}.{n}" for a, n in cursor.fetchall())
            if method == PG_DUMP:
                conninfo, env = _pg_params(alias)
                target = workdir / f"{alias}.sql"
                version = _run(["pg_dump", "--version"], env, "pg_dump --version").strip()
                _run(
                    [
                        "pg_dump",
                        "--format=plain",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={target}",
                        f"--dbname={conninfo}",
                    ],
                    env,
                    "pg_dump",
                )
                copy = Copy(alias, "postgresql", PG_DUMP, target, tables, migrations, version)
            else:
                target = workdir / f"{alias}.jsonl"
                with transaction.atomic(using=alias), connections[alias].cursor() as django_cursor:
                    django_cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    django_cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                    ormdump.dump(alias, ormdump.models_of(alias), target)
                copy = Copy(alias, "postgresql", ORM, target, tables, migrations, "Django ORM")

            def query(text: str, cursor: Any = cursor) -> list[Any]:
                cursor.execute(text)
                return list(cursor.fetchall())

            _extras(copy, query)
            copies.append(copy)
    return copies


# Dropped before a pg_dump copy is loaded, in the same transaction: tables a newer schema
# added would otherwise survive and make the next `migrate` fail.
DROP_ALL = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
      current_schema(), r.relname);
  END LOOP;
  -- Sequences of their own (identity sequences went with their tables).
  FOR r IN SELECT c.relname FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind = 'S'
  LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', current_schema(), r.relname);
  END LOOP;
END $$;
"""


def _load_pg(alias: str, method: str, source: Path, workdir: Path) -> dict[str, int]:
    wrapper = connections[alias]
    if method == PG_DUMP:
        wrapper.close()
        conninfo, env = _pg_params(alias)
        drop = workdir / f"{alias}-drop.sql"
        drop.write_text(DROP_ALL)
        _run(
            [
                "psql",
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                f"--file={drop}",
                f"--file={source}",
                f"--dbname={conninfo}",
            ],
            env,
            "psql",
        )
    else:
        from django.core.management import call_command

        call_command("migrate", database=alias, interactive=False, verbosity=0)
        ormdump.load(alias, source, replace=ormdump.models_of(alias))
    with wrapper.cursor() as cursor:
        return _pg_tables(cursor)


# --- both -----------------------------------------------------------------------------


def take(workdir: Path, method: str = "auto") -> list[Copy]:
    """Copies of the three databases in `workdir` (plain files: encrypt, then delete)."""
    aliases = list(ALIASES)
    engines = {engine(a) for a in aliases}
    if engines == {"sqlite"}:
        return _take_sqlite(aliases, workdir)
    if engines == {"postgresql"}:
        if method == "auto":
            method = PG_DUMP if pg_tools_available() else ORM
        if method not in (PG_DUMP, ORM):
            raise SnapshotError(f"unknown method {method!r} for PostgreSQL")
        return _take_pg(aliases, workdir, method)
    raise SnapshotError(f"mixed database engines are not supported: {sorted(engines)}")


def load(alias: str, method: str, source: Path, workdir: Path) -> dict[str, int]:
    """Replace the database's contents with the copy; returns the row counts it now has."""
    if method == SQLITE_API:
        if engine(alias) != "sqlite":
            raise SnapshotError(f"{alias}: an SQLite copy cannot be loaded into {engine(alias)}")
        return _load_sqlite(alias, source)
    if engine(alias) != "postgresql":
        raise SnapshotError(f"{alias}: a PostgreSQL copy cannot be loaded into {engine(alias)}")
    if method == PG_DUMP and not pg_tools_available():
        raise SnapshotError("this copy was made by pg_dump; psql is needed to load it")
    return _load_pg(alias, method, source, workdir)
