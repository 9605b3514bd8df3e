"""C4-00: the sweep plans sellers' shipping data in SQL (one INSERT … SELECT per retention
period), while the forecast lists it from `due`. Both must say the same: the same
recipients, due at the same moment, for every tenant's period, with or without delivery
and purchase confirmation, exactly on and just past the boundaries."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from jikim.accounts.models import Tenant
from jikim.retention.models import TenantRetention
from jikim.retention.sources import ContractEndSource, RecipientSource
from jikim.shipping.models import Order, Party, PartyRole, Shipment
from tests.conftest import create_seller

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 15, 0, 0, 250_000, tzinfo=dt.UTC)


def _population(rng: random.Random) -> list[Tenant]:
    tenants = [Tenant.objects.get(memberships__member=create_seller(n)) for n in ("aa", "bb", "cc")]
    TenantRetention.objects.create(tenant=tenants[1], shipping_days=30)  # shorter: applies
    TenantRetention.objects.create(tenant=tenants[2], shipping_days=400)  # longer: ignored
    offsets = [0, 1, 29, 30, 31, 89, 90, 91, 179, 180, 181, 250]
    for n in range(120):
        tenant = tenants[n % 3]
        created = T0 + dt.timedelta(days=rng.choice(offsets), microseconds=rng.randrange(3))
        order = Order.objects.create(
            tenant=tenant,
            marketplace="api",
            order_no=f"O{n}",
            product_order_no=f"P{n}",
            ordered_at=rng.choice([None, created - dt.timedelta(days=rng.choice([0, 2, 40]))]),
            created_at=created,
        )
        kind = rng.choice(["none", "delivered", "confirmed", "both", "both_reversed", "empty"])
        delivered = created + dt.timedelta(days=rng.choice([1, 3, 30]))
        confirmed = delivered + dt.timedelta(days=rng.choice([0, 7, 100]))
        if kind != "none":
            Shipment.objects.create(
                tenant=tenant,
                order=order,
                delivered_at=delivered if kind in ("delivered", "both") else None,
                purchase_confirmed_at={
                    "confirmed": confirmed,
                    "both": confirmed,
                    "both_reversed": delivered - dt.timedelta(days=1),
                }.get(kind),
            )
            if kind == "both_reversed":
                Shipment.objects.filter(order=order).update(delivered_at=delivered)
        for role in (PartyRole.RECIPIENT, PartyRole.SENDER)[: 1 + n % 2]:
            Party.objects.create(tenant=tenant, order=order, role=role)
    return tenants


def _from_sql(source: RecipientSource | ContractEndSource, until: dt.datetime) -> set:
    querysets = source.due_querysets(until)
    assert querysets is not None
    return {(s, t, due) for qs, _ in querysets for s, t, due, _pk in qs}


def test_c4_00_sweep_plans_in_sql_exactly_what_the_rule_says() -> None:
    _population(random.Random(7))
    source = RecipientSource()
    moments = [T0 + dt.timedelta(days=d) for d in (0, 31, 60, 90, 91, 120, 181, 200, 300, 500)]
    # Exactly on a due moment, and a microsecond before it.
    exact = sorted(d.due_at for d in source.due(T0 + dt.timedelta(days=1000)))
    moments += [exact[5], exact[5] - dt.timedelta(microseconds=1), exact[-1]]
    seen = 0
    for until in moments:
        expected = {(d.subject, d.tenant_id, d.due_at) for d in source.due(until)}
        assert _from_sql(source, until) == expected, until
        assert all(due <= until for _, _, due in expected)
        seen += len(expected)
    assert seen > 100  # the population exercises the rule, not an empty set


def test_c4_00_contract_end_planned_in_sql_like_the_forecast() -> None:
    tenants = _population(random.Random(11))
    Tenant.objects.filter(pk=tenants[0].pk).update(contract_ended_at=T0)
    source = ContractEndSource()
    for until in (T0, T0 + dt.timedelta(days=29), T0 + dt.timedelta(days=400)):
        expected = {(d.subject, d.tenant_id, d.due_at) for d in source.due(until)}
        assert _from_sql(source, until) == expected
    assert _from_sql(source, T0 + dt.timedelta(days=400))
