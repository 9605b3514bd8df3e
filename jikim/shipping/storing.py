"""Upserting clean order lines: sealed in bulk, indexed in bulk, idempotent.

A line is keyed by (tenant, marketplace, product-order number). Its content hash (keyed
per tenant, so it reveals nothing) says whether anything changed: importing the same file
twice writes nothing the second time. Callers hold the transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from jikim import clock, pagecache
from jikim.accounts.models import Tenant
from jikim.shipping.models import ImportBatch, Order, Party, PartyRole, Shipment
from jikim.shipping.normalising import CleanRow
from jikim.vault import blind, keyring, sealing
from jikim.vault.fields import Sealed, new_subject
from jikim.vault.models import BlindIndexEntry

PARTY_FIELDS = {
    "name": "recipient.name",
    "phone1": "recipient.phone",
    "phone2": "recipient.phone",
    "postcode": "recipient.postcode",
    "address_base": "recipient.address",
    "address_detail": "recipient.address",
    "message": "recipient.delivery_message",
    "customs_code": "recipient.customs_code",
}
INDEXED = {"name": ("name",), "phone1": ("phone", "last4"), "phone2": ("phone", "last4")}
ORDER_FIELDS = [
    "order_no",
    "product_name",
    "option",
    "quantity",
    "amount",
    "ordered_at",
    "paid_at",
    "status",
    "content_hash",
    "updated_at",
    "batch",
]
SHIPMENT_FIELDS = ["courier", "tracking_no", "shipped_at", "delivered_at", "purchase_confirmed_at"]
# Columns of the raw inserts of new lines (the bulk import's hot path).
ORDER_COLUMNS = [
    "tenant_id",
    "marketplace",
    "product_order_no",
    "order_no",
    "product_name",
    "option",
    "quantity",
    "amount",
    "ordered_at",
    "paid_at",
    "status",
    "content_hash",
    "created_at",
    "updated_at",
    "batch_id",
]
PARTY_COLUMNS = ["tenant_id", "order_id", "role", "subject", *PARTY_FIELDS, "legacy_postcode"]
INDEX_COLUMNS = ["tenant_id", "name", "digest", "subject", "source"]
SHIPMENT_COLUMNS = ["tenant_id", "order_id", *SHIPMENT_FIELDS]
# Rows per store step, and parameters per IN list (under SQLite's conservative limit of 999).
CHUNK = 900
LOOKUP_CHUNK = 900  # +2 for tenant and marketplace


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    subjects: list[str] = field(default_factory=list)


# json.dumps with any option builds a new encoder per call; one encoder, the same bytes.
_JSON = json.JSONEncoder(ensure_ascii=False)


def content_hash(tenant_id: int, row: CleanRow) -> str:
    payload = _JSON.encode(
        [
            row.marketplace,
            row.order_no,
            row.product_name,
            row.option,
            row.quantity,
            row.amount,
            str(row.ordered_at),
            str(row.paid_at),
            row.status,
            sorted(row.party.items()),
            row.legacy_postcode,
            row.courier,
            row.tracking_no,
            str(row.shipped_at),
            str(row.delivered_at),
            str(row.purchase_confirmed_at),
        ],
    ).encode()
    return hashlib.sha256(blind.keyed_mac("order/content", tenant_id)(payload)).hexdigest()


def _order_values(row: CleanRow, digest: str, batch: ImportBatch | None) -> dict[str, object]:
    return {
        "order_no": row.order_no[:60],
        "product_name": row.product_name,
        "option": row.option,
        "quantity": row.quantity,
        "amount": row.amount,
        "ordered_at": row.ordered_at,
        "paid_at": row.paid_at,
        "status": row.status,
        "content_hash": digest,
        "updated_at": clock.now(),
        "batch": batch,
    }


def _sealed_columns(
    rows: Sequence[CleanRow], subjects: Sequence[str], keys: dict[str, keyring.Material]
) -> list[list[str | None]]:
    """Each party field's tokens (None where empty), one column per field of PARTY_FIELDS."""
    columns: list[list[str | None]] = []
    for attname, category in PARTY_FIELDS.items():
        plaintexts = [r.party[attname] for r in rows]
        present = [i for i, text in enumerate(plaintexts) if text]
        tokens = sealing.seal_many(
            category,
            [keys[subjects[i]] for i in present],
            [subjects[i] for i in present],
            [plaintexts[i] for i in present],
        )
        column: list[str | None] = [None] * len(plaintexts)
        for i, token in zip(present, tokens, strict=True):
            column[i] = token
        columns.append(column)
    return columns


