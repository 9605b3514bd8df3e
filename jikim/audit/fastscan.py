"""The SQLite fast path of `verify`. SQLite builds, with one `printf` per row, the bytes
`prev_hash ‖ body ‖ hash`; Python checks a chunk of rows at a time with C-level `map`s
(no Python loop per record): each hash is the SHA-256 of its `prev_hash ‖ body`, and each
prev_hash is the hash of the row before. A long chain is split between processes (one per
CPU, AUDIT_VERIFY_WORKERS), each with its own read-only connection, and the pieces are
joined by their boundary hashes.

It only ever *accepts*: a chunk passes when every hash matches, which means its bytes are
exactly the canonical bytes chained at append time (the stored JSON is hashed as stored: it
was written canonically). Anything else — a damaged row, an equal JSON value spelled
otherwise, a time stored without its fraction, rows out of order — sends that stretch to
the exact path in `scan`, which decides and names the problem.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

_TABLE = "audit_accessrecord"
_BYTES = (
    "CAST(printf('%s%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s%s', "
    "prev_hash, seq, at, actor_id, actor_name, tenant_id, ip, action, subjects, purpose, "
    "reason, request_id, detail, hash) AS BLOB)"
)
# Rows in physical (rowid) order, which is append order: a plain table scan, much cheaper
# than walking the seq index. Rows out of that order fail the checks and go the exact way.
BY_SEQ_RANGE = (
    f"SELECT {_BYTES} FROM {_TABLE} "  # noqa: S608 - constant SQL
    "WHERE +seq >= ? AND +seq <= ? ORDER BY id"
)
BY_ID_RANGE = (
    f"SELECT {_BYTES} FROM {_TABLE} "  # noqa: S608 - constant SQL
    "WHERE id >= ? AND id < ? ORDER BY id"
)
CHUNK = 5000

_row = itemgetter(0)
_prev = itemgetter(slice(0, 64))
_chained = itemgetter(slice(0, -64))
_stored = itemgetter(slice(-64, None))
_sha256 = hashlib.sha256
_hexdigest = type(hashlib.sha256()).hexdigest


def seq_of(data: bytes) -> int:
    return int(data[64 : data.index(b"\x1f", 64)])


def hashed(data: bytes) -> str:
    """The stored hash at the end of a row's bytes."""
    return data[-64:].decode("ascii")


def chunk_ok(datas: Sequence[bytes], expect: int, last: bytes | None) -> bool:
    """The rows run on from seq `expect` without a gap, the first links to `last` (unless
    None), each links to the one before, and every hash matches its bytes."""
    try:
        if seq_of(datas[0]) != expect or seq_of(datas[-1]) != expect + len(datas) - 1:
            return False
        prevs, stored = list(map(_prev, datas)), list(map(_stored, datas))
        if (last is not None and prevs[0] != last) or prevs[1:] != stored[:-1]:
            return False
        digests = map(str.encode, map(_hexdigest, map(_sha256, map(_chained, datas))))
        return list(digests) == stored
    except (TypeError, ValueError):  # a NULL or a mangled seq
        return False


def sqlite_chunks(raw: sqlite3.Connection, expect: int, last_seq: int) -> Iterator[list[bytes]]:
    cursor = raw.execute(BY_SEQ_RANGE, (expect, last_seq))
    while rows := cursor.fetchmany(CHUNK):
        yield list(map(_row, rows))


def walk(
    chunks: Iterable[list[bytes]],
    expect: int,
    last: str,
    last_seq: int,
    exact: Callable[[int, str, int], tuple[int, str, int, bool]],
) -> tuple[int, str, int, bool]:
    """Verify seq `expect`..`last_seq` from chunks of rows' bytes. `exact(expect, last,
    upto)` verifies a stretch the slow way and returns (expect, last, count, ok). Returns
    (expect, last, count, ok)."""
    count = 0
    if expect > last_seq:
        return expect, last, count, True
    for datas in chunks:
        if chunk_ok(datas, expect, last.encode()):
            expect, last = expect + len(datas), hashed(datas[-1])
            count += len(datas)
            continue
        try:
            top = min(max(map(seq_of, datas)), last_seq)
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
    """Verify the rows with ids in [first_id, stop_id) on their own: the runs of chunks that
    pass, each as a segment. A chunk that fails is left out (the caller verifies the gap the
    exact way) and the next chunk starts a new segment."""
    raw = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    segments: list[Segment] = []
    run: list[Any] | None = None  # [first seq, first prev, next seq, last hash, count]

    def close() -> None:
        if run is not None:
            segments.append(
                (run[0], run[1].decode("ascii"), run[2], run[3].decode("ascii"), run[4])
            )

    try:
        raw.execute("PRAGMA cache_size = -100000")
        cursor = raw.execute(BY_ID_RANGE, (first_id, stop_id))
        while rows := cursor.fetchmany(CHUNK):
            datas = list(map(_row, rows))
            if run is None:
                try:
                    start = seq_of(datas[0])
                except (TypeError, ValueError):
                    continue
                if chunk_ok(datas, start, None):
                    run = [
                        start,
                        _prev(datas[0]),
                        start + len(datas),
                        _stored(datas[-1]),
                        len(datas),
                    ]
            elif chunk_ok(datas, run[2], run[3]):
                run[2], run[3], run[4] = (
                    run[2] + len(datas),
                    _stored(datas[-1]),
                    run[4] + len(datas),
                )
            else:
                close()
                run = None
        close()
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
