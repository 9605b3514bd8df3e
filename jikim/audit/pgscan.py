"""PostgreSQL's side of the fast path: the database gives the time as canonical text and
the JSON as text; Python re-spells the JSON canonically (jsonb keeps its own key order)
and joins the body. The checks are the SQLite path's (`fastscan.walk`), chunk by chunk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from jikim.audit.canonical import SEP, plain_json

CHUNK = 5000
SQL = (
    "SELECT prev_hash, hash, seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
    "actor_id, actor_name, tenant_id, ip, action, subjects::text, purpose, reason, request_id, "
    "detail::text FROM audit_accessrecord WHERE seq >= %s AND seq <= %s ORDER BY seq"
)


def _row(row: tuple[Any, ...]) -> tuple[bytes, str, str]:
    (
        prev,
        digest,
        seq,
        at,
        actor,
        name,
        tenant,
        ip,
        action,
        subjects,
        purpose,
        reason,
        rid,
        detail,
    ) = row
    body = SEP.join(
        (
            str(seq),
            at,
            "" if actor is None else str(actor),
            name,
            "" if tenant is None else str(tenant),
            ip,
            action,
            plain_json(json.loads(subjects)),
            purpose,
            reason,
            rid,
            plain_json(json.loads(detail)),
        )
    )
    return ((prev + body).encode(), prev, digest)


def chunks(cursor: Any, expect: int, last_seq: int) -> Iterator[list[tuple[bytes, str, str]]]:
    """Chunks of (`prev_hash ‖ body`, prev_hash, hash) by seq range (keyset pages: no
    server-side cursor, so it works inside and outside a transaction)."""
    start = expect
    while start <= last_seq:
        stop = min(start + CHUNK - 1, last_seq)
        cursor.execute(SQL, [start, stop])
        rows = cursor.fetchall()
        try:
            datas = [_row(row) for row in rows]
        except (TypeError, ValueError):
            datas = [(b"", "", "")] * len(rows)  # a damaged row: the exact path says which
        if datas:
            yield datas
        start = stop + 1
