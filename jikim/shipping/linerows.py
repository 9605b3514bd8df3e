"""A line's values laid out as rows of the tables it is stored in: the columns, the
recipient's fields sealed under its key, its blind-index entries, the order's and the
shipment's database-ready values. Shared by new and changed lines (storing.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from jikim.shipping.normalising import CleanRow
from jikim.vault import blind, keyring, sealing

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
# The order's own columns, as `order_row` gives them.
ORDER_FIELDS = [
    "order_no",
    "product_name",
    "option",
    "quantity",
    "amount",
    "ordered_at",
    "paid_at",
    "status",
]
# Columns of the raw inserts of new lines (the bulk import's hot path) …
ORDER_COLUMNS = [
    "tenant_id",
    "marketplace",
    "product_order_no",
    *ORDER_FIELDS,
    "content_hash",
    "created_at",
    "updated_at",
    "batch_id",
]
# … and of a changed line's order (all but its key and creation time).
ORDER_UPDATE_COLUMNS = [*ORDER_FIELDS, "content_hash", "updated_at", "batch_id"]
SHIPMENT_FIELDS = ["courier", "tracking_no", "shipped_at", "delivered_at", "purchase_confirmed_at"]
PARTY_COLUMNS = ["tenant_id", "order_id", "role", "subject", *PARTY_FIELDS, "legacy_postcode"]
INDEX_COLUMNS = ["tenant_id", "name", "digest", "subject", "source"]
SHIPMENT_COLUMNS = ["tenant_id", "order_id", *SHIPMENT_FIELDS]


def sealed_rows(
    rows: Sequence[CleanRow], subjects: Sequence[str], keys: dict[str, keyring.Material]
) -> list[list[str | None]]:
    """Each row's party fields as tokens in PARTY_FIELDS order (None where empty),
    sealed row by row, a recipient's key and AAD looked up once for all its fields."""
    names = list(PARTY_FIELDS)
    return sealing.seal_rows(
        list(PARTY_FIELDS.values()),
        [keys[s] for s in subjects],
        subjects,
        [[r.party[name] for name in names] for r in rows],
    )


def index_rows(
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


def order_row(row: CleanRow, when: Callable[[Any], Any]) -> tuple[Any, ...]:
    """ORDER_FIELDS' database-ready values."""
    return (
        row.order_no[:60],
        row.product_name,
        row.option,
        row.quantity,
        row.amount,
        when(row.ordered_at),
        when(row.paid_at),
        row.status,
    )


def shipment_row(row: CleanRow, when: Callable[[Any], Any]) -> tuple[Any, ...]:
    """SHIPMENT_FIELDS' database-ready values."""
    return (
        row.courier,
        row.tracking_no,
        when(row.shipped_at),
        when(row.delivered_at),
        when(row.purchase_confirmed_at),
    )


def has_shipment(row: CleanRow) -> bool:
    return bool(
        row.courier
        or row.tracking_no
        or row.shipped_at
        or row.delivered_at
        or row.purchase_confirmed_at
    )
