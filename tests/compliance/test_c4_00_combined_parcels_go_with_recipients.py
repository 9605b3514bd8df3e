"""A combined parcel (합포장) records which order lines went to one recipient in one box.
It holds no personal data, yet it says the lines shared a person: when the sweep destroys
those recipients (C4-00), the record of their box goes with them, and the orders stay."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jikim.accounts.models import Tenant
from jikim.retention import sweep
from jikim.retention.sources import RecipientSource
from jikim.shipping import outbound
from jikim.shipping.models import Order, ParcelLine, Party
from tests.retention.helpers import T0, deliver
from tests.shipping.test_files_out import PASSWORD
from tests.shipping.test_parcels import one_box_order

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def test_c4_00_the_sweep_destroys_a_parcels_record_with_its_recipients(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    with time_machine.travel(T0, tick=False):
        one_box_order(alice)
        outbound.do_download_courier_sheet(
            alice,
            tenant,
            layout_id="cj_cnplus",
            orders=outbound.select_orders(tenant),
            reason="CJ 택배 접수",
            password=PASSWORD,
        )
    lines = sorted(ParcelLine.objects.values_list("order_id", flat=True))
    assert len(lines) == 2
    parties = list(Party.objects.filter(order_id__in=lines, role="recipient"))
    for party in parties:
        deliver(party, T0 + DAY)
    days, _ = RecipientSource().terms()
    due = T0 + DAY + days * DAY

    with time_machine.travel(due - MINUTE, tick=False):
        sweep.run()
    assert ParcelLine.objects.count() == 2, "kept while its recipients are"

    with time_machine.travel(due + MINUTE, tick=False):
        sweep.run()
    assert not Party.objects.filter(pk__in=[p.pk for p in parties]).exists()
    assert not ParcelLine.objects.exists()
    assert Order.objects.filter(pk__in=lines).count() == 2, "the orders themselves stay"
