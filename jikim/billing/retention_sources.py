"""Billing's places in the retention engine (registered in jikim.retention.sources.SOURCES).

`PaymentBookSource` — one invoice with its payments and refunds is one line of the
transaction book, one data subject (C4-06, C4-09):
  move     when the tenant's contract has ended and all its invoices are settled: the
           payers' sealed values and a sealed copy of the line go to the separated store,
           and the live rows keep only amounts and dates (§7 ①);
  destroy  at max(last transaction + 5 years, day after the filing deadline + 5 years):
           key shredded by the sweep, then the separated copy and the rows deleted.
An unsettled invoice is never due: it is still being collected (and held, C4-03).

`ContractSource` — the subscriptions of a tenant (the contract record, C4-05) are deleted
5 years after the contract ended.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.db.models import Max, Q

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.billing import books
from jikim.billing.models import SETTLED, Invoice, InvoiceStatus, Payment, Subscription
from jikim.retention import rules
from jikim.retention.models import DestructionItem, ItemStatus, SeparatedRecord, Stage
from jikim.vault import keyring, sealing
from jikim.vault.fields import Sealed

if TYPE_CHECKING:
    from jikim.retention.sources import Due

PAYER_FIELDS = ("payer_name", "payer_phone", "depositor_name")
BOOK_CATEGORY = "payment.book"  # the sealing context of the copied book line
FIVE_YEARS_MIN = dt.timedelta(days=5 * 365)  # a lower bound of both five-year periods


def _not_done(stage: str) -> Q:
    return ~Q(
        subject__in=DestructionItem.objects.filter(stage=stage, status=ItemStatus.DONE).values(
            "subject"
        )
    )


def _contract_over(until: dt.datetime) -> dict[int, dt.datetime]:
    """Tenants whose contract has ended and who owe nothing: when that became true."""
    ended = dict(
        Tenant.objects.filter(contract_ended_at__lte=until)
        .exclude(invoices__status=InvoiceStatus.ISSUED)
        .values_list("pk", "contract_ended_at")
    )
    last_settled = dict(
        Invoice.objects.filter(tenant_id__in=ended)
        .values("tenant_id")
        .annotate(last=Max("settled_at"))
        .values_list("tenant_id", "last")
    )
    return {pk: max(at, last_settled.get(pk) or at) for pk, at in ended.items() if at is not None}


class PaymentBookSource:
    name = "billing.payment_book"
    rule_id = "tax_books"
    method_move = "결제자 정보(암호문)와 거래 장부 사본을 분리 DB로 이동, 원래 자리는 금액만 남김"
    method = "데이터 키 파기(암호학적 삭제) 후 분리 보관 기록·청구서·결제·환불 행 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        from jikim.retention.sources import Due  # sources.py imports this module

        over = _contract_over(until)
        movable = Invoice.objects.filter(tenant_id__in=over, status__in=SETTLED).filter(
            _not_done(Stage.MOVE)
        )
        for subject, tenant_id in movable.values_list("subject", "tenant_id"):
            yield Due(self.name, subject, Stage.MOVE, self.rule_id, tenant_id, over[tenant_id])
        # Nothing is destroyed before five years after its issue: look only at those.
        old = (
            Invoice.objects.filter(status__in=SETTLED, issued_at__lte=until - FIVE_YEARS_MIN)
            .filter(_not_done(Stage.DESTROY))
            .annotate(
                last_paid=Max("payments__paid_at"),
                last_refund=Max("payments__refunds__refunded_at"),
            )
            .values_list(
                "subject", "tenant_id", "issued_at", "settled_at", "last_paid", "last_refund"
            )
        )
        for subject, tenant_id, *moments in old.iterator(chunk_size=2000):
            # The same "last transaction" as books.last_transaction_at, in one query.
            due_at, rule_id = books.keep_until(max(m for m in moments if m is not None))
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, rule_id, tenant_id, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        invoices = list(Invoice.objects.filter(subject__in=subjects))
        already = set(
            SeparatedRecord.objects.filter(subject__in=subjects).values_list("subject", flat=True)
        )
        keys = keyring.ensure([i.subject for i in invoices if i.subject not in already])
        rule = rules.rule(self.rule_id)
        basis = f"{rules.rule('payment_records').basis}; {rule.basis}"
        for invoice in invoices:
            if invoice.subject in already:
                continue  # an interrupted run wrote it; only the clearing below is left
            payments = list(Payment.objects.filter(invoice=invoice).order_by("pk"))
            due_at, _ = books.keep_until(books.last_transaction_at(invoice))
            payload: dict[str, object] = {
                "payments": {
                    str(p.pk): {
                        f: getattr(p, f).token
                        for f in PAYER_FIELDS
                        if isinstance(getattr(p, f), Sealed)
                    }
                    for p in payments
                },
                "book": sealing.seal(
                    keys[invoice.subject],
                    BOOK_CATEGORY,
                    invoice.subject,
                    _book_line(invoice, payments),
                ),
            }
            SeparatedRecord.objects.create(
                subject=invoice.subject,
                source=self.name,
                rule=self.rule_id,
                legal_basis=basis[:200],
                tenant_id=invoice.tenant_id,
                payload=payload,
                moved_at=clock.now(),
                due_at=due_at,
            )
        Payment.objects.filter(subject__in=subjects).update(
            payer_name=None, payer_phone=None, depositor_name=None
        )

    def destroy(self, subjects: Sequence[str]) -> None:
        SeparatedRecord.objects.filter(subject__in=subjects).delete()
        Invoice.objects.filter(subject__in=subjects).delete()  # payments, refunds cascade


def _book_line(invoice: Invoice, payments: list[Payment]) -> str:
    """청구액, 수납액, 수납일시, 요금납부 방법 (§4 마): the line as the law asks it kept."""
    return json.dumps(
        {
            "invoice": invoice.number,
            "month": invoice.month,
            "billed": invoice.total,
            "supply": invoice.supply_amount,
            "vat": invoice.vat_amount,
            "status": invoice.status,
            "payments": [
                {
                    "id": p.pk,
                    "amount": p.amount,
                    "paid_at": p.paid_at.isoformat(),
                    "method": p.method,
                    "reference": p.reference,
                    "refunds": [
                        {"amount": r.amount, "at": r.refunded_at.isoformat()}
                        for r in p.refunds.order_by("pk")
                    ],
                }
                for p in payments
            ],
        },
        ensure_ascii=False,
    )


class ContractSource:
    name = "billing.contract"
    rule_id = "contract_records"
    method = "계약 기록(요금제 가입·변경·해지 내역) 행 삭제"

    def due(self, until: dt.datetime) -> Iterator[Due]:
        from jikim.retention.sources import Due  # sources.py imports this module

        rule = rules.rule(self.rule_id)
        # Five years are at least 1825 days: nothing ended later can be due.
        rows = (
            Subscription.objects.filter(tenant__contract_ended_at__lte=until - FIVE_YEARS_MIN)
            .filter(_not_done(Stage.DESTROY))
            .values_list("subject", "tenant_id", "tenant__contract_ended_at")
        )
        for subject, tenant_id, ended in rows:
            assert ended is not None  # filtered above
            due_at = rule.due(ended)
            if due_at <= until:
                yield Due(self.name, subject, Stage.DESTROY, self.rule_id, tenant_id, due_at)

    def move(self, subjects: Sequence[str]) -> None:
        raise NotImplementedError("contract records hold no personal data to separate")

    def destroy(self, subjects: Sequence[str]) -> None:
        Subscription.objects.filter(subject__in=subjects).delete()
