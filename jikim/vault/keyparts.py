"""Which partition of the key ring holds a subject (PostgreSQL, vault migration 0003).

A shred of many subjects named through the partitioned table either planned one
partition-pruning step per subject (`= ANY`, 255 ms for 10,000) or, joined with the list,
hashed the whole key ring for every batch: 0.65 s per 10,000 keys at a million keys, so a
sweep grew with the square of its size. Routed here, each partition is named directly and
reached by its index alone, at the same cost on any size of key ring.

PostgreSQL places a row by `hashtextextended(subject, HASH_PARTITION_SEED)` combined with
a constant, modulo the number of partitions. That formula is PostgreSQL's internals, so
every routed subject is confirmed by `satisfies_hash_partition`, PostgreSQL's own test of
a partition bound; a subject the formula misplaces is left unrouted, for the caller's
statement over the whole table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from jikim.vault.models import DataKey

# src/include/catalog/partition.h and src/include/common/hashfn.h (hash_combine64).
_SEED: Final = 0x7A5B22367996DCFD
_COMBINE: Final = 0x49A0F4DD15E5A8E3
_BOUND = re.compile(r"FOR VALUES WITH \(modulus (\d+), remainder (\d+)\)")


def partitions(cursor: Any) -> dict[int, str] | None:
    """The key ring's partitions by remainder, or None when it is not in hash partitions
    this module can route to (none, gaps, or a modulus other than a power of two)."""
    cursor.execute(
        # Named as regclass prints them (quoted, schema-qualified where needed), as the
        # shred's RETURNING names them too.
        "SELECT c.oid::regclass::text, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
        [DataKey._meta.db_table],
    )
    found: dict[int, str] = {}
    moduli = set()
    for name, bound in cursor.fetchall():
        match = _BOUND.fullmatch(bound or "")
        if not match:
            return None
        moduli.add(int(match[1]))
        found[int(match[2])] = name
    if len(moduli) != 1:
        return None
    modulus = moduli.pop()
    if modulus & (modulus - 1) or sorted(found) != list(range(modulus)):
        return None
    return found


def route(cursor: Any, subjects: Sequence[str]) -> tuple[dict[str, list[str]], list[str]]:
    """The subjects grouped by the partition that holds (or would hold) them, and those
    left unrouted. Reads nothing of the key ring itself: one statement over the list."""
    named = partitions(cursor)
    if named is None:
        return {}, list(subjects)
    mask = len(named) - 1
    # The low bits of the unsigned 64-bit sum, taken without overflowing a signed bigint.
    cursor.execute(
        "SELECT CASE WHEN satisfies_hash_partition(%s::regclass, %s, r, v) THEN r ELSE -1 END, "
        "array_agg(v) FROM (SELECT v, (((hashtextextended(v, %s) & %s) + %s) & %s)::int AS r "
        "FROM unnest(%s::varchar[]) AS s(v)) x GROUP BY 1",
        [
            DataKey._meta.db_table,
            len(named),
            _SEED,
            mask,
            _COMBINE & mask,
            mask,
            list(subjects),
        ],
    )
    routed: dict[str, list[str]] = {}
    unrouted: list[str] = []
    for remainder, group in cursor.fetchall():
        if remainder < 0:
            unrouted.extend(group)
        else:
            routed[named[remainder]] = group
    return routed, unrouted
