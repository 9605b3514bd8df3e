"""C4-06: payment records are kept 5 years, moved to the separated store once the contract
has ended and everything is settled, and destroyed afterwards.
C4-09: the transaction book (payer's name and phone, billed, received, when, how) is kept 5
years from the day after the statutory filing deadline of its fiscal year — the later of
the two decides. C4-05: the contract record is deleted 5 years after the contract ended."""

import datetime as dt
import json

import pytest
import time_machine

from jikim import clock
from jikim.billing import actions, books
from jikim.billing.models import Invoice, Payment, Subscription
from jikim.retention import rules, sweep
from jikim.retention.models import LedgerEntry, SeparatedRecord, Stage
from jikim.retention.separated import lawful_access
from jikim.vault import keyring, sealing
from tests.billing import helpers
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
PAID = dt.datetime(2026, 1, 5, 12, 0, tzinfo=clock.SEOUL)


def _sweep(at: dt.datetime) -> sweep.Report:
    with time_machine.travel(at, tick=False):
        return sweep.run()


def _separated(subject: str) -> SeparatedRecord | None:
    with lawful_access(
        actor=None, legal_basis="국세기본법 제85조의3", reason="세무조사 대응", subjects=[subject]
    ):
        return SeparatedRecord.objects.filter(subject=subject).first()


def _paid_then_ended(owner) -> tuple[Invoice, Payment]:
    with time_machine.travel(PAID, tick=False):
        invoice, payment = helpers.paid_invoice(owner)
    # Ended on the last day of the month already billed and paid: no last bill is left to
    # issue, and the month stays billed whole.
    with time_machine.travel(PAID + 26 * DAY, tick=False):
        assert actions.do_end_contract(helpers.staff(), invoice.tenant, reason="해지") == 0
    return invoice, payment


def test_c4_06_not_moved_while_the_contract_runs(alice) -> None:
    with time_machine.travel(PAID, tick=False):
        invoice, payment = helpers.paid_invoice(alice)
    _sweep(PAID + 400 * DAY)
    payment.refresh_from_db()
    assert payment.payer_phone is not None and _separated(invoice.subject) is None


def test_c4_06_moved_to_the_separated_store_after_the_contract_ends(alice) -> None:
    invoice, payment = _paid_then_ended(alice)
    report = _sweep(PAID + 31 * DAY)
    assert report.moved == 1
    payment.refresh_from_db()
    assert (payment.payer_name, payment.payer_phone, payment.depositor_name) == (None, None, None)
    assert payment.amount == invoice.total, "the live row keeps only amounts and dates"
    kept = _separated(invoice.subject)
    assert kept is not None and kept.rule == "tax_books"
    assert "전자상거래" in kept.legal_basis and "국세기본법" in kept.legal_basis
    assert set(kept.payload["payments"][str(payment.pk)]) == {"depositor_name", "payer_phone"}
    material = keyring.load([invoice.subject])[invoice.subject]
    book = json.loads(
        sealing.open_sealed(material, "payment.book", invoice.subject, kept.payload["book"])
    )
    assert book["billed"] == 33_000 and book["payments"][0]["amount"] == 33_000
    assert book["payments"][0]["method"] == "bank_transfer"
    assert helpers.PAYER not in json.dumps(kept.payload, ensure_ascii=False), "still sealed"
    move = LedgerEntry.objects.get(stage=Stage.MOVE, source="billing.payment_book")
    assert move.count == 1 and move.rule == "tax_books"
    _sweep(PAID + 32 * DAY)  # idempotent: nothing moves twice
    assert LedgerEntry.objects.filter(stage=Stage.MOVE, source="billing.payment_book").count() == 1


