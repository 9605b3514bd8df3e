"""Look for a plaintext in everything the main database stores, the way an attacker with a
copy of the database (or its backup) would."""

from __future__ import annotations

from pathlib import Path

from django.db import connections


def database_bytes(alias: str = "default") -> bytes:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(FULL)")
        name = Path(str(connection.settings_dict["NAME"]))
        if not name.exists():  # in-memory test database: dump it
            return "\n".join(connection.connection.iterdump()).encode()
        data = name.read_bytes()
        wal = name.with_name(name.name + "-wal")
        return data + (wal.read_bytes() if wal.exists() else b"")
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - names from introspection
            chunks.extend(row[0].encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


def database_contains(text: str, alias: str = "default") -> bool:
    return text.encode() in database_bytes(alias)
