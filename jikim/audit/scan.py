"""Walking the chain record by record: the exact path over Django values, which also says
what is wrong, and the dispatch to the fast path (`fastscan`, with `pgscan` on PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from jikim.audit import canonical, fastscan, pgscan
from jikim.audit.models import AccessRecord


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
    first: int = 1  # the chain's first seq (after an anchor): records before it are gone


def walk(state: Walk, last_seq: int | None) -> Walk:
    """Verify every record from `state.expect` to `last_seq` (None: to the end); stops at
    the first problem."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return _walk_exact(state, _rows(state.expect, last_seq))
    if last_seq is None:
        last_seq = AccessRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def exact(expect: int, last: str, upto: int) -> tuple[int, str, int, bool]:
        sub = _walk_exact(Walk(expect, last, first=state.first), _rows(expect, upto))
        state.problem = sub.problem
        return sub.expect, sub.last, sub.count, sub.problem is None

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            chunks = pgscan.chunks(cursor, state.expect, last_seq)
            done = fastscan.walk(chunks, state.expect, state.last, last_seq, exact)
    else:
        if not _walk_parallel(state, last_seq, exact):
            return state
        connection.ensure_connection()
        chunks = fastscan.sqlite_chunks(connection.connection, state.expect, last_seq)
        done = fastscan.walk(chunks, state.expect, state.last, last_seq, exact)
    state.expect, state.last, state.count = done[0], done[1], state.count + done[2]
    return state


def workers() -> int:
    configured = getattr(settings, "AUDIT_VERIFY_WORKERS", 0)
    return int(configured) if configured else min(4, os.cpu_count() or 1)


def _walk_parallel(state: Walk, last_seq: int, exact: Any) -> bool:
    """Split a long chain between processes and join the verified segments, verifying the
    gaps between them the exact way. Only outside a transaction (other connections see only
    what is committed) and on a database file. False when a problem was found; otherwise
    the walk in order continues from wherever this stopped."""
    count = workers()
    database = str(connection.settings_dict["NAME"])
    if (
        count < 2
        or last_seq - state.expect < settings.AUDIT_VERIFY_PARALLEL_MIN
        or connection.in_atomic_block
        or not Path(database).is_file()
    ):
        return True
    ids = dict(
        AccessRecord.objects.filter(seq__in=[state.expect, last_seq]).values_list("seq", "id")
    )
    if len(ids) < 2 or ids[last_seq] < ids[state.expect]:
        return True
    for first, prev, following, last, done in fastscan.walk_parallel(
        database, ids[state.expect], ids[last_seq], count
    ):
        if first < state.expect or following > last_seq + 1:
            return True  # out of order: the walk in order sorts it out
        if first > state.expect:
            state.expect, state.last, gap, ok = exact(state.expect, state.last, first - 1)
            state.count += gap
            if not ok:
                return False
        if first != state.expect or prev != state.last:
            return True
        state.expect, state.last, state.count = following, last, state.count + done
    return True


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
    if intact and owner is None and seq - 1 >= state.first:
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
