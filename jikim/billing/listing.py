"""Rows for the billing pages: invoices with what they still owe, payments with the payer
masked. Opening payers' values is one access record per page (invariant 4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from jikim.billing.models import Invoice, InvoiceStatus, Payment, Refund
from jikim.vault import access
from jikim.vault.pii import Pii

PURPOSE = "service_delivery"


@dataclass(frozen=True)
class InvoiceRow:
    invoice: Invoice
    received: int
    outstanding: int

    @property
    def refund_due(self) -> int:
        """Received beyond the invoice and not yet given back (as books.refund_due)."""
        return max(self.received - self.invoice.total, 0)

    @property
    def status_label(self) -> str:
        """The status as the pages say it: an unpaid invoice with money on it is partly
        paid, and says what is left; a paid one with money to give back says how much."""
        if self.invoice.status == InvoiceStatus.ISSUED and self.received > 0:
            return f"일부 납부 (남은 금액 {self.outstanding:,}원)"
        if self.invoice.status == InvoiceStatus.PAID and self.refund_due:
            return f"완납 (초과 입금 {self.refund_due:,}원 환불 예정)"
        return str(self.invoice.get_status_display())


def _sum(queryset: QuerySet[Any], key: str) -> Coalesce:
    total = queryset.values(key).annotate(s=Sum("amount")).values("s")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def invoice_rows(invoices: QuerySet[Invoice], limit: int = 200) -> list[InvoiceRow]:
    """What each invoice received (payments less refunds), in one query for the page."""
    annotated = invoices.annotate(
        paid_sum=_sum(Payment.objects.filter(invoice=OuterRef("pk")), "invoice"),
        refunded_sum=_sum(
            Refund.objects.filter(payment__invoice=OuterRef("pk")), "payment__invoice"
        ),
    )[:limit]
    rows = []
    for invoice in annotated:
        received = int(invoice.paid_sum) - int(invoice.refunded_sum)
        rows.append(InvoiceRow(invoice, received, max(invoice.total - received, 0)))
    return rows


@dataclass(frozen=True)
class PaymentRow:
    payment: Payment
    payer: dict[str, Pii]
    refunded: int


def payment_rows(
    rows: Iterable[Payment], fields: Sequence[str], *, actor: Any, tenant_id: int | None
) -> list[PaymentRow]:
    payments = list(rows)
    if not payments:
        return []
    values = access.reveal_rows(
        payments, list(fields), purpose=PURPOSE, actor=actor, action="list", tenant_id=tenant_id
    )
    return [
        PaymentRow(p, v, sum(r.amount for r in p.refunds.all()))
        for p, v in zip(payments, values, strict=True)
    ]
