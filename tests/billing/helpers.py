"""Building billing states for tests: a plan, a subscribed seller, invoices, payments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.billing import actions, payment_actions
from jikim.billing.models import Invoice, Payment, Plan, Subscription
from jikim.vault import access
from tests.audit.support import make_operator

PAYER = "홍길동"  # tests/logscan.py fails the run if these ever reach a log line
PAYER_PHONE = "01055556666"


def plan(name: str = "기본", price: int = 30_000) -> Plan:
    return Plan.objects.get_or_create(name=name, defaults={"monthly_price": price})[0]


def subscribe(
    owner: Member, slug: str | None = None, *, price: int = 30_000, whole_month: bool = True
) -> Tenant:
    """The owner chooses the plan now. `whole_month`: as if on it since the month began, so
    that this month is billed whole; False keeps the real start (a first month is then
    billed by the day)."""
    tenant = Tenant.objects.get(slug=slug or owner.login_id)
    name = "기본" if price == 30_000 else f"요금제 {price}"
    subscription = actions.do_subscribe(owner, tenant, plan(name, price))
    if whole_month:
        began = clock.local(clock.now()).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        Subscription.objects.filter(pk=subscription.pk).update(started_at=began)
    return tenant


def month_of(moment: dt.datetime) -> str:
    return f"{clock.local(moment):%Y-%m}"


def issue(tenant: Tenant, month: str | None = None) -> Invoice:
    return actions.do_issue_invoice(access.SYSTEM, tenant, month or month_of(clock.now()))


def staff(login_id: str = "billing_staff") -> Member:
    found = Member.objects.filter(login_id=login_id).first()
    return found or make_operator(login_id, "cs_staff")


def pay_by_bank(
    invoice: Invoice,
    *,
    amount: int | None = None,
    at: dt.datetime | None = None,
    by: Member | None = None,
    **extra: Any,
) -> Payment:
    data = {
        "amount": str(amount if amount is not None else invoice.total),
        "paid_at": (at or clock.now()).isoformat(),
        "depositor_name": PAYER,
        "payer_phone": PAYER_PHONE,
        **extra,
    }
    return payment_actions.do_confirm_bank_transfer(by or staff(), invoice, data)


def paid_invoice(owner: Member) -> tuple[Invoice, Payment]:
    """A seller subscribed, invoiced this month and paid by bank transfer."""
    tenant = subscribe(owner)
    invoice = issue(tenant)
    payment = pay_by_bank(invoice)
    invoice.refresh_from_db()
    return invoice, payment


def ended_unpaid_with_orders(owner: Member) -> tuple[Tenant, list[Any], Invoice]:
    """A seller with delivered orders (T0), invoiced for January and not paying, whose
    contract ended a day later: (its tenant, its recipients and senders, the invoice)."""
    from tests.retention.helpers import T0, deliver, seller_with_orders

    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(owner)
        tenant = subscribe(owner)
        invoice = issue(tenant, "2026-01")
    for party in parties:
        deliver(party, T0)
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        assert actions.do_end_contract(staff(), tenant, reason="이용 종료") == 1
    tenant.refresh_from_db()
    return tenant, parties, invoice
