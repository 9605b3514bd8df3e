"""Billing actions: amounts, settlement, refunds, cancellation, permissions, and bad input
that is refused with a Korean message and leaves nothing behind."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.accounts.roles import TenantRole
from jikim.audit.models import AccessRecord
from jikim.billing import actions, books, payment_actions
from jikim.billing.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Plan,
    Refund,
    Subscription,
)
from jikim.vault import access
from tests.audit.support import make_operator
from tests.billing import helpers
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db
NOV = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


def test_invoice_amounts_are_integer_won_with_vat_and_a_stable_number(alice) -> None:
    with time_machine.travel(NOV, tick=False):
        tenant = helpers.subscribe(alice, price=29_900)
        invoice = helpers.issue(tenant, "2026-11")
    assert (invoice.supply_amount, invoice.vat_amount, invoice.total) == (29_900, 2_990, 32_890)
    assert invoice.number == f"202611-{tenant.pk:06d}"
    assert invoice.due_on == dt.date(2026, 12, 4)  # 14 days after issue (Korean date)
    assert invoice.status == InvoiceStatus.ISSUED and books.outstanding(invoice) == 32_890
    assert AccessRecord.objects.filter(action="billing.invoice_issue").exists()


def test_issue_invoices_command_issues_once_per_tenant_and_month(alice, bob) -> None:
    with time_machine.travel(NOV, tick=False):
        helpers.subscribe(alice)
        helpers.subscribe(bob, price=0)  # a free plan is not invoiced
        out = io.StringIO()
        call_command("issue_invoices", "--month", "2026-11", stdout=out)
        assert "issued 1" in out.getvalue()
        out = io.StringIO()
        call_command("issue_invoices", "--month", "2026-11", stdout=out)
        assert "issued 0" in out.getvalue()
    assert Invoice.objects.count() == 1
    assert Invoice.objects.get().tenant.slug == "alice"


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "YYYY-MM"),
        ("2026/11", "YYYY-MM"),
        ("", "YYYY-MM"),
        ("abcd-ef", "YYYY-MM"),
        ("2026-12", "아직 시작되지 않은 달"),
    ],
)
def test_bad_months_are_refused_in_korean(alice, month, message) -> None:
    with time_machine.travel(NOV, tick=False):
        tenant = helpers.subscribe(alice)
        with pytest.raises(ValidationError, match=message):
            actions.do_issue_invoice(access.SYSTEM, tenant, month)
        with pytest.raises(CommandError, match=message):
            call_command("issue_invoices", "--month", month, stdout=io.StringIO())
    assert not Invoice.objects.exists()


def test_no_invoice_without_a_plan_that_month_and_no_duplicate(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    with time_machine.travel(NOV, tick=False):
        with pytest.raises(ValidationError, match="요금제가 없습니다"):
            actions.do_issue_invoice(access.SYSTEM, tenant, "2026-11")
        helpers.subscribe(alice)
        with pytest.raises(ValidationError, match="요금제가 없습니다"):
            actions.do_issue_invoice(access.SYSTEM, tenant, "2026-10")
        helpers.issue(tenant, "2026-11")
        with pytest.raises(ValidationError, match="이미 발행"):
            actions.do_issue_invoice(access.SYSTEM, tenant, "2026-11")
    assert Invoice.objects.count() == 1


def test_partial_then_full_payment_settles_the_invoice(alice) -> None:
    with time_machine.travel(NOV, tick=False):
        invoice = helpers.issue(helpers.subscribe(alice))
        helpers.pay_by_bank(invoice, amount=10_000)
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.ISSUED and books.outstanding(invoice) == 23_000
        helpers.pay_by_bank(invoice, amount=23_000)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.settled_at == NOV
    payment = Payment.objects.order_by("pk").first()
    assert plain(payment, "depositor_name") == helpers.PAYER
    with connection.cursor() as cursor:
        cursor.execute("SELECT payer_name, payer_phone, depositor_name FROM billing_payment")
        stored = str(cursor.fetchall())
    assert helpers.PAYER not in stored and helpers.PAYER_PHONE not in stored, "ciphertext only"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "abc"}, "숫자"),
        ({"amount": "0"}, "1원 이상"),
        ({"amount": "-5"}, "1원 이상"),
        ({"amount": "33001"}, "남은 청구액"),
        ({"paid_at": "어제"}, "입금일시 형식"),
        ({"paid_at": "2030-01-01T00:00:00+09:00"}, "미래"),
        ({"depositor_name": "  "}, "입금자명"),
        ({"depositor_name": "가" * 61}, "너무 깁니다"),
    ],
)
def test_bad_bank_transfer_confirmations_change_nothing(alice, data, message) -> None:
    with time_machine.travel(NOV, tick=False):
        invoice = helpers.issue(helpers.subscribe(alice))
        before = AccessRecord.objects.filter(action="billing.payment").count()
        with pytest.raises(ValidationError, match=message):
            helpers.pay_by_bank(invoice, **data)
    assert not Payment.objects.exists()
    assert AccessRecord.objects.filter(action="billing.payment").count() == before
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED


def test_paid_invoice_takes_no_more_money(alice) -> None:
    with time_machine.travel(NOV, tick=False):
        invoice, _ = helpers.paid_invoice(alice)
        with pytest.raises(ValidationError, match=r"남은 청구액|완납"):
            helpers.pay_by_bank(invoice, amount=1)
    assert Payment.objects.count() == 1


def test_refunds_are_bounded_and_reopen_the_invoice(alice) -> None:
    staff = helpers.staff()
    with time_machine.travel(NOV, tick=False):
        invoice, payment = helpers.paid_invoice(alice)
        for amount, reason, message in [
            (0, "오류", "1원 이상"),
            (40_000, "오류", "33,000원 이하"),
            (1_000, "  ", "사유"),
        ]:
            with pytest.raises(ValidationError, match=message):
                payment_actions.do_refund(staff, payment, amount=amount, reason=reason)
        assert not Refund.objects.exists()
        payment_actions.do_refund(staff, payment, amount=3_000, reason="부가세 이중 청구")
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.PARTLY_REFUNDED
    assert invoice.status == InvoiceStatus.ISSUED and books.outstanding(invoice) == 3_000
    with pytest.raises(ValidationError, match="30,000원 이하"):
        payment_actions.do_refund(staff, payment, amount=30_001, reason="전액")
    payment_actions.do_refund(staff, payment, amount=30_000, reason="전액")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED


def test_cancel_only_an_invoice_nothing_was_paid_on(alice) -> None:
    staff = helpers.staff()
    with time_machine.travel(NOV, tick=False):
        invoice = helpers.issue(helpers.subscribe(alice))
        helpers.pay_by_bank(invoice, amount=1_000)
        with pytest.raises(ValidationError, match="먼저 환불"):
            actions.do_cancel_invoice(staff, invoice, reason="서비스 장애 보상")
        payment_actions.do_refund(staff, Payment.objects.get(), amount=1_000, reason="취소 전 환불")
        with pytest.raises(ValidationError, match="사유"):
            actions.do_cancel_invoice(staff, invoice, reason="")
        actions.do_cancel_invoice(staff, invoice, reason="서비스 장애 보상")
        with pytest.raises(ValidationError, match="미납 상태"):
            actions.do_cancel_invoice(staff, invoice, reason="다시")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED and invoice.cancel_reason


def test_only_billing_operators_act_on_the_books(alice) -> None:
    officer = make_operator("officer_b", "privacy_officer")
    with time_machine.travel(NOV, tick=False):
        invoice = helpers.issue(helpers.subscribe(alice))
        for actor in (officer, alice):
            with pytest.raises(PermissionDenied):
                helpers.pay_by_bank(invoice, by=actor)
            with pytest.raises(PermissionDenied):
                actions.do_end_contract(actor, invoice.tenant)
            with pytest.raises(PermissionDenied):
                actions.do_create_plan(actor, name="몰래", monthly_price=1)
    assert not Payment.objects.exists() and not Plan.objects.filter(name="몰래").exists()


def test_only_the_owner_chooses_the_plan(alice, staff_of_alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    basic, pro = helpers.plan(), helpers.plan("프로", 90_000)
    for role in (TenantRole.MANAGER, TenantRole.CS_AGENT, TenantRole.VIEWER):
        with pytest.raises(PermissionDenied):
            actions.do_subscribe(staff_of_alice(role), tenant, basic)
    first = actions.do_subscribe(alice, tenant, basic)
    with pytest.raises(ValidationError, match="이미 사용 중"):
        actions.do_subscribe(alice, tenant, basic)
    actions.do_subscribe(alice, tenant, pro)
    first.refresh_from_db()
    assert first.ended_at is not None
    assert Subscription.objects.get(tenant=tenant, ended_at__isnull=True).plan == pro
    Plan.objects.filter(pk=basic.pk).update(active=False)
    with pytest.raises(ValidationError, match="가입할 수 없는"):
        actions.do_subscribe(alice, tenant, Plan.objects.get(pk=basic.pk))


def test_a_month_is_billed_on_the_plan_in_force_at_its_end(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    with time_machine.travel(dt.datetime(2026, 9, 25, tzinfo=clock.SEOUL), tick=False):
        actions.do_subscribe(alice, tenant, helpers.plan())
    with time_machine.travel(dt.datetime(2026, 10, 20, tzinfo=clock.SEOUL), tick=False):
        actions.do_subscribe(alice, tenant, helpers.plan("프로", 90_000))
    with time_machine.travel(NOV, tick=False):
        invoice = helpers.issue(tenant, "2026-10")
    assert invoice.plan_name == "프로" and invoice.total == 99_000


def test_plans_are_validated(alice) -> None:
    staff = helpers.staff()
    for name, price, message in [
        ("", 1000, "이름"),
        ("가" * 61, 1000, "이름"),
        ("음수", -1, "정수"),
    ]:
        with pytest.raises(ValidationError, match=message):
            actions.do_create_plan(staff, name=name, monthly_price=price)
    actions.do_create_plan(staff, name="기본", monthly_price=30_000)
    with pytest.raises(ValidationError, match="같은 이름"):
        actions.do_create_plan(staff, name="기본", monthly_price=1)


def test_the_billing_page_says_when_there_is_no_plan_to_choose(alice, login) -> None:
    page = login(alice).get("/t/alice/billing/").content.decode()
    assert "선택할 수 있는 요금제가 아직 마련되지 않았습니다" in page
    helpers.plan("스탠다드", 40_000)
    page = login(alice).get("/t/alice/billing/").content.decode()
    assert "마련되지 않았습니다" not in page and "스탠다드 (월 40,000원, 부가세 별도" in page
