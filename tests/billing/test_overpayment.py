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
