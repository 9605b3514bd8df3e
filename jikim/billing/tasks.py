"""Billing's mail to the seller's owners (the contracting party): an invoice issued, a
payment received, an invoice overdue. Task arguments are ids only; the owners' addresses
are opened from the vault as the system (one access record per mail) and the bodies carry
amounts, dates and a link — no payer's name or phone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django_tasks import task

from jikim.accounts.models import Member
from jikim.accounts.roles import TenantRole
from jikim.billing import books, gateways
from jikim.billing.models import Invoice, InvoiceStatus, Payment
from jikim.vault import access
from jikim.web import links

PURPOSE = "service_delivery"  # §1 ③ 서비스 제공에 따른 요금정산


def _owners(tenant_id: int) -> list[Member]:
    return list(
        Member.objects.filter(
            memberships__tenant_id=tenant_id,
            memberships__role=TenantRole.OWNER,
            is_active=True,
            withdrawn_at__isnull=True,
            email_address__isnull=False,
        ).order_by("pk")
    )


def _send(invoice: Invoice, subject: str, template: str, context: dict[str, Any]) -> int:
    """One message to each owner (no owner sees another's address)."""
    owners = _owners(invoice.tenant_id)
    if not owners:
        return 0
    opened = access.reveal_rows(
        owners,
        ["email_address"],
        purpose=PURPOSE,
        actor=access.SYSTEM,
        action="notify",
        tenant_id=invoice.tenant_id,
    )
    context = {
        **context,
        "invoice": invoice,
        "tenant": invoice.tenant,
        "link": links.absolute("billing_invoice", invoice.tenant.slug, invoice.pk),
    }
    body = render_to_string(f"billing/email/{template}.txt", context)
    title = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"
    with get_connection() as connection:
        batch = [
            EmailMessage(title, body, to=[values["email_address"].value], connection=connection)
            for values in opened
            if values["email_address"].value
        ]
        return (connection.send_messages(batch) or 0) if batch else 0


@task()
def send_invoice_issued(invoice_id: int, corrected: bool = False) -> None:
    """`corrected`: the invoice was sent before and its amounts have changed since (a
    contract ended in the month it bills), so the message says it replaces the first."""
    invoice = Invoice.objects.select_related("tenant").get(pk=invoice_id)
    if invoice.status != InvoiceStatus.ISSUED:
        return
    _send(
        invoice,
        f"{invoice.month} 이용요금 청구서{' 정정' if corrected else ''} ({invoice.number})",
        "invoice_issued",
        {"bank_account": gateways.bank_account(), "corrected": corrected},
    )


@task()
def send_payment_received(payment_id: int) -> None:
    payment = Payment.objects.select_related("invoice__tenant").get(pk=payment_id)
    invoice = payment.invoice
    _send(
        invoice,
        f"이용요금 {payment.amount:,}원을 받았습니다 ({invoice.number})",
        "payment_received",
        {
            "payment": payment,
            "outstanding": books.outstanding(invoice),
            "refund_due": books.refund_due(invoice),
        },
    )


@task()
def send_invoice_overdue(invoice_id: int) -> None:
    invoice = Invoice.objects.select_related("tenant").get(pk=invoice_id)
    outstanding = books.outstanding(invoice)
    if invoice.status != InvoiceStatus.ISSUED or outstanding <= 0:
        return
    _send(
        invoice,
        f"납부기한이 지난 이용요금이 있습니다 ({invoice.number})",
        "invoice_overdue",
        {"outstanding": outstanding, "bank_account": gateways.bank_account()},
    )
