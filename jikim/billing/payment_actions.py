"""State changes of payments: recording a verified payment, confirming a bank transfer,
the Inicis round trip, refunds. Same rules as actions.py: atomic, actor explicit, access
record in the transaction; the Inicis approval call happens outside any transaction, and an
approval that cannot be recorded is cancelled at Inicis."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.billing import books, gateways, tasks
from jikim.billing.actions import (
    PURPOSE,
    _gateway_error,
    _locked,
    _operator,
    _owner,
    _sync_unpaid_hold,
    _who,
)
from jikim.billing.gateways import Approval, GatewayError, Order, Payer, StartRequest
from jikim.billing.inicis import timestamp
from jikim.billing.models import (
    AttemptStatus,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAttempt,
    PaymentStatus,
    Refund,
)


def _settle(invoice: Invoice, now: dt.datetime) -> None:
    if invoice.status == InvoiceStatus.CANCELLED:
        return
    paid_up = books.net_received(invoice) >= invoice.total
    status = InvoiceStatus.PAID if paid_up else InvoiceStatus.ISSUED
    if status != invoice.status:
        invoice.status = status
        invoice.settled_at = now if paid_up else None
        invoice.save(update_fields=["status", "settled_at"])


def _record_payment(
    actor: Any,
    invoice: Invoice,
    approval: Approval,
    *,
    gateway: str,
    confirmed_by: Any = None,
    excess_received: bool = False,
) -> Payment:
    """Inside the caller's transaction, with the tenant locked. `excess_received`: money
    already in the bank beyond what is owed is recorded whole; the excess is then a refund
    due on the invoice (books.refund_due) until a refund records it given back."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    # A deposit arriving after the invoice was paid (a seller who paid twice) is money in
    # the bank all the same: recorded whole, all of it a refund due.
    if invoice.status != InvoiceStatus.ISSUED and not (
        excess_received and invoice.status == InvoiceStatus.PAID
    ):
        raise ValidationError("이미 완납되었거나 취소된 청구서입니다.", code="settled")
    if (
        approval.reference
        and Payment.objects.filter(gateway=gateway, reference=approval.reference).exists()
    ):
        raise ValidationError(
            f"거래 참조번호 {approval.reference}(으)로 이미 수납한 입금이 있습니다. "
            "같은 입금을 두 번 수납하지 않았는지 수납 내역을 확인하세요.",
            code="duplicate",
        )
    due = books.outstanding(invoice)
    if not 0 < approval.amount <= due and not (excess_received and due < approval.amount):
        raise ValidationError(f"결제액이 남은 청구액({due:,}원)과 맞지 않습니다.", code="amount")
    payment = Payment(
        tenant_id=invoice.tenant_id,
        invoice=invoice,
        subject=invoice.subject,
        method=approval.method,
        gateway=gateway,
        amount=approval.amount,
        paid_at=approval.paid_at,
        reference=approval.reference,
        confirmed_by=confirmed_by,
    )
    # Empty values stay NULL: nothing is sealed for what nobody gave.
    payment.payer_name = approval.payer_name or None
    payment.payer_phone = approval.payer_phone or None
    payment.depositor_name = approval.depositor_name or None
    payment.save()
    _settle(invoice, clock.now())
    record(
        "billing.payment",
        actor=_who(actor),
        tenant_id=invoice.tenant_id,
        subjects=[invoice.subject],
        purpose=PURPOSE,
        detail={
            "invoice": invoice.number,
            "payment": payment.pk,
            "amount": payment.amount,
            "method": payment.method,
            "settled": invoice.status == InvoiceStatus.PAID,
            "excess": max(payment.amount - due, 0),
        },
    )
    _sync_unpaid_hold(actor, invoice.tenant)
    tasks.send_payment_received.enqueue(payment.pk)
    return payment


@transaction.atomic
def do_confirm_bank_transfer(actor: Any, invoice: Invoice, data: Mapping[str, str]) -> Payment:
    """Staff confirm a deposit they see on the operator's bank statement. A deposit larger
    than what is owed is already the seller's money in our bank: with `excess_confirmed`
    it is recorded whole and the excess stays on the invoice as a refund due."""
    _operator(actor)
    _locked(invoice.tenant)
    gateway = gateways.BankTransfer()
    due = books.outstanding(invoice)
    try:
        approval = gateway.verify(data, Order(oid=invoice.number, price=due))
    except GatewayError as exc:
        raise _gateway_error(exc) from None
    confirmed = str(data.get("excess_confirmed", "")) == "1"
    excess = approval.amount - due
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ValidationError("취소된 청구서에는 입금을 수납할 수 없습니다.", code="settled")
    if due == 0 and not (confirmed and approval.reference):
        # The reference is what tells a second deposit from the first one entered again
        # (two staff reconciling the same statement line, a double click).
        raise ValidationError(
            "이미 완납된 청구서입니다. 같은 청구서에 한 번 더 입금된 것이 통장에서 "
            "확인되면 그 입금의 은행 거래 참조번호를 입력하고 '초과 입금 확인'을 선택해 "
            "다시 수납 처리하세요. 입금액 전액이 환불할 금액으로 남습니다.",
            code="excess",
        )
    if excess > 0 and due > 0 and not confirmed:
        raise ValidationError(
            f"입금액이 남은 청구액({due:,}원)보다 {excess:,}원 많습니다. 통장에 들어온 "
            "금액이 맞다면 '초과 입금 확인'을 선택하고 다시 수납 처리하세요. 초과분은 "
            "환불할 금액으로 남습니다.",
            code="excess",
        )
    return _record_payment(
        actor, invoice, approval, gateway=gateway.code, confirmed_by=actor, excess_received=True
    )


