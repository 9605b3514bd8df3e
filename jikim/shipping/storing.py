"""Upserting clean order lines: sealed in bulk, indexed in bulk, idempotent.

A line is keyed by (tenant, marketplace, product-order number). Its content hash (keyed
per tenant, so it reveals nothing) says whether anything changed: importing the same file
twice writes nothing the second time. Callers hold the transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from jikim import clock
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
CHUNK = 500


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    subjects: list[str] = field(default_factory=list)


def content_hash(tenant_id: int, row: CleanRow) -> str:
    payload = json.dumps(
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
        ensure_ascii=False,
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


def _seal_parties(
    parties: Sequence[Party], rows: Sequence[CleanRow], keys: dict[str, keyring.Material]
) -> None:
    for attname, category in PARTY_FIELDS.items():
        plaintexts = [r.party[attname] for r in rows]
        present = [i for i, text in enumerate(plaintexts) if text]
        subjects = [parties[i].subject for i in present]
        tokens = sealing.seal_many(
            category, [keys[s] for s in subjects], subjects, [plaintexts[i] for i in present]
        )
        values: list[Sealed | None] = [None] * len(plaintexts)
        for i, token in zip(present, tokens, strict=True):
            values[i] = Sealed(token)
        for party, value in zip(parties, values, strict=True):
            setattr(party, attname, value)


def _raw_insert(model: type[Any], columns: list[str], values: list[tuple[Any, ...]]) -> None:
    """A plain multi-row INSERT: for the two hot tables of a bulk import, the ORM's per-value
    preparation costs more than sealing the values does."""
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


def _index_entries(
    tenant_id: int, parties: Sequence[Party], rows: Sequence[CleanRow]
) -> list[BlindIndexEntry]:
    entries: list[BlindIndexEntry] = []
    for attname, kinds in INDEXED.items():
        category = PARTY_FIELDS[attname]
        source = f"shipping.Party.{attname}"
        values = [r.party[attname] for r in rows]
        for kind in kinds:
            digests = blind.digest_many(category, kind, tenant_id, values)
            name = blind.index_name(category, kind)
            entries.extend(
                BlindIndexEntry(
                    tenant_id=tenant_id, name=name, digest=d, subject=p.subject, source=source
                )
                for p, d in zip(parties, digests, strict=True)
                if d is not None
            )
    return entries


def _shipment_values(row: CleanRow) -> dict[str, object]:
    return {f: getattr(row, f) for f in SHIPMENT_FIELDS}


def _has_shipment(row: CleanRow) -> bool:
    return any(getattr(row, f) for f in SHIPMENT_FIELDS)


def store(
    tenant: Tenant, rows: Iterable[CleanRow], *, batch: ImportBatch | None = None
) -> StoreResult:
    latest: dict[tuple[str, str], CleanRow] = {}
    for row in rows:  # a line repeated in one file: the last one wins
        latest[(row.marketplace, row.product_order_no)] = row
    unique = list(latest.values())
    result = StoreResult()
    for start in range(0, len(unique), CHUNK):
        _store_chunk(tenant, unique[start : start + CHUNK], batch, result)
    return result


def _store_chunk(
    tenant: Tenant, rows: list[CleanRow], batch: ImportBatch | None, result: StoreResult
) -> None:
    existing = {
        (o.marketplace, o.product_order_no): o
        for o in Order.objects.filter(
            tenant=tenant, product_order_no__in=[r.product_order_no for r in rows]
        ).only("pk", "marketplace", "product_order_no", "content_hash")
    }
    new_rows, changed = [], []
    for row in rows:
        digest = content_hash(tenant.pk, row)
        order = existing.get((row.marketplace, row.product_order_no))
        if order is None:
            new_rows.append((row, digest))
        elif order.content_hash != digest:
            changed.append((order, row, digest))
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
    orders = Order.objects.bulk_create(
        [
            Order(
                tenant=tenant,
                marketplace=row.marketplace,
                product_order_no=row.product_order_no,
                **_order_values(row, digest, batch),
            )
            for row, digest in new_rows
        ]
    )
    rows = [row for row, _ in new_rows]
    parties = [
        Party(
            tenant=tenant,
            order=order,
            role=PartyRole.RECIPIENT,
            subject=new_subject("r"),
            legacy_postcode=row.legacy_postcode,
        )
        for order, row in zip(orders, rows, strict=True)
    ]
    keys = keyring.create([p.subject for p in parties])
    _seal_parties(parties, rows, keys)
    party_columns = ["tenant_id", "order_id", "role", "subject", *PARTY_FIELDS, "legacy_postcode"]
    _raw_insert(
        Party,
        party_columns,
        [
            (
                tenant.pk,
                p.order_id,
                p.role,
                p.subject,
                *[
                    (getattr(p, f).token if getattr(p, f) is not None else None)
                    for f in PARTY_FIELDS
                ],
                p.legacy_postcode,
            )
            for p in parties
        ],
    )
    _raw_insert(
        BlindIndexEntry,
        ["tenant_id", "name", "digest", "subject", "source"],
        [
            (e.tenant_id, e.name, e.digest, e.subject, e.source)
            for e in _index_entries(tenant.pk, parties, rows)
        ],
    )
    Shipment.objects.bulk_create(
        [
            Shipment(tenant=tenant, order=order, **_shipment_values(row))
            for order, row in zip(orders, rows, strict=True)
            if _has_shipment(row)
        ]
    )
    result.new += len(orders)
    result.subjects.extend(p.subject for p in parties)


def _update(
    tenant: Tenant,
    changed: list[tuple[Order, CleanRow, str]],
    batch: ImportBatch | None,
    result: StoreResult,
) -> None:
    orders = []
    for order, row, digest in changed:
        for name, value in _order_values(row, digest, batch).items():
            setattr(order, name, value)
        orders.append(order)
    Order.objects.bulk_update(orders, ORDER_FIELDS)
    by_order = {
        p.order_id: p for p in Party.objects.filter(order__in=orders, role=PartyRole.RECIPIENT)
    }
    parties, rows = [], []
    for order, row, _ in changed:
        party = by_order.get(order.pk)
        if party is None:
            party = Party.objects.create(
                tenant=tenant, order=order, role=PartyRole.RECIPIENT, subject=new_subject("r")
            )
        party.legacy_postcode = row.legacy_postcode
        parties.append(party)
        rows.append(row)
    keys = keyring.ensure([p.subject for p in parties])
    _seal_parties(parties, rows, keys)
    Party.objects.bulk_update(parties, [*PARTY_FIELDS, "legacy_postcode"])
    subjects = [p.subject for p in parties]
    BlindIndexEntry.objects.filter(
        subject__in=subjects, source__startswith="shipping.Party."
    ).delete()
    BlindIndexEntry.objects.bulk_create(_index_entries(tenant.pk, parties, rows), batch_size=2000)
    for order, row, _ in changed:
        if _has_shipment(row):
            Shipment.objects.update_or_create(
                order=order, defaults={"tenant": tenant, **_shipment_values(row)}
            )
    result.updated += len(orders)
    result.subjects.extend(subjects)
