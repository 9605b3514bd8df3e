"""What the seller and the billing desk read on an invoice: a partly paid one says so and
what is left; a first month begun late is billed by the day and says so; the plan choice
says up front that VAT comes on top; an installation with bank transfer but no account says
so (and `check --deploy` fails) instead of showing a placeholder as the account; the
invoice number takes the right particle."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.audit.models import AccessRecord
from jikim.billing import actions, books
from jikim.billing.checks import check_bank_account
from jikim.billing.models import Invoice, InvoiceStatus, Plan
from jikim.billing.templatetags.particles import eul_reul
from jikim.vault import access
from tests.billing import helpers

pytestmark = pytest.mark.django_db
NOV30 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=clock.SEOUL)
ACCOUNT = "지킴은행 100-000-000000 (주)지킴"


@pytest.fixture(autouse=True)
def _staff(db) -> None:
    helpers.staff().refresh_from_db()  # made once; later calls read it back


def test_a_partly_paid_invoice_says_so_and_what_is_left(alice, login) -> None:
    invoice = helpers.issue(helpers.subscribe(alice))
    helpers.pay_by_bank(invoice, amount=13_000)
    owner, desk = login(alice), login(helpers.staff())
    pages = [
        owner.get(f"/t/alice/billing/invoices/{invoice.pk}/"),
        owner.get("/t/alice/billing/"),
        desk.get(f"/console/billing/invoices/{invoice.pk}/"),
        desk.get("/console/billing/?status=issued"),
    ]
    for response in pages:
        page = response.content.decode()
        assert "일부 납부 (남은 금액 20,000원)" in page, response.request["PATH_INFO"]
    status = pages[0].content.decode().split('data-testid="status">')[1].split("<")[0]
    assert "미납" not in status


def test_a_plan_chosen_on_the_30th_is_billed_for_one_day_then_whole_months(alice, login) -> None:
    owner, tenant = login(alice), Tenant.objects.get(slug="alice")
    plan = helpers.plan("기본", 29_000)
    with time_machine.travel(NOV30, tick=False):
        owner.post("/t/alice/billing/plan/", {"plan": plan.pk})
        first = actions.do_issue_invoice(access.SYSTEM, tenant, "2026-11")
        page = owner.get(f"/t/alice/billing/invoices/{first.pk}/").content.decode()
    # 29,000원 × 1/30 (원 미만 절사) + 부가세 10%
    assert (first.supply_amount, first.vat_amount, first.total) == (966, 96, 1_062)
    assert (first.billed_from, first.billed_days) == (dt.date(2026, 11, 30), 1)
    assert "2026-11-30 ~ 2026-11 말일 (30일 중 1일, 일할 계산)" in page
    assert "1,062원" in page
    with time_machine.travel(NOV30 + dt.timedelta(days=2), tick=False):
        december = actions.do_issue_invoice(access.SYSTEM, tenant, "2026-12")
    assert (december.total, december.billed_days) == (31_900, None)


def test_a_contract_ended_mid_month_is_billed_to_the_day_it_ended(alice, login) -> None:
    """The last month is billed by the day too, the ending day counted: ending on the 3rd
    does not cost a whole month, and the month after is not billed at all. What is left to
    bill is issued with the ending, while the owner can still be told and pay."""
    tenant = Tenant.objects.get(slug="alice")
    plan = helpers.plan("기본", 31_000)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=clock.SEOUL), tick=False):
        login(alice).post("/t/alice/billing/plan/", {"plan": plan.pk})
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, 0, tzinfo=clock.SEOUL), tick=False):
        owner = login(alice)
        page = owner.get("/t/alice/billing/").content.decode()
        assert "해지한 달의 이용료는 해지일까지 일할 계산합니다" in page
        owner.post("/t/alice/billing/end/", {"confirm": "on", "reason": "폐업"})
        tenant.refresh_from_db()
        assert tenant.contract_ended_at is not None
    # The ending issued what was left to bill: November (from the 20th) and December.
    november = Invoice.objects.get(tenant=tenant, month="2026-11")
    december = Invoice.objects.get(tenant=tenant, month="2026-12")
    assert (november.billed_from, november.billed_to, november.billed_days) == (
        dt.date(2026, 11, 20),
        None,
        11,
    )
    with time_machine.travel(dt.datetime(2027, 1, 2, 9, 0, tzinfo=clock.SEOUL), tick=False):
        issued, _ = actions.issue_month(access.SYSTEM, "2027-01")
        page = login(alice).get(f"/t/alice/billing/invoices/{december.pk}/").content.decode()
    # 31,000원 × 3/31 + 부가세 10%
    assert (december.supply_amount, december.vat_amount) == (3_000, 300)
    assert (december.billed_from, december.billed_to, december.billed_days) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 3),
        3,
    )
    assert "2026-12-01 ~ 2026-12-03 해지일 (31일 중 3일, 일할 계산)" in page
    assert issued == [] and not Invoice.objects.filter(tenant=tenant, month="2027-01").exists()


def test_a_contract_begun_and_ended_in_one_month_is_billed_for_the_days_between(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 0, tzinfo=clock.SEOUL), tick=False):
        helpers.subscribe(alice, price=30_000, whole_month=False)
    with time_machine.travel(dt.datetime(2026, 11, 19, 18, 0, tzinfo=clock.SEOUL), tick=False):
        assert actions.do_end_contract(alice, tenant, by_owner=True) == 1
    invoice = Invoice.objects.get(tenant=tenant, month="2026-11")
    assert (invoice.billed_from, invoice.billed_to, invoice.billed_days) == (
        dt.date(2026, 11, 10),
        dt.date(2026, 11, 19),
        10,
    )
    assert invoice.supply_amount == 10_000


def test_a_contract_ended_on_the_months_last_day_is_billed_whole(alice) -> None:
    tenant = helpers.subscribe(alice, price=31_000)
    with time_machine.travel(dt.datetime(2026, 12, 31, 20, 0, tzinfo=clock.SEOUL), tick=False):
        actions.do_end_contract(alice, tenant, by_owner=True)
    december = Invoice.objects.get(tenant=tenant, month="2026-12")
    assert december.supply_amount == 31_000
    assert (december.billed_days, december.billed_to) == (None, None)


def test_the_plan_choice_says_vat_comes_on_top(alice, login) -> None:
    Plan.objects.create(name="기본", monthly_price=29_000)
    page = login(alice).get("/t/alice/billing/").content.decode()
    assert "기본 (월 29,000원, 부가세 별도 · 포함 31,900원)" in page
    assert "일할 계산" in page


def test_without_a_bank_account_nobody_is_shown_a_placeholder(alice, login, settings) -> None:
    settings.BILLING_BANK_ACCOUNT = ""
    invoice = helpers.issue(helpers.subscribe(alice))
    page = login(alice).get(f"/t/alice/billing/invoices/{invoice.pk}/").content.decode()
    assert "미설정" not in page and "입금 계좌:" not in page
    assert 'data-testid="no-bank-account"' in page
    console = login(helpers.staff()).get("/console/billing/").content.decode()
    assert 'data-testid="bank-account-missing"' in console
    settings.DEBUG = False
    assert [e.id for e in check_bank_account()] == ["billing.E005"]

    settings.BILLING_BANK_ACCOUNT = ACCOUNT
    page = login(alice).get(f"/t/alice/billing/invoices/{invoice.pk}/").content.decode()
    assert f"입금 계좌: {ACCOUNT}" in page
    assert f"청구번호 <b>{eul_reul(invoice.number)}</b> 적어" in page
    console = login(helpers.staff()).get("/console/billing/").content.decode()
    assert 'data-testid="bank-account-missing"' not in console
    assert check_bank_account() == []


def test_the_invoice_number_takes_the_particle_it_is_read_with() -> None:
    assert eul_reul("202611-000001") == "202611-000001을"  # 일
    assert eul_reul("202611-000002") == "202611-000002를"  # 이
    assert eul_reul("202611-000010") == "202611-000010을"  # 영
    assert eul_reul("202611-000005") == "202611-000005를"  # 오
    assert eul_reul("청구서") == "청구서를" and eul_reul("청구번호") == "청구번호를"
    assert eul_reul("요금") == "요금을"


def test_a_running_month_billed_whole_is_billed_to_the_ending_day_when_the_contract_ends(
    alice, login
) -> None:
    """The desk can issue a month still running; a contract ended in it afterwards is billed
    by the day all the same: the unpaid invoice is brought down to the days used and sent
    again, with its totals before and after on record."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=clock.SEOUL), tick=False):
        tenant = helpers.subscribe(alice, price=31_000)  # on the plan since the 1st
        early = helpers.issue(tenant, "2026-12")
    assert early.total == 34_100
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 12, 10, 18, 0, tzinfo=clock.SEOUL), tick=False):
        assert actions.do_end_contract(alice, tenant, by_owner=True) == 1
        page = login(alice).get(f"/t/alice/billing/invoices/{early.pk}/").content.decode()
    early.refresh_from_db()
    # 31,000원 × 10/31 + 부가세 10%
    assert (early.supply_amount, early.vat_amount, early.total) == (10_000, 1_000, 11_000)
    assert (early.billed_from, early.billed_to, early.billed_days) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 10),
        10,
    )
    assert "2026-12-01 ~ 2026-12-10 해지일 (31일 중 10일, 일할 계산)" in page
    assert "11,000원" in page
    assert Invoice.objects.filter(tenant=tenant).count() == 1, "no second bill for the month"
    assert [m.subject for m in mail.outbox] == [
        f"[지킴] 2026-12 이용요금 청구서 정정 ({early.number})"
    ]
    assert "해지일까지 일할 계산한 금액으로 고쳤습니다" in mail.outbox[0].body
    assert "청구액: 11,000원" in mail.outbox[0].body
    entry = AccessRecord.objects.get(action="billing.invoice_reprorate")
    assert entry.detail["before"] == 34_100 and entry.detail["after"] == 11_000
    assert entry.tenant_id == tenant.pk and entry.subjects == [early.subject]