def _raw_insert(model: type[Any], columns: list[str], values: list[tuple[Any, ...]]) -> None:
    """A plain multi-row INSERT: for the hot tables of a bulk import, the ORM's per-value
    preparation costs more than sealing the values does. Callers pass database-ready
    values (datetimes through `_db_datetime`)."""
    if not values:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(values), 2000):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - names from the model
                values[start : start + 2000],
            )


def existing_lines(
    tenant_id: int, keys: Iterable[tuple[str, str]]
) -> list[tuple[int, str, str, str]]:
    """(pk, marketplace, product-order number, content hash) of the tenant's lines with these
    (marketplace, number) keys. Raw SQL: the ORM's per-parameter preparation of long IN
    lists costs more than the query itself. The marketplace is always given, so that the
    unique index (tenant, marketplace, number) answers: without it, a look-up walks every
    line of the tenant, and an import of N lines would take N**2 steps."""
    by_marketplace: dict[str, list[str]] = {}
    for marketplace, number in keys:
        by_marketplace.setdefault(marketplace, []).append(number)
    table = connection.ops.quote_name(Order._meta.db_table)
    out: list[tuple[int, str, str, str]] = []
    with connection.cursor() as cursor:
        for marketplace, numbers in by_marketplace.items():
            for start in range(0, len(numbers), LOOKUP_CHUNK):
                part = numbers[start : start + LOOKUP_CHUNK]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    "SELECT id, marketplace, product_order_no, content_hash "  # noqa: S608
                    f"FROM {table} WHERE tenant_id = %s AND marketplace = %s "
                    f"AND product_order_no IN ({marks})",
                    [tenant_id, marketplace, *part],
                )
                out.extend(cursor.fetchall())
    return out


def _db_datetime() -> Callable[[dt.datetime | None], Any]:
    """The database form of a datetime, as the ORM would write it; memoised, because the
    dates of one file repeat (a marketplace stamps a whole batch of orders alike)."""
    adapt = connection.ops.adapt_datetimefield_value
    seen: dict[dt.datetime, Any] = {}

    def convert(value: dt.datetime | None) -> Any:
        if value is None:
            return None
        out = seen.get(value)
        if out is None:
            out = seen[value] = adapt(value)
        return out

    return convert


def _index_rows(
    tenant_id: int, subjects: Sequence[str], rows: Sequence[CleanRow]
) -> list[tuple[int, str, int, str, str]]:
    """Blind-index entries as INDEX_COLUMNS tuples."""
    entries: list[tuple[int, str, int, str, str]] = []
    for attname, kinds in INDEXED.items():
        category = PARTY_FIELDS[attname]
        source = f"shipping.Party.{attname}"
        values = [r.party[attname] for r in rows]
        for kind in kinds:
            digests = blind.digest_many(category, kind, tenant_id, values)
            name = blind.index_name(category, kind)
            entries.extend(
                (tenant_id, name, d, s, source)
                for s, d in zip(subjects, digests, strict=True)
                if d is not None
            )
    return entries


def _shipment_values(row: CleanRow) -> dict[str, object]:
    return {f: getattr(row, f) for f in SHIPMENT_FIELDS}


def _has_shipment(row: CleanRow) -> bool:
    return bool(
        row.courier
        or row.tracking_no
        or row.shipped_at
        or row.delivered_at
        or row.purchase_confirmed_at
    )


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
    with pagecache.larger("default") if len(unique) >= 5 * CHUNK else contextlib.nullcontext():
        for start in range(0, len(unique), CHUNK):
            _store_chunk(tenant, unique[start : start + CHUNK], batch, result)
    return result


def _store_chunk(
    tenant: Tenant, rows: list[CleanRow], batch: ImportBatch | None, result: StoreResult
) -> None:
    existing = {
        (marketplace, number): (pk, known)
        for pk, marketplace, number, known in existing_lines(
            tenant.pk, [(r.marketplace, r.product_order_no) for r in rows]
        )
    }
    new_rows: list[tuple[CleanRow, str]] = []
    changed: list[tuple[int, CleanRow, str]] = []
    for row in rows:
        digest = content_hash(tenant.pk, row)
        found = existing.get((row.marketplace, row.product_order_no))
        if found is None:
            new_rows.append((row, digest))
        elif found[1] != digest:
            changed.append((found[0], row, digest))
        else:
            result.unchanged += 1
    if new_rows:
        _insert(tenant, new_rows, batch, result)
    if changed:
        _update(tenant, changed, batch, result)


