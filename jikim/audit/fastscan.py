"""The fast path of `verify`. Each row arrives as (`prev_hash ‖ body` as bytes, prev_hash,
hash) — on SQLite built by one `printf` per row, on PostgreSQL by `pgscan` — and Python
checks a chunk at a time with C-level `map`s (no Python loop per record): every hash is
the SHA-256 of its bytes, and every prev_hash is the hash of the row before. On SQLite a
long chain is split between processes (one per CPU, AUDIT_VERIFY_WORKERS), each with its
own read-only connection, and the verified segments are joined by their boundary hashes.

It only ever *accepts*: rows pass when every hash matches, which means their bytes are
exactly the canonical bytes chained at append time (the stored JSON is hashed as stored: it
was written canonically). Anything else — a damaged row, an equal JSON value spelled
otherwise, a time stored without its fraction, rows out of order — sends the smallest
failing stretch (PIECE rows) to the exact path in `scan`, which decides and names the
problem.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

_TABLE = "audit_accessrecord"
_CHAINED = (
    "CAST(printf('%s%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s', "
    "prev_hash, seq, at, actor_id, actor_name, tenant_id, ip, action, subjects, purpose, "
    "reason, request_id, detail) AS BLOB), prev_hash, hash"
)
# Rows in physical (rowid) order, which is append order: a plain table scan, much cheaper
# than walking the seq index. Rows out of that order fail the checks and go the exact way.
BY_SEQ_RANGE = (
    f"SELECT {_CHAINED} FROM {_TABLE} "  # noqa: S608 - constant SQL
    "WHERE +seq >= ? AND +seq <= ? ORDER BY id"
)
BY_ID_RANGE = (
    f"SELECT {_CHAINED} FROM {_TABLE} "  # noqa: S608 - constant SQL
    "WHERE id >= ? AND id < ? ORDER BY id"
)
CHUNK = 5000
PIECE = 250  # a failed chunk is retried in pieces this size: only those go the slow way

Row = tuple[bytes, str, str]  # prev_hash ‖ body, prev_hash, hash
Exact = Callable[[int, str, int], tuple[int, str, int, bool]]
_bytes, _prev, _hash = itemgetter(0), itemgetter(1), itemgetter(2)
_sha256 = hashlib.sha256
_hexdigest = type(hashlib.sha256()).hexdigest


def seq_of(row: Row) -> int:
    data = row[0]
    return int(data[64 : data.index(b"\x1f", 64)])


def rows_ok(rows: Sequence[Row], expect: int, last: str | None) -> bool:
    """The rows run on from seq `expect` without a gap, the first links to `last` (unless
    None), each links to the one before, and every hash matches its bytes."""
    try:
        if seq_of(rows[0]) != expect or seq_of(rows[-1]) != expect + len(rows) - 1:
            return False
        prevs, hashes = list(map(_prev, rows)), list(map(_hash, rows))
        if (last is not None and prevs[0] != last) or prevs[1:] != hashes[:-1]:
            return False
        return list(map(_hexdigest, map(_sha256, map(_bytes, rows)))) == hashes
    except (TypeError, ValueError):  # a NULL or a mangled seq
        return False


def _pieces(rows: Sequence[Row]) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), PIECE):
        yield rows[start : start + PIECE]


def sqlite_chunks(raw: sqlite3.Connection, expect: int, last_seq: int) -> Iterator[list[Row]]:
    cursor = raw.execute(BY_SEQ_RANGE, (expect, last_seq))
    while rows := cursor.fetchmany(CHUNK):
        yield rows


def walk(
    chunks: Iterable[Sequence[Row]], expect: int, last: str, last_seq: int, exact: Exact
) -> tuple[int, str, int, bool]:
    """Verify seq `expect`..`last_seq`. `exact(expect, last, upto)` verifies a stretch the
    slow way and returns (expect, last, count, ok). Returns (expect, last, count, ok)."""
    count = 0
    if expect > last_seq:
        return expect, last, count, True
    for chunk in chunks:
        for rows in [chunk] if rows_ok(chunk, expect, last) else _pieces(chunk):
            if rows_ok(rows, expect, last):
                expect, last, count = expect + len(rows), rows[-1][2], count + len(rows)
                continue
            try:
                top = min(max(map(seq_of, rows)), last_seq)
            except (TypeError, ValueError):
                top = last_seq
            if top >= expect:
                expect, last, done, ok = exact(expect, last, top)
                count += done
                if not ok:
                    return expect, last, count, False
    if expect <= last_seq:  # rows met out of order, or missing at the end: finish by seq
        expect, last, done, ok = exact(expect, last, last_seq)
        return expect, last, count + done, ok
    return expect, last, count, True


Segment = tuple[int, str, int, str, int]  # first seq, its prev_hash, next seq, last hash, count


def _range(database: str, first_id: int, stop_id: int) -> list[Segment]:
    """Verify the rows with ids in [first_id, stop_id) on their own: the runs that pass,
    each as a segment. A piece that fails is left out (the caller verifies the gap the
    exact way) and the next piece starts a new segment."""
    raw = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    segments: list[Segment] = []
    run: list[Any] | None = None  # [first seq, first prev, next seq, last hash, count]
    try:
        raw.execute("PRAGMA cache_size = -100000")
        cursor = raw.execute(BY_ID_RANGE, (first_id, stop_id))
        while chunk := cursor.fetchmany(CHUNK):
            whole = run is not None and rows_ok(chunk, run[2], run[3])
            for rows in [chunk] if whole else _pieces(chunk):
                if run is not None and (whole or rows_ok(rows, run[2], run[3])):
                    run[2:] = [run[2] + len(rows), rows[-1][2], run[4] + len(rows)]
                    continue
                if run is not None:
                    segments.append((run[0], run[1], run[2], run[3], run[4]))
                    run = None
                try:
                    start = seq_of(rows[0])
                except (TypeError, ValueError):
                    continue
                if rows_ok(rows, start, None):
                    run = [start, rows[0][1], start + len(rows), rows[-1][2], len(rows)]
        if run is not None:
            segments.append((run[0], run[1], run[2], run[3], run[4]))
        return segments
    finally:
        raw.close()


def walk_parallel(database: str, first_id: int, last_id: int, workers: int) -> list[Segment]:
    """Verify the rows with ids first_id..last_id in `workers` processes, this one
    included. Returns the verified segments in id order; the caller joins them and
    verifies what lies between the exact way."""
    span = last_id - first_id + 1
    cuts = [first_id + span * i // workers for i in range(workers)] + [last_id + 1]
    jobs = [(database, cuts[i], cuts[i + 1]) for i in range(workers)]
    # Forked workers touch nothing inherited: each opens its own read-only connection.
    with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
        others = pool.starmap_async(_range, jobs[1:])
        pieces = [_range(*jobs[0]), *others.get()]
    return [segment for piece in pieces for segment in piece]