def test_a_running_month_paid_whole_leaves_a_refund_due_when_the_contract_ends(
    alice, login
) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=clock.SEOUL), tick=False):
        tenant = helpers.subscribe(alice, price=31_000)
        paid = helpers.issue(tenant, "2026-12")
        helpers.pay_by_bank(paid)
    with time_machine.travel(dt.datetime(2026, 12, 10, 18, 0, tzinfo=clock.SEOUL), tick=False):
        assert actions.do_end_contract(helpers.staff(), tenant, reason="폐업") == 0
        desk = login(helpers.staff()).get(f"/console/billing/invoices/{paid.pk}/")
    paid.refresh_from_db()
    assert (paid.total, paid.status) == (11_000, InvoiceStatus.PAID)
    assert books.refund_due(paid) == 23_100
    assert "초과 입금 23,100원 환불 예정" in desk.content.decode()


def test_an_invoice_for_a_month_ended_on_its_last_day_stays_whole(alice) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=clock.SEOUL), tick=False):
        tenant = helpers.subscribe(alice, price=31_000)
        whole = helpers.issue(tenant, "2026-12")
    with time_machine.travel(dt.datetime(2026, 12, 31, 18, 0, tzinfo=clock.SEOUL), tick=False):
        actions.do_end_contract(alice, tenant, by_owner=True)
    whole.refresh_from_db()
    assert (whole.total, whole.billed_days) == (34_100, None)
    assert not AccessRecord.objects.filter(action="billing.invoice_reprorate").exists()
