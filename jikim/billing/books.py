"""Reading the books: what an invoice still owes, and how long a line of the transaction
book is kept (C4-06, C4-09)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db.models import Max, Sum

from jikim import clock
from jikim.billing.models import Invoice, Payment, Refund
from jikim.retention import rules

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> tuple[dt.datetime, dt.datetime]:
    """'YYYY-MM' → (first instant of the month, first instant of the next), Korean time."""
    match = _MONTH.match((text or "").strip())
    if not match:
        raise ValidationError("이용월은 2026-11처럼 YYYY-MM 형식으로 입력하세요.", code="month")
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2999:
        raise ValidationError("이용월의 연도가 올바르지 않습니다.", code="month")
    start = dt.datetime(year, month, 1, tzinfo=clock.SEOUL)
    following = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=clock.SEOUL)
    return start, following


def net_received(invoice: Invoice) -> int:
    paid = Payment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or 0
    refunded = Refund.objects.filter(payment__invoice=invoice).aggregate(s=Sum("amount"))["s"] or 0
    return int(paid) - int(refunded)


def outstanding(invoice: Invoice) -> int:
    return max(invoice.total - net_received(invoice), 0)


def refund_due(invoice: Invoice) -> int:
    """Money received beyond the invoice (a deposit larger than owed) not yet given back."""
    return max(net_received(invoice) - invoice.total, 0)


def last_transaction_at(invoice: Invoice) -> dt.datetime:
    """The latest event of this book line: issue, settlement, payment or refund."""
    moments = [invoice.issued_at, invoice.settled_at]
    moments.append(Payment.objects.filter(invoice=invoice).aggregate(m=Max("paid_at"))["m"])
    moments.append(
        Refund.objects.filter(payment__invoice=invoice).aggregate(m=Max("refunded_at"))["m"]
    )
    return max(m for m in moments if m is not None)


def keep_until(last: dt.datetime) -> tuple[dt.datetime, str]:
    """When a book line whose last transaction was at `last` may be destroyed, and the rule
    that decides it: 5 years after payment (C4-06) and 5 years from the day after the
    statutory filing deadline of its fiscal year (C4-09), whichever is later."""
    payment = rules.rule("payment_records")
    tax = rules.rule("tax_books")
    candidates = [
        (payment.due(last), payment.id),
        (tax.due(tax.filing_deadline_after(last)), tax.id),
    ]
    return max(candidates, key=lambda c: c[0])