def _insert(
    tenant: Tenant,
    new_rows: list[tuple[CleanRow, str]],
    batch: ImportBatch | None,
    result: StoreResult,
) -> None:
    """New lines with raw inserts: orders, then (once their ids are known) recipients,
    index entries and shipments. The recipients' keys commit on their own before the
    recipients exist: a kill in between leaves keys without recipients, which the
    orphan-key clean-up removes, never sealed data without a key."""
    tenant_id = tenant.pk
    batch_id = None if batch is None else batch.pk
    when = _db_datetime()
    now = when(clock.now())
    _raw_insert(
        Order,
        ORDER_COLUMNS,
        [
            (
                tenant_id,
                row.marketplace,
                row.product_order_no,
                row.order_no[:60],
                row.product_name,
                row.option,
                row.quantity,
                row.amount,
                when(row.ordered_at),
                when(row.paid_at),
                row.status,
                digest,
                now,
                now,
                batch_id,
            )
            for row, digest in new_rows
        ],
    )
    rows = [row for row, _ in new_rows]
    ids = {
        (marketplace, number): pk
        for pk, marketplace, number, _ in existing_lines(
            tenant_id, [(r.marketplace, r.product_order_no) for r in rows]
        )
    }
    order_ids = [ids[(r.marketplace, r.product_order_no)] for r in rows]
    subjects = [new_subject("r") for _ in rows]
    keys = keyring.create(subjects)
    sealed = _sealed_columns(rows, subjects, keys)
    role = PartyRole.RECIPIENT.value
    _raw_insert(
        Party,
        PARTY_COLUMNS,
        [
            (tenant_id, order_id, role, subject, *fields, row.legacy_postcode)
            for order_id, subject, row, *fields in zip(
                order_ids, subjects, rows, *sealed, strict=True
            )
        ],
    )
    _raw_insert(BlindIndexEntry, INDEX_COLUMNS, _index_rows(tenant_id, subjects, rows))
    _raw_insert(
        Shipment,
        SHIPMENT_COLUMNS,
        [
            (
                tenant_id,
                order_id,
                row.courier,
                row.tracking_no,
                when(row.shipped_at),
                when(row.delivered_at),
                when(row.purchase_confirmed_at),
            )
            for order_id, row in zip(order_ids, rows, strict=True)
            if _has_shipment(row)
        ],
    )
    result.new += len(rows)
    result.subjects.extend(subjects)


def _update(
    tenant: Tenant,
    changed: list[tuple[int, CleanRow, str]],
    batch: ImportBatch | None,
    result: StoreResult,
) -> None:
    found = Order.objects.in_bulk([pk for pk, _, _ in changed])
    orders = []
    for pk, row, digest in changed:
        order = found[pk]
        for name, value in _order_values(row, digest, batch).items():
            setattr(order, name, value)
        orders.append(order)
    Order.objects.bulk_update(orders, ORDER_FIELDS)
    by_order = {
        p.order_id: p for p in Party.objects.filter(order__in=orders, role=PartyRole.RECIPIENT)
    }
    parties, rows = [], []
    for order, (_, row, _) in zip(orders, changed, strict=True):
        party = by_order.get(order.pk)
        if party is None:
            party = Party.objects.create(
                tenant=tenant, order=order, role=PartyRole.RECIPIENT, subject=new_subject("r")
            )
        party.legacy_postcode = row.legacy_postcode
        parties.append(party)
        rows.append(row)
    subjects = [p.subject for p in parties]
    keys = keyring.ensure(subjects)
    for attname, column in zip(PARTY_FIELDS, _sealed_columns(rows, subjects, keys), strict=True):
        for party, token in zip(parties, column, strict=True):
            setattr(party, attname, None if token is None else Sealed(token))
    Party.objects.bulk_update(parties, [*PARTY_FIELDS, "legacy_postcode"])
    BlindIndexEntry.objects.filter(
        subject__in=subjects, source__startswith="shipping.Party."
    ).delete()
    _raw_insert(BlindIndexEntry, INDEX_COLUMNS, _index_rows(tenant.pk, subjects, rows))
    for order, (_, row, _) in zip(orders, changed, strict=True):
        if _has_shipment(row):
            Shipment.objects.update_or_create(
                order=order, defaults={"tenant": tenant, **_shipment_values(row)}
            )
    result.updated += len(orders)
    result.subjects.extend(subjects)
