"""A line sent again with a value that cannot be read (a postcode "ABCDE", a date "어제")
keeps the value stored for it. The preview reports the value as unreadable; a good value
already on record is never replaced by a blank because a later file garbled it. A new
line has nothing stored, so it is saved without the value."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from jikim.shipping.linerows import INDEXED, PARTY_FIELDS
from jikim.shipping.models import Order, Party, Shipment
from jikim.shipping.normalising import CleanRow

ORDER_KEPT = ("amount", "ordered_at", "paid_at")
SHIPMENT_KEPT = ("shipped_at", "delivered_at", "purchase_confirmed_at")
PARTY_KEPT = ("phone2", "postcode", "customs_code")
_POSITION = {name: i for i, name in enumerate(PARTY_FIELDS)}

Changed = list[tuple[int, CleanRow, str]]


def with_stored_values(changed: Changed) -> Changed:
    """Changed lines with their unreadable order and shipment values taken from what the
    line has stored (order id, row, content hash, as storing.py passes them)."""
    wanted = [
        pk for pk, row, _ in changed if any(n in row.unreadable for n in ORDER_KEPT + SHIPMENT_KEPT)
    ]
    if not wanted:
        return changed
    orders = {
        pk: dict(zip(ORDER_KEPT, values, strict=True))
        for pk, *values in Order.objects.filter(pk__in=wanted).values_list("pk", *ORDER_KEPT)
    }
    shipments = {
        pk: dict(zip(SHIPMENT_KEPT, values, strict=True))
        for pk, *values in Shipment.objects.filter(order_id__in=wanted).values_list(
            "order_id", *SHIPMENT_KEPT
        )
    }
    out: Changed = []
    for pk, row, digest in changed:
        stored = {**orders.get(pk, {}), **shipments.get(pk, {})}
        kept = {name: value for name, value in stored.items() if name in row.unreadable}
        out.append((pk, dataclasses.replace(row, **kept) if kept else row, digest))
    return out


def keep_stored_party_values(
    row: CleanRow, fields: list[str | None], stored: Party
) -> tuple[list[str | None], bool]:
    """The recipient's sealed fields (PARTY_FIELDS order) with each unreadable one put
    back as stored (it is sealed under the same key), and the legacy-postcode flag that
    goes with the postcode kept."""
    legacy = row.legacy_postcode
    if not any(name in row.unreadable for name in PARTY_KEPT):
        return fields, legacy
    fields = list(fields)
    for name in PARTY_KEPT:
        if name in row.unreadable:
            sealed: Any = getattr(stored, name)
            fields[_POSITION[name]] = None if sealed is None else sealed.token
            if name == "postcode":
                legacy = stored.legacy_postcode
    return fields, legacy


def kept_index_sources(rows: Sequence[CleanRow], subjects: Sequence[str]) -> set[tuple[str, str]]:
    """(subject, source) of the blind-index entries of kept values: they stay as they are."""
    return {
        (subject, f"shipping.Party.{name}")
        for row, subject in zip(rows, subjects, strict=True)
        for name in row.unreadable
        if name in INDEXED
    }
