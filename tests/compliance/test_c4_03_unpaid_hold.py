"""C4-03: fees unpaid when the service ends keep the owner's member data and the fee records
until they are paid — past every period — and the next sweep after payment destroys what is
due. The seller's customers' shipping data is not kept for the seller's debt (C4-00)."""

import datetime as dt

import pytest
import time_machine

from jikim.accounts import actions as account_actions
from jikim.accounts.models import Tenant
from jikim.billing import actions, payment_actions
from jikim.billing.models import Invoice, Payment
from jikim.retention import sweep
from jikim.retention.forecast import forecast
from jikim.retention.models import Hold, HoldKind
from jikim.vault import keyring
from tests.audit.support import make_operator
from tests.billing import helpers
from tests.retention.helpers import T0, alive

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _sweep(at: dt.datetime) -> sweep.Report:
    with time_machine.travel(at, tick=False):
        return sweep.run()


def _active(tenant: Tenant) -> list[Hold]:
    return list(Hold.objects.filter(reference=f"billing:{tenant.pk}", released_at__isnull=True))


def test_c4_03_unpaid_fees_after_termination_hold_member_and_fee_records_until_paid(
    alice,
) -> None:
    staff = helpers.staff()
    tenant, parties, invoice = helpers.ended_unpaid_with_orders(alice)
    holds = _active(tenant)
    assert {h.kind for h in holds} == {HoldKind.UNPAID}
    assert not [h for h in holds if h.tenant_id], "never the whole seller"
    subjects = {h.subject for h in holds}
    assert {alice.subject, invoice.subject} <= subjects, "the owner and the invoice are held"
    with time_machine.travel(T0 + 2 * DAY, tick=False):
        account_actions.do_withdraw(alice)

    # Far past the 90 days of shipping data and the 1 year of a withdrawn member.
    _sweep(T0 + 2 * 365 * DAY)
    assert not any(alive(p) for p in parties), "the customers' data went on its schedule"
    assert not keyring.is_shredded(alice.subject), "the owner's data survives too"
    assert Invoice.objects.filter(pk=invoice.pk).exists()

    with time_machine.travel(T0 + 2 * 365 * DAY + DAY, tick=False):
        helpers.pay_by_bank(invoice, by=staff)
    assert _active(tenant) == [], "recording the final payment releases the hold"
    assert Hold.objects.filter(reference=f"billing:{tenant.pk}", released_by_name=staff.login_id)

    _sweep(T0 + 2 * 365 * DAY + 2 * DAY)
    assert keyring.is_shredded(alice.subject)
    # The payment itself is a record the law keeps (C4-06, C4-09): moved, not destroyed.
    assert Payment.objects.filter(invoice=invoice).exists()


def test_c4_03_no_hold_when_everything_is_paid(alice) -> None:
    staff = helpers.staff()
    with time_machine.travel(T0, tick=False):
        invoice, _ = helpers.paid_invoice(alice)
        assert actions.do_end_contract(staff, invoice.tenant) == 0
    assert _active(invoice.tenant) == []


def test_c4_03_a_final_invoice_after_termination_holds_and_a_refund_reopens(alice) -> None:
    staff = helpers.staff()
    with time_machine.travel(T0, tick=False):
        tenant = helpers.subscribe(alice)
        assert _active(tenant) == []
        assert actions.do_end_contract(staff, tenant) == 1, "the last month billed at the end"
        invoice = Invoice.objects.get(tenant=tenant, month="2026-01")
        assert len(_active(tenant)) == 3  # the owner, the invoice, the contract record
        payment = helpers.pay_by_bank(invoice, by=staff)
        assert _active(tenant) == []
        payment_actions.do_refund(staff, payment, amount=invoice.total, reason="이중 결제")
        assert len(_active(tenant)) == 3, "money given back: the fee is unpaid again"
        actions.do_cancel_invoice(staff, invoice, reason="해지 월 요금 면제")
        assert _active(tenant) == []


def test_c4_03_the_unpaid_hold_shows_in_the_forecast_and_the_holds_desk(alice, login) -> None:
    staff = helpers.staff()
    with time_machine.travel(T0, tick=False):
        tenant = helpers.subscribe(alice)
        helpers.issue(tenant, "2026-01")
        actions.do_end_contract(staff, tenant)
        account_actions.do_withdraw(alice)
    lines = forecast(400, now=T0)
    member = [line for line in lines if line.rule == "member_after_withdrawal"]
    assert member and all(line.held == line.count for line in member)
    officer = make_operator("officer_h", "privacy_officer")
    page = login(officer).get("/console/retention/holds/").content.decode()
    assert "미납" in page and "판매자 alice" in page
