"""Walking the chain: a fast path that lets SQLite build each record's canonical bytes,
and an exact path over Django values that also says what is wrong.

The fast path hashes the stored JSON text as it is. That is safe because a record is
accepted only when the hash matches, and a matching hash means the bytes are the
canonical bytes that were signed into the chain; any mismatch (a damaged or merely
re-formatted row) sends that chunk through the exact path, which decides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from jikim.audit import canonical
from jikim.audit.models import AccessRecord

CHUNK = 20_000


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # edited, missing, reordered, truncated, bad signature, rewritten, export
    message: str


@dataclass
class Walk:
    """Where a walk stands: the next expected seq and the hash it must link to."""

    expect: int
    last: str
    count: int = 0
    problem: Problem | None = None


_AT = (
    "CASE length(at) "
    "WHEN 26 THEN substr(at, 1, 10) || 'T' || substr(at, 12) || 'Z' "
    "WHEN 19 THEN substr(at, 1, 10) || 'T' || substr(at, 12) || '.000000Z' "
    "ELSE at END"
)
_PARTS = (
    "seq",
    _AT,
    "ifnull(actor_id, '')",
    "actor_name",
    "ifnull(tenant_id, '')",
    "ip",
    "action",
    "subjects",
    "purpose",
    "reason",
    "request_id",
    "detail",
)
_FAST_SQL = (
    "SELECT seq, prev_hash, hash, CAST(prev_hash || "  # noqa: S608 - constant SQL
    + " || char(31) || ".join(_PARTS)
    + f" AS BLOB) FROM {AccessRecord._meta.db_table} WHERE seq >= %s ORDER BY seq"
)


def walk(walk: Walk) -> Walk:
    """Verify every record from `walk.expect` on; stops at the first problem."""
    if connection.vendor == "sqlite":
        return _walk_fast(walk)
    return _walk_exact(walk, _rows(walk.expect, None))


def _walk_fast(state: Walk) -> Walk:
    sha256 = hashlib.sha256
    with connection.cursor() as cursor:
        cursor.execute(_FAST_SQL, [state.expect])
        while True:
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                return state
            seqs, prevs, hashes, datas = zip(*rows, strict=True)
            ok = (
                seqs == tuple(range(state.expect, state.expect + len(seqs)))
                and prevs[0] == state.last
                and prevs[1:] == hashes[:-1]
            )
            if ok:
                try:
                    ok = [sha256(d).hexdigest() for d in datas] == list(hashes)
                except TypeError:  # a NULL where the schema has none
                    ok = False
            if ok:
                state.expect, state.last = seqs[-1] + 1, hashes[-1]
                state.count += len(seqs)
                continue
            state = _walk_exact(state, _rows(seqs[0], seqs[-1]))
            if state.problem is not None:
                return state


_VALUES = ("prev_hash", "hash", *canonical.FIELDS)


def _rows(first: int, last: int | None) -> Iterable[Sequence[Any]]:
    rows = AccessRecord.objects.filter(seq__gte=first)
    if last is not None:
        rows = rows.filter(seq__lte=last)
    return rows.order_by("seq").values_list(*_VALUES).iterator(chunk_size=2000)


def _body(row: Sequence[Any]) -> str:
    return canonical.body_of_row(row[2:])


def self_consistent(row: Sequence[Any]) -> bool:
    try:
        return canonical.chain_hash(row[0], _body(row)) == row[1]
    except (TypeError, ValueError, AttributeError):
        return False


def _walk_exact(state: Walk, rows: Iterable[Sequence[Any]]) -> Walk:
    for row in rows:
        prev, digest, seq = row[0], row[1], row[2]
        if seq != state.expect:
            if seq > state.expect:
                span = f"{state.expect}" if seq == state.expect + 1 else f"{state.expect}–{seq - 1}"
                state.problem = Problem(
                    state.expect, "missing", f"records {span} are missing from the chain"
                )
            else:
                state.problem = Problem(seq, "reordered", "a sequence number appears twice")
            return state
        intact = self_consistent(row)
        if prev != state.last:
            state.problem = _broken_link(row, intact, state)
            return state
        if not intact:
            state.problem = Problem(seq, "edited", "the record does not match its hash")
            return state
        state.expect, state.last = seq + 1, digest
        state.count += 1
    return state


def _broken_link(row: Sequence[Any], intact: bool, state: Walk) -> Problem:
    """The record does not link to the one before it: moved, or a neighbour changed."""
    prev, seq = row[0], row[2]
    owner = (
        AccessRecord.objects.filter(hash=prev)
        .exclude(seq=seq)
        .values_list("seq", flat=True)
        .first()
    )
    if owner is not None and owner != seq - 1:
        return Problem(seq, "reordered", f"this record belongs after record {owner}")
    if intact and owner is None and seq - 1 >= 1 and state.count > 0:
        # The record itself is whole and names a predecessor hash nobody has: the
        # predecessor was edited and its hash recomputed to hide it.
        return Problem(seq - 1, "edited", "the record was changed and its hash recomputed")
    return Problem(seq, "edited", "the record does not link to the record before it")


def stored_hashes(seqs: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(seqs))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        rows = AccessRecord.objects.filter(seq__in=wanted[start : start + 500])
        found.update(rows.values_list("seq", "hash"))
    return found
