"""The seller's owners hear from billing by e-mail: an invoice issued, a payment received
(and what is left), an invoice past its due date (once). Only the owners of that seller get
them, the mails carry amounts and a link but no payer's data, and the tasks get ids only."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from jikim.audit.models import AccessRecord
from jikim.billing import actions, tasks
from jikim.vault import access
from tests.billing import helpers

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _staff(db) -> None:
    helpers.staff().refresh_from_db()  # made once; later calls read it back


def _subscribed(member):
    """Subscribed in January: February is a whole month of the plan."""
    with time_machine.travel(NOW - 40 * DAY, tick=False):
        return helpers.subscribe(member)


def _to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def test_an_issued_invoice_is_mailed_to_the_owners_only(alice, bob, staff_of_alice) -> None:
    staff_of_alice("manager")
    _subscribed(bob)
    tenant = _subscribed(alice)
    mail.outbox.clear()
    with time_machine.travel(NOW, tick=False):
        invoice = helpers.issue(tenant, "2026-02")
    assert [m.to for m in mail.outbox] == [["alice@example.com"]], "the owner, nobody else"
    sent = mail.outbox[0]
    assert "2026-02 이용요금 청구서" in sent.subject and invoice.number in sent.subject
    assert "청구액: 33,000원" in sent.body and "납부기한: 2026-03-16" in sent.body
    assert f"/t/alice/billing/invoices/{invoice.pk}/" in sent.body
    opened = AccessRecord.objects.filter(action="notify", purpose="service_delivery")
    assert any(alice.subject in r.subjects for r in opened), "opening the address is recorded"


def test_a_payment_is_acknowledged_with_what_is_left(alice) -> None:
    with time_machine.travel(NOW, tick=False):
        invoice = helpers.issue(_subscribed(alice), "2026-02")
        mail.outbox.clear()
        helpers.pay_by_bank(invoice, amount=13_000)
        first = _to("alice@example.com")
        assert len(first) == 1 and "13,000원을 받았습니다" in first[0].subject
        assert "남은 금액: 20,000원" in first[0].body
        helpers.pay_by_bank(invoice, amount=20_000)
    last = _to("alice@example.com")[-1]
    assert "완납되었습니다" in last.body
    for sent in mail.outbox:
        assert helpers.PAYER not in sent.body and helpers.PAYER_PHONE not in sent.body


def test_an_overdue_invoice_is_mailed_once_and_a_paid_one_never(alice, bob) -> None:
    with time_machine.travel(NOW, tick=False):
        unpaid = helpers.issue(_subscribed(alice), "2026-02")
        paid = helpers.issue(_subscribed(bob), "2026-02")
        helpers.pay_by_bank(paid)
    mail.outbox.clear()
    with time_machine.travel(NOW + 14 * DAY, tick=False):  # the due day itself: not late
        assert actions.notify_overdue(access.SYSTEM) == 0
    with time_machine.travel(NOW + 15 * DAY, tick=False):
        out = StringIO()
        call_command("notify_overdue_invoices", stdout=out)
        assert "notified 1" in out.getvalue()
        assert actions.notify_overdue(access.SYSTEM) == 0, "once per invoice"
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    sent = mail.outbox[0]
    assert "납부기한이 지난" in sent.subject and unpaid.number in sent.subject
    assert "미납액: 33,000원" in sent.body


class _Watch:
    def __init__(self, task: object, given: list[tuple[object, ...]]) -> None:
        self.task, self.given = task, given

    def enqueue(self, *args: object, **kwargs: object) -> object:
        self.given.append((*args, *kwargs.values()))
        return self.task.enqueue(*args, **kwargs)  # type: ignore[attr-defined]


def test_billing_tasks_are_given_ids_only(alice, monkeypatch) -> None:
    given: list[tuple[object, ...]] = []
    for name in ("send_invoice_issued", "send_payment_received", "send_invoice_overdue"):
        monkeypatch.setattr(tasks, name, _Watch(getattr(tasks, name), given))
    with time_machine.travel(NOW, tick=False):
        invoice = helpers.issue(_subscribed(alice), "2026-02")
        helpers.pay_by_bank(invoice, amount=1_000)
    with time_machine.travel(NOW + 20 * DAY, tick=False):
        actions.notify_overdue(access.SYSTEM)
    assert len(given) == 3
    assert all(type(arg) is int for args in given for arg in args)
