"""Building populations with dated events for retention tests."""

from __future__ import annotations

import datetime as dt

from jikim.accounts.models import Member, Tenant
from jikim.shipping.models import Order, Party, Shipment
from tests.shipping import marketplace_files as files
from tests.shipping.test_import_flow import _import

T0 = dt.datetime(2026, 1, 5, 3, 0, tzinfo=dt.UTC)


def seller_with_orders(member: Member) -> list[Party]:
    _import(member, files.smartstore_xlsx())
    tenant = Tenant.objects.get(memberships__member=member)
    return list(Party.objects.filter(tenant=tenant).order_by("pk"))


def deliver(party: Party, at: dt.datetime, *, confirmed: dt.datetime | None = None) -> None:
    order = Order.objects.get(pk=party.order_id)
    Shipment.objects.update_or_create(
        order=order,
        defaults={
            "tenant_id": order.tenant_id,
            "delivered_at": at,
            "purchase_confirmed_at": confirmed,
        },
    )


def alive(party: Party) -> bool:
    return Party.objects.filter(pk=party.pk).exists()
