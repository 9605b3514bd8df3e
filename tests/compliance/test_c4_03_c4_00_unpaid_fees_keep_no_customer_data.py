"""C4-03 and C4-00: fees a seller left unpaid keep the seller's own data and the fee records
until they are paid — never the seller's customers' shipping data, which goes on its own
schedule (90 days after delivery, or the notice period after the contract's end). The
seller's home page and the forecast say what the sweep really does; a hold the privacy
officer places on the whole seller (a dispute, a legal hold) still keeps everything."""

from __future__ import annotations

import datetime as dt
import importlib
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from jikim.accounts import actions as account_actions
from jikim.billing.models import Invoice, Subscription
from jikim.retention import actions as retention_actions
from jikim.retention import rules, sweep
from jikim.retention.forecast import forecast
from jikim.retention.models import Hold, HoldKind
from jikim.vault import keyring
from tests.audit.support import make_operator
from tests.billing import helpers
from tests.retention.helpers import T0, alive

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _sweep(at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        sweep.run()


def _home(client) -> str:
    response = client.get("/t/alice/")
    assert response.status_code == 200
    return response.content.decode()


def test_c4_03_c4_00_an_unpaid_invoice_keeps_the_owner_not_the_customers(alice) -> None:
    tenant, parties, invoice = helpers.ended_unpaid_with_orders(alice)
    holds = Hold.objects.filter(reference=f"billing:{tenant.pk}", released_at__isnull=True)
    assert not holds.filter(tenant__isnull=False).exists(), "no hold on the whole seller"
    assert set(holds.values_list("subject", flat=True)) == {
        alice.subject,
        invoice.subject,
        *Subscription.objects.filter(tenant=tenant).values_list("subject", flat=True),
    }
    with time_machine.travel(T0 + 2 * DAY, tick=False):
        account_actions.do_withdraw(alice)

    # Past the contract's end notice (and 90 days after delivery): the customers go.
    _sweep(rules.rule("seller_contract_end").due(tenant.contract_ended_at) + DAY)
    assert not any(alive(p) for p in parties), "customers' data destroyed while fees unpaid"

    # Far past a withdrawn member's period: the owner and the fee records stay until paid.
    _sweep(T0 + 2 * 365 * DAY)
    assert not keyring.is_shredded(alice.subject), "the owner's member data is kept"
    assert Invoice.objects.filter(pk=invoice.pk).exists()
    with time_machine.travel(T0 + 2 * 365 * DAY + DAY, tick=False):
        helpers.pay_by_bank(invoice, by=helpers.staff())
    assert not holds.exists(), "paid: released"
    _sweep(T0 + 2 * 365 * DAY + 2 * DAY)
    assert keyring.is_shredded(alice.subject)


def test_c4_03_c4_00_the_forecast_and_the_seller_home_say_what_the_sweep_does(alice, login) -> None:
    tenant, parties, _ = helpers.ended_unpaid_with_orders(alice)
    assert tenant.contract_ended_at is not None
    due = rules.rule("seller_contract_end").due(tenant.contract_ended_at)
    now = T0 + 2 * DAY
    shipping = [
        line
        for line in forecast(60, now=now)
        if line.rule in ("seller_contract_end", "shipping_purpose_met")
    ]
    assert sum(line.count for line in shipping) >= len(parties)
    assert all(line.held == 0 for line in shipping), "the forecast holds no customer data"
    out = StringIO()
    with time_machine.travel(now, tick=False):
        call_command("retention_forecast", "--days", "60", stdout=out)
        page = _home(login(alice))
    assert "보존 조치 중이라 하지 않음" not in out.getvalue()
    day = f"{due:%Y-%m-%d}"
    assert f"배송 데이터는 {day}에 파기됩니다" in page
    _sweep(due + DAY)
    assert not any(alive(p) for p in parties), "the day the seller was told"


def test_c4_00_a_legal_hold_on_the_whole_seller_keeps_everything_and_names_no_day(
    alice, login
) -> None:
    tenant, parties, _ = helpers.ended_unpaid_with_orders(alice)
    officer = make_operator("officer_l", "privacy_officer")
    retention_actions.do_place_hold(
        officer, kind=HoldKind.LEGAL, tenant=tenant, reason="수사기관 보존 요청", document="공문"
    )
    with time_machine.travel(T0 + 2 * DAY, tick=False):
        page = _home(login(alice))
    assert 'data-testid="contract-ended"' not in page, "no day the sweep would not keep"
    assert 'data-testid="contract-ended-held"' in page  # but it says why it keeps the data
    _sweep(T0 + 365 * DAY)
    assert all(alive(p) for p in parties)


def test_c4_03_c4_00_holds_placed_on_the_whole_seller_before_are_narrowed(alice) -> None:
    """A seller-wide unpaid hold left by the earlier version is narrowed by the data
    migration: the owner and the fee records stay held, the customers' data is freed."""
    tenant, parties, invoice = helpers.ended_unpaid_with_orders(alice)
    Hold.objects.filter(reference=f"billing:{tenant.pk}").delete()
    old = Hold.objects.create(
        kind=HoldKind.UNPAID, tenant=tenant, reason="해지 후 미납", reference=f"billing:{tenant.pk}"
    )
    migration = importlib.import_module(
        "jikim.billing.migrations.0002_unpaid_holds_cover_the_party_not_its_customers"
    )
    migration.narrow_unpaid_holds(apps, connection.schema_editor())
    old.refresh_from_db()
    assert old.released_at is not None
    active = Hold.objects.filter(reference=f"billing:{tenant.pk}", released_at__isnull=True)
    assert {alice.subject, invoice.subject} <= set(active.values_list("subject", flat=True))
    _sweep(rules.rule("seller_contract_end").due(tenant.contract_ended_at) + DAY)
    assert not any(alive(p) for p in parties)
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_c4_03_c4_00_no_one_places_an_unpaid_hold_on_a_whole_seller(alice) -> None:
    from django.core.exceptions import ValidationError

    from jikim.accounts.models import Tenant

    tenant = Tenant.objects.get(slug="alice")
    with pytest.raises(ValidationError) as refused:
        retention_actions.do_place_hold(
            None, kind=HoldKind.UNPAID, tenant=tenant, reason="미납 요금"
        )
    assert refused.value.code == "unpaid_tenant"
    assert not Hold.objects.filter(tenant=tenant).exists()
