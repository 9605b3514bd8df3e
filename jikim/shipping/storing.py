"""Upserting clean order lines: sealed in bulk, indexed in bulk, idempotent.

A line is keyed by (tenant, marketplace, product-order number). Its content hash (see
contenthash.py) says whether anything changed: importing the same file twice writes
nothing the second time. Callers hold the transaction.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from jikim import clock, pagecache
from jikim.accounts.models import Tenant
from jikim.bulkinsert import insert_rows
from jikim.shipping import gcpause, search
from jikim.shipping.contenthash import content_hash, content_hasher
from jikim.shipping.linerows import (
    INDEX_COLUMNS,
    ORDER_COLUMNS,
    ORDER_UPDATE_COLUMNS,
    PARTY_COLUMNS,
    PARTY_FIELDS,
    SHIPMENT_COLUMNS,
    SHIPMENT_FIELDS,
    has_shipment,
    index_rows,
    order_row,
    sealed_rows,
    shipment_row,
)
from jikim.shipping.linesql import (
    db_datetime,
    existing_lines,
    new_ids,
    raw_insert,
    raw_update,
    shipments_of,
)
from jikim.shipping.models import ImportBatch, Order, Party, PartyRole, Shipment
from jikim.shipping.normalising import CleanRow
from jikim.shipping.unreadable import (
    keep_stored_party_values,
    kept_index_sources,
    with_stored_values,
)
from jikim.shipping.writer import Writer
from jikim.vault import keyring
from jikim.vault.fields import new_subject
from jikim.vault.models import BlindIndexEntry

__all__ = ["StoreResult", "content_hash", "existing_lines", "store"]

# Rows per store step (and per IN list of its look-ups, see linesql.py).
CHUNK = 900
# From this many lines on PostgreSQL, the writes overlap the preparing (writer.py).
OVERLAP_FROM = 2 * CHUNK


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    subjects: list[str] = field(default_factory=list)


def store(
    tenant: Tenant, rows: Iterable[CleanRow], *, batch: ImportBatch | None = None
) -> StoreResult:
    latest: dict[tuple[str, str], CleanRow] = {}
    for row in rows:  # a line repeated in one file: the last one wins
        latest[(row.marketplace, row.product_order_no)] = row
    unique = list(latest.values())
    del latest
    result = StoreResult()
    # A larger SQLite page cache only for imports big enough to need it.
    big = len(unique) >= 5 * CHUNK
    with (
        gcpause.paused(),
        pagecache.larger("default") if big else contextlib.nullcontext(),
    ):
        hasher = content_hasher(tenant.pk)
        # Lines are keyed per marketplace, and rows repeated in the file are folded above:
        # in a marketplace the tenant has no line in yet, every row is new, and no chunk
        # needs to look its numbers up (a first import of a large file).
        # A store of one chunk looks its numbers up in one query anyway: no need to ask.
        fresh = (
            {m for m in {r.marketplace for r in unique} if not _has_lines(tenant.pk, m)}
            if len(unique) > CHUNK
            else set()
        )
        # Only inside the caller's transaction: the writes then stand or fall together.
        if (
            connection.vendor == "postgresql"
            and connection.in_atomic_block
            and len(unique) > OVERLAP_FROM
        ):
            _store_overlapped(tenant, unique, batch, result, hasher, fresh)
        else:
            for start in range(0, len(unique), CHUNK):
                chunk = unique[start : start + CHUNK]
                new_rows, changed = _classify(tenant.pk, chunk, hasher, fresh, result)
                if new_rows:
                    _write(_insert(tenant, new_rows, batch, result), connection)
                if changed:
                    _update(tenant, changed, batch, result)
    return result


def _store_overlapped(
    tenant: Tenant,
    unique: list[CleanRow],
    batch: ImportBatch | None,
    result: StoreResult,
    hasher: Callable[[CleanRow], str],
    fresh: set[str],
) -> None:
    """Every read first (which lines exist, the new orders' ids), the changed lines, then
    the new ones chunk by chunk, each written by the writer thread while the next is
    sealed and indexed (writer.py). The keys stay with this thread: committed in the key
    ring's own server process, they overlap both the writer's and this thread's work."""
    new_rows: list[tuple[CleanRow, str]] = []
    changed: list[tuple[int, CleanRow, str]] = []
    for start in range(0, len(unique), CHUNK):
        chunk_new, chunk_changed = _classify(
            tenant.pk, unique[start : start + CHUNK], hasher, fresh, result
        )
        new_rows.extend(chunk_new)
        changed.extend(chunk_changed)
    for start in range(0, len(changed), CHUNK):
        _update(tenant, changed[start : start + CHUNK], batch, result)
    ids = new_ids(Order, len(new_rows)) or []
    with Writer() as writer:
        for start in range(0, len(new_rows), CHUNK):
            end = start + CHUNK
            writes = _insert(tenant, new_rows[start:end], batch, result, ids[start:end])
            writer.submit(functools.partial(_write, writes))


def _has_lines(tenant_id: int, marketplace: str) -> bool:
    return Order.objects.filter(tenant_id=tenant_id, marketplace=marketplace).exists()


def _classify(
    tenant_id: int,
    rows: list[CleanRow],
    hasher: Callable[[CleanRow], str],
    fresh: set[str],
    result: StoreResult,
) -> tuple[list[tuple[CleanRow, str]], list[tuple[int, CleanRow, str]]]:
    """The chunk's new lines (row, content hash) and changed ones (order id, row, hash);
    unchanged ones are only counted."""
    known = [r for r in rows if r.marketplace not in fresh]
    existing: dict[tuple[str, str], tuple[int, str]] = {}
    if known:
        existing = {
            (marketplace, number): (pk, digest)
            for pk, marketplace, number, digest in existing_lines(
                tenant_id, [(r.marketplace, r.product_order_no) for r in known]
            )
        }
    new_rows: list[tuple[CleanRow, str]] = []
    changed: list[tuple[int, CleanRow, str]] = []
    for row in rows:
        digest = hasher(row)
        found = existing.get((row.marketplace, row.product_order_no))
        if found is None:
            new_rows.append((row, digest))
        elif found[1] != digest:
            changed.append((found[0], row, digest))
        else:
            result.unchanged += 1
    return new_rows, changed


# New rows of one table, for `_write`: (model, columns, database-ready values).
Write = tuple[type[Any], list[str], list[tuple[Any, ...]]]


def _write(writes: list[Write], using: BaseDatabaseWrapper) -> None:
    for model, columns, values in writes:
        insert_rows(using, model._meta.db_table, columns, values)


def _insert(
    tenant: Tenant,
    new_rows: list[tuple[CleanRow, str]],
    batch: ImportBatch | None,
    result: StoreResult,
    ids: list[int] | None = None,
) -> list[Write]:
    """New lines as raw inserts, returned for the caller to write in order: orders, their
    recipients, index entries and shipments. The orders' `ids` come drawn, or are drawn
    here; where the database gives ids only on insert, the orders are written here and
    read back. The recipients' keys commit on their own here, before the recipients
    exist: a kill in between leaves keys without recipients, which the orphan-key
    clean-up removes, never sealed data without a key."""
    tenant_id = tenant.pk
    batch_id = None if batch is None else batch.pk
    when = db_datetime()
    now = when(clock.now())
    orders = [
        (
            tenant_id,
            row.marketplace,
            row.product_order_no,
            *order_row(row, when),
            digest,
            now,
            now,
            batch_id,
        )
        for row, digest in new_rows
    ]
    rows = [row for row, _ in new_rows]
    writes: list[Write] = []
    drawn = ids or new_ids(Order, len(orders))
    if drawn is not None:
        order_columns = ["id", *ORDER_COLUMNS]
        writes.append(
            (Order, order_columns, [(pk, *o) for pk, o in zip(drawn, orders, strict=True)])
        )
        order_ids = drawn
    else:
        raw_insert(Order, ORDER_COLUMNS, orders)
        stored = {
            (marketplace, number): pk
            for pk, marketplace, number, _ in existing_lines(
                tenant_id, [(r.marketplace, r.product_order_no) for r in rows]
            )
        }
        order_ids = [stored[(r.marketplace, r.product_order_no)] for r in rows]
    # Random ids either way; given out in order, each batch of inserts lands in one run of
    # the subject indexes (recipients, index entries, key ring) instead of all over them.
    subjects = sorted(new_subject("r") for _ in rows)
    keys = keyring.create(subjects)
    role = PartyRole.RECIPIENT.value
    writes.append(
        (
            Party,
            PARTY_COLUMNS,
            [
                (tenant_id, order_id, role, subject, *fields, row.legacy_postcode)
                for order_id, subject, row, fields in zip(
                    order_ids, subjects, rows, sealed_rows(rows, subjects, keys), strict=True
                )
            ],
        )
    )
    writes.append((BlindIndexEntry, INDEX_COLUMNS, index_rows(tenant_id, subjects, rows)))
    writes.append(
        (
            Shipment,
            SHIPMENT_COLUMNS,
            [
                (tenant_id, order_id, *shipment_row(row, when))
                for order_id, row in zip(order_ids, rows, strict=True)
                if has_shipment(row)
            ],
        )
    )
    result.new += len(rows)
    result.subjects.extend(subjects)
    return writes


def _update(
    tenant: Tenant,
    changed: list[tuple[int, CleanRow, str]],
    batch: ImportBatch | None,
    result: StoreResult,
) -> None:
    """Changed lines, written out as new ones are: the orders' columns, the recipients
    sealed again under their own keys, their index entries replaced, the shipments set."""
    tenant_id = tenant.pk
    batch_id = None if batch is None else batch.pk
    when = db_datetime()
    now = when(clock.now())
    changed = with_stored_values(changed)
    raw_update(
        Order,
        ORDER_UPDATE_COLUMNS,
        [(*order_row(row, when), digest, now, batch_id, pk) for pk, row, digest in changed],
    )
    order_ids = [pk for pk, _, _ in changed]
    rows = [row for _, row, _ in changed]
    known = {p.order_id: p for p in search.recipients_of(order_ids)}
    # A line stored without a recipient gets one; its key commits before its data.
    subjects = [known[o].subject if o in known else new_subject("r") for o in order_ids]
    keys = keyring.ensure(subjects)
    parties = list(zip(order_ids, subjects, rows, sealed_rows(rows, subjects, keys), strict=True))
    updates = []
    for o, _, row, fields in parties:
        if o in known:
            kept, legacy = keep_stored_party_values(row, fields, known[o])
            updates.append((*kept, legacy, known[o].pk))
    raw_update(Party, [*PARTY_FIELDS, "legacy_postcode"], updates)
    role = PartyRole.RECIPIENT.value
    raw_insert(
        Party,
        PARTY_COLUMNS,
        [
            (tenant_id, o, role, subject, *fields, row.legacy_postcode)
            for o, subject, row, fields in parties
            if o not in known
        ],
    )
    # Entries of a kept value stay: read before the line's entries are replaced.
    staying = kept_index_sources(
        [r for o, _, r, _ in parties if o in known], [s for o, s, _, _ in parties if o in known]
    )
    still = (
        [
            entry
            for entry in BlindIndexEntry.objects.filter(
                subject__in=sorted({subject for subject, _ in staying}),
                source__in=sorted({source for _, source in staying}),
            ).values_list(*INDEX_COLUMNS)
            if (entry[3], entry[4]) in staying
        ]
        if staying
        else []
    )
    BlindIndexEntry.objects.filter(
        subject__in=subjects, source__startswith="shipping.Party."
    ).delete()
    fresh = [e for e in index_rows(tenant_id, subjects, rows) if (e[3], e[4]) not in staying]
    raw_insert(BlindIndexEntry, INDEX_COLUMNS, [*fresh, *still])
    # A line sent again without shipping details keeps the shipment it has.
    shipping = {
        o: shipment_row(row, when)
        for o, row in zip(order_ids, rows, strict=True)
        if has_shipment(row)
    }
    shipments = shipments_of(list(shipping))
    raw_update(
        Shipment,
        SHIPMENT_FIELDS,
        [(*values, shipments[o]) for o, values in shipping.items() if o in shipments],
    )
    raw_insert(
        Shipment,
        SHIPMENT_COLUMNS,
        [(tenant_id, o, *values) for o, values in shipping.items() if o not in shipments],
    )
    result.updated += len(changed)
    result.subjects.extend(subjects)