def test_c4_06_c4_09_kept_past_five_years_until_the_later_deadline_then_destroyed(alice) -> None:
    invoice, payment = _paid_then_ended(alice)
    _sweep(PAID + 31 * DAY)
    # C4-06 alone would allow destruction on 2031-01-05; C4-09 keeps it to 2032-04-01.
    _sweep(dt.datetime(2031, 1, 6, tzinfo=clock.SEOUL))
    assert not keyring.is_shredded(invoice.subject), "five years after payment: still kept"
    _sweep(dt.datetime(2032, 3, 31, 12, tzinfo=clock.SEOUL))
    assert not keyring.is_shredded(invoice.subject), "the day before the C4-09 date: kept"
    report = _sweep(dt.datetime(2032, 4, 1, 1, tzinfo=clock.SEOUL))
    assert report.destroyed >= 1 and keyring.is_shredded(invoice.subject)
    assert not Invoice.objects.filter(pk=invoice.pk).exists()
    assert not Payment.objects.filter(pk=payment.pk).exists()
    assert _separated(invoice.subject) is None
    entry = LedgerEntry.objects.get(stage=Stage.DESTROY, source="billing.payment_book")
    assert entry.rule == "tax_books" and "국세기본법" in entry.legal_basis
    assert entry.subjects == [invoice.subject]


def test_c4_06_an_active_sellers_old_books_are_destroyed_and_recent_ones_kept(alice) -> None:
    with time_machine.travel(PAID, tick=False):
        old = helpers.issue(helpers.subscribe(alice), "2026-01")
        helpers.pay_by_bank(old)
    with time_machine.travel(dt.datetime(2031, 6, 10, tzinfo=clock.SEOUL), tick=False):
        recent = helpers.issue(old.tenant, "2031-06")
        helpers.pay_by_bank(recent)
    _sweep(dt.datetime(2032, 4, 2, tzinfo=clock.SEOUL))
    assert not Invoice.objects.filter(pk=old.pk).exists()
    assert Invoice.objects.filter(pk=recent.pk).exists()
    assert plain(Payment.objects.get(invoice=recent), "depositor_name") == helpers.PAYER


def test_c4_06_an_unpaid_invoice_is_never_due(alice) -> None:
    with time_machine.travel(PAID, tick=False):
        invoice = helpers.issue(helpers.subscribe(alice), "2026-01")
    _sweep(dt.datetime(2040, 1, 1, tzinfo=clock.SEOUL))
    assert Invoice.objects.filter(pk=invoice.pk).exists(), "still being collected"


@pytest.mark.parametrize(
    ("paid", "until"),
    [
        # The last moment of a fiscal year and the first of the next, in Korean time.
        (dt.datetime(2026, 12, 31, 23, 59, tzinfo=clock.SEOUL), dt.datetime(2032, 4, 1)),
        (dt.datetime(2027, 1, 1, 0, 1, tzinfo=clock.SEOUL), dt.datetime(2033, 4, 1)),
        (dt.datetime(2027, 3, 31, 9, 0, tzinfo=clock.SEOUL), dt.datetime(2033, 4, 1)),
    ],
)
def test_c4_09_the_book_is_kept_five_years_from_the_day_after_the_filing_deadline(
    paid, until
) -> None:
    due_at, rule_id = books.keep_until(paid)
    assert due_at == until.replace(tzinfo=clock.SEOUL) and rule_id == "tax_books"
    tax = rules.rule("tax_books")
    assert tax.commitment == "C4-09" and "국세기본법" in tax.basis
    assert books.keep_until(paid)[0] > rules.rule("payment_records").due(paid)


def test_c4_09_the_book_line_has_what_the_law_names(alice) -> None:
    """성명, 전화번호, 청구액, 수납액, 수납일시, 요금납부 방법."""
    with time_machine.travel(PAID, tick=False):
        invoice, payment = helpers.paid_invoice(alice)
    assert plain(payment, "depositor_name") == helpers.PAYER
    assert plain(payment, "payer_phone") == helpers.PAYER_PHONE
    assert (invoice.total, payment.amount, payment.method) == (33_000, 33_000, "bank_transfer")
    assert payment.paid_at == PAID


def test_c4_05_contract_records_deleted_five_years_after_the_contract_ended(alice) -> None:
    _paid_then_ended(alice)
    ended = Subscription.objects.get(tenant__slug="alice").tenant.contract_ended_at
    _sweep(ended + 4 * 365 * DAY)
    assert Subscription.objects.filter(tenant__slug="alice").exists()
    _sweep(rules.rule("contract_records").due(ended) + DAY)
    assert not Subscription.objects.filter(tenant__slug="alice").exists()
    entry = LedgerEntry.objects.get(source="billing.contract")
    assert entry.rule == "contract_records" and "전자상거래" in entry.legal_basis
