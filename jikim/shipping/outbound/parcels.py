"""합포장 in the files-out flow: which lines of a courier sheet share a box, the record of it
that the courier's result file is matched against, and the count shown before downloading.

The rule itself (same order, same recipient at the same address) is in
``exports.parcels``; it compares the recipient's data only inside the download that reveals
it for the sheet. Everywhere else recipients are told apart by their blind-index digests,
so no one's data is decrypted to count or to match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jikim.accounts.models import Tenant
from jikim.shipping.exports.parcels import group_lines, recipient_key
from jikim.shipping.models import Order, ParcelLine, Party, PartyRole, Shipment
from jikim.vault import access, blind
from jikim.vault.models import BlindIndexEntry

_CHUNK = 500


def sheet_parcels(
    rows: Sequence[Mapping[str, object]], lines: Sequence[Order], *, combine: bool
) -> list[list[int]]:
    """Positions of the sheet rows that go in one box, first line first.

    Combined only within one order of one marketplace, for one recipient at one address,
    and never across different tracking numbers a line already has (a sheet of all orders
    keeps boxes that left apart, apart).
    """
    if not combine:
        return [[position] for position in range(len(rows))]
    keys: list[Hashable | None] = []
    for row, line in zip(rows, lines, strict=True):
        who = recipient_key(row)
        keys.append(
            None
            if who is None
            else (line.marketplace, line.order_no, str(row.get("tracking_no") or ""), who)
        )
    return group_lines(keys)


def remember_parcels(tenant: Tenant, parcels: Sequence[Sequence[Order]]) -> None:
    """Record which lines the sheet put in one box, under the line whose number it printed.

    Every line of the sheet forgets the box an earlier sheet put it in, first: the result
    file a seller uploads next is the one for the newest sheet, and a line that now has a
    row of its own must not take another line's tracking number.
    """
    ids = [line.pk for parcel in parcels for line in parcel]
    # Two sheets made at once (a double click, two staff) take turns: otherwise the second
    # one's insert meets the first one's rows on the one-box-per-line key and fails.
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        ParcelLine.objects.filter(tenant=tenant).filter(
            Q(order_id__in=chunk) | Q(head_id__in=chunk)
        ).delete()
    ParcelLine.objects.bulk_create(
        [
            ParcelLine(tenant=tenant, order_id=line.pk, head_id=parcel[0].pk)
            for parcel in parcels
            if len(parcel) > 1
            for line in parcel
        ],
        batch_size=_CHUNK,
    )


def parcel_members(tenant: Tenant, heads: Sequence[int]) -> dict[int, list[Order]]:
    """The lines of each parcel headed by one of ``heads`` (order ids), head first: only the
    tenant's own parcels."""
    members: dict[int, list[Order]] = defaultdict(list)
    for start in range(0, len(heads), _CHUNK):
        found = (
            ParcelLine.objects.filter(tenant=tenant, head_id__in=heads[start : start + _CHUNK])
            .select_related("order")
            .only(
                "head_id",
                "order__tenant_id",
                "order__order_no",
                "order__product_order_no",
                "order__product_name",
            )
            .order_by("pk")
        )
        for entry in found:
            members[entry.head_id].append(entry.order)
    # The head first: its number is the one the sheet printed.
    return {
        head: sorted(lines, key=lambda line: line.pk != head) for head, lines in members.items()
    }


# --- recipients told apart without decrypting ---------------------------------------------

_NAME_INDEX = blind.index_name("recipient.name", "name")
_PHONE_INDEX = blind.index_name("recipient.phone", "phone")


def recipient_prints(
    tenant: Tenant, subjects: Sequence[str]
) -> dict[str, frozenset[tuple[str, int]]]:
    """Each recipient's blind-index entries for name and telephone numbers (keyed digests):
    equal prints mean the same name and the same numbers. A subject without a name entry
    has no print (its data was destroyed, or it has no name)."""
    prints: dict[str, set[tuple[str, int]]] = defaultdict(set)
    unique = sorted(set(subjects))
    for start in range(0, len(unique), _CHUNK):
        entries = BlindIndexEntry.objects.filter(
            tenant_id=tenant.pk,
            name__in=(_NAME_INDEX, _PHONE_INDEX),
            subject__in=unique[start : start + _CHUNK],
        ).values_list("subject", "name", "digest")
        for subject, name, digest in entries:
            prints[subject].add((name, digest))
    return {
        subject: frozenset(found)
        for subject, found in prints.items()
        if any(name == _NAME_INDEX for name, _ in found)
    }


@dataclass(frozen=True)
class ParcelCount:
    lines: int  # order lines the sheet would hold
    parcels: int  # rows (boxes) it would have, as far as can be told before reading

    @property
    def combined(self) -> int:
        return self.lines - self.parcels


def estimate_parcels(tenant: Tenant, orders: QuerySet[Order]) -> ParcelCount:
    """How many boxes a combined sheet of ``orders`` would have, told without reading anyone's
    data: lines of one order whose recipients share name and numbers (blind-index digests).
    Addresses are compared only in the download itself, so the sheet can have more boxes,
    never fewer. Frozen and destroyed recipients are left out, as the sheet leaves them."""
    rows = list(
        Party.objects.filter(tenant=tenant, role=PartyRole.RECIPIENT, order__in=orders)
        .order_by()
        .values_list("order_id", "subject", "order__marketplace", "order__order_no")
    )
    held = access.frozen({subject for _, subject, _, _ in rows})
    rows = [row for row in rows if row[1] not in held]
    tracking: dict[int, str] = {}
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), _CHUNK):
        tracking.update(
            Shipment.objects.filter(order_id__in=ids[start : start + _CHUNK]).values_list(
                "order_id", "tracking_no"
            )
        )
    prints = recipient_prints(tenant, [row[1] for row in rows])
    keys: list[Hashable | None] = [
        (marketplace, order_no, tracking.get(order_id, ""), prints[subject])
        if subject in prints
        else None
        for order_id, subject, marketplace, order_no in rows
    ]
    return ParcelCount(len(rows), len(group_lines(keys)))
