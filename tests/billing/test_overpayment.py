"""A deposit larger than the invoice is money already in the operator's bank: the desk
records it whole (after confirming it is not a typo), the excess shows as a refund due to
the desk and to the seller, and once the refund is recorded the books match."""

from __future__ import annotations

import pytest
from django.core import mail

from jikim import clock
from jikim.billing import books
from jikim.billing.models import InvoiceStatus, Payment
from tests.billing import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _staff(db) -> None:
    helpers.staff().refresh_from_db()  # made once; later calls read it back


def _deposit(**extra: str) -> dict[str, str]:
    return {
        "amount": "70000",
        "paid_at": f"{clock.local(clock.now()):%Y-%m-%d %H:%M}",
        "depositor_name": helpers.PAYER,
        **extra,
    }


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_an_overpayment_is_recorded_with_the_excess_as_a_refund_due(alice, login) -> None:
    invoice = helpers.issue(helpers.subscribe(alice, price=59_000))
    assert invoice.total == 64_900
    desk, owner = login(helpers.staff()), login(alice)
    url = f"/console/billing/invoices/{invoice.pk}/confirm/"

    refused = desk.post(url, _deposit(), follow=True)
    assert "5,100원 많습니다" in _messages(refused) and "초과 입금 확인" in _messages(refused)
    assert not Payment.objects.exists(), "a possible typo is asked about first"

    mail.outbox.clear()
    taken = desk.post(url, _deposit(excess_confirmed="on"), follow=True)
    assert "수납 처리" in _messages(taken)
    payment = Payment.objects.get()
    invoice.refresh_from_db()
    assert payment.amount == 70_000 and invoice.status == InvoiceStatus.PAID
    assert books.refund_due(invoice) == 5_100
    console = desk.get(f"/console/billing/invoices/{invoice.pk}/").content.decode()
    assert "초과 입금 5,100원을 판매자에게 돌려줘야 합니다" in console
    assert "완납 (초과 입금 5,100원 환불 예정)" in console
    seller = owner.get(f"/t/alice/billing/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="refund-due">5,100원' in seller
    assert "초과 입금: 5,100원" in mail.outbox[-1].body

    refunded = desk.post(
        f"/console/billing/payments/{payment.pk}/refund/",
        {"amount": "5100", "reason": "초과 입금 반환"},
        follow=True,
    )
    assert "환불을 기록했습니다" in _messages(refunded)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID, "still paid in full"
    assert books.net_received(invoice) == invoice.total and books.refund_due(invoice) == 0
    console = desk.get(f"/console/billing/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="refund-due"' not in console


def test_a_second_deposit_on_a_paid_invoice_is_recorded_as_a_refund_due(alice, login) -> None:
    """A seller who paid twice: the second deposit is in the bank too, so the desk can
    record it (after confirming), all of it owed back; before, it could not be entered."""
    invoice = helpers.issue(helpers.subscribe(alice))
    helpers.pay_by_bank(invoice)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    desk = login(helpers.staff())
    page = desk.get(f"/console/billing/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="paid-again"' in page and "수납 처리" in page
    url = f"/console/billing/invoices/{invoice.pk}/confirm/"
    second = {**_deposit(), "amount": str(invoice.total)}

    refused = desk.post(url, second, follow=True)
    assert "이미 완납된 청구서입니다" in _messages(refused)
    assert Payment.objects.count() == 1

    no_reference = desk.post(url, {**second, "excess_confirmed": "on"}, follow=True)
    assert "은행 거래 참조번호를 입력하고" in _messages(no_reference)
    assert Payment.objects.count() == 1, "without a reference it may be the first one again"

    second["reference"] = "20261130-000123"
    taken = desk.post(url, {**second, "excess_confirmed": "on"}, follow=True)
    assert "수납 처리" in _messages(taken)
    again = desk.post(url, {**second, "excess_confirmed": "on"}, follow=True)
    assert "이미 수납한 입금이 있습니다" in _messages(again), "the same deposit entered twice"
    invoice.refresh_from_db()
    assert Payment.objects.count() == 2 and invoice.status == InvoiceStatus.PAID
    assert books.refund_due(invoice) == invoice.total
    console = desk.get(f"/console/billing/invoices/{invoice.pk}/").content.decode()
    assert f"초과 입금 {invoice.total:,}원을 판매자에게 돌려줘야 합니다" in console


def test_a_cancelled_invoice_takes_no_deposit(alice, login) -> None:
    from jikim.billing import actions

    invoice = helpers.issue(helpers.subscribe(alice))
    actions.do_cancel_invoice(helpers.staff(), invoice, reason="중복 발행")
    desk = login(helpers.staff())
    page = desk.get(f"/console/billing/invoices/{invoice.pk}/").content.decode()
    assert "계좌 입금 확인" not in page
    refused = desk.post(
        f"/console/billing/invoices/{invoice.pk}/confirm/",
        {**_deposit(), "excess_confirmed": "on"},
        follow=True,
    )
    assert "취소된 청구서" in _messages(refused) and not Payment.objects.exists()
