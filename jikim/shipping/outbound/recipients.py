"""Whose data may leave jikim in a file: the recipients of the chosen orders, less the
frozen and the destroyed, and how many of each a file leaves out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import F, QuerySet

from jikim.accounts.models import Member, Tenant
from jikim.audit.records import record
from jikim.shipping.models import Order, Party, PartyRole
from jikim.shipping.outbound.base import Exclusions
from jikim.shipping.outbound.parcels import ParcelCount, estimate_parcels
from jikim.vault import access
from jikim.vault.pii import Pii


@dataclass(frozen=True)
class Recipients:
    """The recipients of some orders, sorted by whether their data may leave jikim."""

    parties: list[Party]  # may leave jikim in a file
    destroyed: frozenset[int]  # ids of orders whose recipient was destroyed
    frozen: frozenset[int]  # ids of orders whose recipient is frozen (C6-03)

    @property
    def excluded(self) -> Exclusions:
        return Exclusions(destroyed=len(self.destroyed), frozen=len(self.frozen))


def _order_ids(tenant: Tenant, orders: Iterable[Order] | QuerySet[Order]) -> set[int]:
    if isinstance(orders, QuerySet):
        return set(orders.filter(tenant=tenant).values_list("pk", flat=True))
    return {o.pk for o in orders if o.tenant_id == tenant.pk}


def sort_recipients(
    tenant: Tenant, orders: Iterable[Order] | QuerySet[Order], actor: Member | None = None
) -> Recipients:
    """The one place that decides whose data leaves jikim in a file.

    A recipient who is frozen (a correction or deletion pending, or processing suspended:
    C6-03) is left out, and the refusal is recorded. An order without a recipient is left
    out too: its recipient was destroyed (the retention period ended, or a deletion was
    asked for), and there is no one to deliver to. Both are counted, so that a file can
    say how many orders it leaves out and why.
    """
    if not isinstance(orders, QuerySet):
        orders = list(orders)
    parties = list(
        Party.objects.filter(tenant=tenant, role=PartyRole.RECIPIENT, order__in=orders)
        .select_related("order")
        .order_by(F("order__ordered_at").asc(nulls_last=True), "order_id")
    )
    held = access.frozen({p.subject for p in parties})
    if held:
        record(
            "refused.frozen",
            actor=actor,
            tenant_id=tenant.pk,
            subjects=sorted(held),
            detail={"attempted": "export"},
        )
    present = {p.order_id for p in parties}
    return Recipients(
        [p for p in parties if p.subject not in held],
        frozenset(_order_ids(tenant, orders) - present),
        frozenset(p.order_id for p in parties if p.subject in held),
    )


def exportable_parties(
    tenant: Tenant, orders: Iterable[Order] | QuerySet[Order], actor: Member | None = None
) -> list[Party]:
    """The recipients of ``orders`` whose data may leave jikim in a file (``sort_recipients``)."""
    return sort_recipients(tenant, orders, actor).parties


@dataclass(frozen=True)
class SheetCount:
    chosen: int  # orders the seller's conditions choose
    excluded: Exclusions  # of which a courier sheet leaves these out
    parcels: ParcelCount | None = None  # the boxes they make, when combining (합포장)

    @property
    def included(self) -> int:
        return self.chosen - self.excluded.total


def count_sheet(tenant: Tenant, orders: QuerySet[Order], *, combine: bool = False) -> SheetCount:
    """How many of ``orders`` a courier sheet would hold, and how many it leaves out and
    why: what the seller sees before downloading; with ``combine``, in how many boxes.
    Counts only: no one's data is read, so nothing is recorded."""
    orders = orders.filter(tenant=tenant)
    chosen = orders.count()
    subjects = list(
        Party.objects.filter(tenant=tenant, role=PartyRole.RECIPIENT, order__in=orders)
        .order_by()
        .values_list("subject", flat=True)
    )
    frozen = len(access.frozen(subjects))
    parcels = estimate_parcels(tenant, orders) if combine else None
    return SheetCount(chosen, Exclusions(destroyed=chosen - len(subjects), frozen=frozen), parcels)


def is_destroyed(values: Mapping[str, Pii]) -> bool:
    """A recipient whose key was shredded but whose row a sweep has not deleted yet."""
    return any(value.shredded for value in values.values())
