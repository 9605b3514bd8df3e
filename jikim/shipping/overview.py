"""The seller's home page: what came in today, what waits for a tracking number, and which
uploads wait to be saved. Each count is the one the order list shows behind the same link,
because it is counted through the list's own filters."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.http import urlencode

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.shipping.listing import OrderFilterForm, filtered
from jikim.shipping.models import BatchStatus, ImportBatch, Order

# Uploads analysed but not saved: nothing of them is in the order list yet.
WAITING_BATCHES = (BatchStatus.PREVIEWED, BatchStatus.NEEDS_MAPPING)


@dataclass(frozen=True)
class Count:
    number: int
    query: str  # the order list's filters that show exactly these orders


def _count(orders: QuerySet[Order], filters: dict[str, str]) -> Count:
    return Count(filtered(orders, OrderFilterForm(filters)).count(), urlencode(filters))


def ordered_today(tenant: Tenant) -> Count:
    today = clock.today().isoformat()
    return _count(Order.objects.filter(tenant=tenant), {"since": today, "until": today})


def awaiting_tracking(tenant: Tenant) -> Count:
    return _count(Order.objects.filter(tenant=tenant), {"ship": "waiting"})


def unsaved_uploads(tenant: Tenant) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(tenant=tenant, status__in=WAITING_BATCHES)
        .defer("staged")
        .order_by("-created_at")
    )