@transaction.atomic
def do_start_inicis(
    actor: Member, invoice: Invoice, payer: Payer, *, return_url: str, close_url: str
) -> tuple[PaymentAttempt, StartRequest]:
    """The owner opens Inicis' payment window for what the invoice still owes."""
    _owner(actor, invoice.tenant)
    try:
        gateway = gateways.get("inicis")
    except GatewayError as exc:
        raise _gateway_error(exc) from None
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    due = books.outstanding(invoice)
    if invoice.status != InvoiceStatus.ISSUED or due <= 0:
        raise ValidationError("이미 완납되었거나 취소된 청구서입니다.", code="settled")
    attempt = PaymentAttempt.objects.create(
        tenant_id=invoice.tenant_id,
        invoice=invoice,
        gateway=gateway.code,
        oid=f"JK{invoice.number.replace('-', '')}{secrets.token_hex(5).upper()}",
        price=due,
        timestamp=timestamp(),
        started_by=actor,
    )
    order = _order(attempt, payer=payer, return_url=return_url, close_url=close_url)
    try:
        request = gateway.start(invoice, order)
    except GatewayError as exc:
        raise _gateway_error(exc) from None
    record(
        "billing.payment_start",
        actor=actor,
        tenant_id=invoice.tenant_id,
        subjects=[invoice.subject],
        purpose=PURPOSE,
        detail={"invoice": invoice.number, "oid": attempt.oid, "price": due, "gateway": "inicis"},
    )
    return attempt, request


def _order(attempt: PaymentAttempt, **extra: Any) -> Order:
    return Order(
        oid=attempt.oid,
        price=attempt.price,
        timestamp=attempt.timestamp,
        goods=f"지킴 이용요금 {attempt.invoice.month}",
        **extra,
    )


def do_complete_inicis(result: Mapping[str, str]) -> PaymentAttempt:
    """Inicis' return: verify with Inicis (network, outside any transaction), then record.
    An approval that cannot be recorded is cancelled at Inicis (net cancel)."""
    oid = str(result.get("orderNumber", ""))[:40]
    attempt = (
        PaymentAttempt.objects.select_related("invoice", "tenant", "started_by")
        .filter(oid=oid, status=AttemptStatus.STARTED)
        .first()
    )
    if attempt is None:
        raise ValidationError("알 수 없거나 이미 처리된 결제 요청입니다.", code="attempt")
    try:
        gateway = gateways.get(attempt.gateway)
    except GatewayError as exc:
        raise _gateway_error(exc) from None
    order = _order(attempt)
    try:
        approval = gateway.verify(result, order)
    except GatewayError as exc:
        _fail(attempt, exc.code, exc.message)
        raise _gateway_error(exc) from None
    try:
        with transaction.atomic():
            _locked(attempt.tenant)
            locked = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
            if locked.status != AttemptStatus.STARTED:
                raise ValidationError("이미 처리된 결제 요청입니다.", code="attempt")
            payment = _record_payment(
                attempt.started_by, attempt.invoice, approval, gateway=gateway.code
            )
            locked.status = AttemptStatus.APPROVED
            locked.result_code = "0000"
            locked.finished_at = clock.now()
            locked.payment = payment
            locked.save(update_fields=["status", "result_code", "finished_at", "payment"])
    except ValidationError as exc:
        gateway.cancel(result, order)
        _fail(attempt, "record", exc.messages[0])
        raise
    return locked


@transaction.atomic
def _fail(attempt: PaymentAttempt, code: str, message: str) -> None:
    PaymentAttempt.objects.filter(pk=attempt.pk, status=AttemptStatus.STARTED).update(
        status=AttemptStatus.FAILED,
        result_code=code[:10],
        failure=message[:200],
        finished_at=clock.now(),
    )
    record(
        "billing.payment_failed",
        actor=attempt.started_by,
        tenant_id=attempt.tenant_id,
        subjects=[attempt.invoice.subject],
        purpose=PURPOSE,
        detail={"oid": attempt.oid, "code": code[:10]},
    )


@transaction.atomic
def do_refund(actor: Any, payment: Payment, *, amount: int, reason: str) -> Refund:
    """Money given back. For a card payment, cancel it in Inicis' merchant console first;
    this records what was returned (the book must show it)."""
    _operator(actor)
    _locked(payment.tenant)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("환불 사유를 입력하세요.", code="reason")
    refunded = sum(payment.refunds.values_list("amount", flat=True))
    left = payment.amount - refunded
    if not isinstance(amount, int) or not 0 < amount <= left:
        raise ValidationError(f"환불액은 1원 이상 {left:,}원 이하여야 합니다.", code="amount")
    refund = Refund.objects.create(
        tenant_id=payment.tenant_id,
        payment=payment,
        amount=amount,
        reason=reason[:200],
        refunded_at=clock.now(),
        refunded_by=_who(actor),
    )
    payment.status = PaymentStatus.REFUNDED if amount == left else PaymentStatus.PARTLY_REFUNDED
    payment.save(update_fields=["status"])
    invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
    _settle(invoice, clock.now())
    record(
        "billing.refund",
        actor=_who(actor),
        tenant_id=payment.tenant_id,
        subjects=[payment.subject],
        purpose=PURPOSE,
        reason=reason[:200],
        detail={"payment": payment.pk, "amount": amount, "invoice": invoice.number},
    )
    _sync_unpaid_hold(actor, invoice.tenant)
    return refund
