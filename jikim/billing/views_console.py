"""The operator's billing desk (/console/billing/): invoices, confirming bank transfers,
refunds, cancelling invoices, ending contracts, issuing the month's invoices, plans.
The console middleware admits operators with TOTP; billing is the CS staff's and admins'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.accounts.roles import operator_role_allows
from jikim.billing import actions, gateways, listing, payment_actions
from jikim.billing.forms import (
    BankTransferForm,
    MonthForm,
    PlanForm,
    ReasonForm,
    RefundForm,
    first_error,
)
from jikim.billing.models import Invoice, InvoiceStatus, Payment, Plan
from jikim.retention.models import Hold

CONSOLE_PAYER_FIELDS = ["payer_name", "depositor_name", "payer_phone"]


def _staff(request: HttpRequest) -> Any:
    if not operator_role_allows(getattr(request.user, "operator_role", ""), "manage_billing"):
        raise PermissionDenied
    return request.user


def console_billing(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "issued")
    invoices = Invoice.objects.select_related("tenant")
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status=status)
    else:
        status = "all"
    slug = request.GET.get("tenant", "").strip()[:40]
    if slug:
        invoices = invoices.filter(tenant__slug=slug)
    last_month = (clock.local(clock.now()).replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request,
        "billing/console.html",
        {
            "status": status,
            "tenant": slug,
            "statuses": InvoiceStatus.choices,
            "invoices": listing.invoice_rows(invoices),
            "month_form": MonthForm(initial={"month": last_month}),
            "bank_account_missing": gateways.bank_account_missing(),
        },
    )


def console_billing_invoice(request: HttpRequest, invoice_id: int) -> HttpResponse:
    staff = _staff(request)
    invoice = get_object_or_404(Invoice.objects.select_related("tenant"), pk=invoice_id)
    payments = Payment.objects.filter(invoice=invoice).prefetch_related("refunds")
    return render(
        request,
        "billing/console_invoice.html",
        {
            "invoice": invoice,
            "row": listing.invoice_rows(Invoice.objects.filter(pk=invoice.pk))[0],
            "payments": listing.payment_rows(
                payments, CONSOLE_PAYER_FIELDS, actor=staff, tenant_id=invoice.tenant_id
            ),
            "confirm_form": BankTransferForm(),
            "refund_form": RefundForm(),
            "cancel_form": ReasonForm(),
            "bank_account_missing": gateways.bank_account_missing(),
        },
    )


@require_POST
def console_billing_confirm(request: HttpRequest, invoice_id: int) -> HttpResponse:
    staff = _staff(request)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    form = BankTransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            payment_actions.do_confirm_bank_transfer(staff, invoice, form.as_result())
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "입금을 확인해 수납 처리했습니다.")
    return redirect("console_billing_invoice", invoice_id=invoice.pk)


@require_POST
def console_billing_refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    staff = _staff(request)
    payment = get_object_or_404(Payment, pk=payment_id)
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            payment_actions.do_refund(
                staff,
                payment,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "환불을 기록했습니다.")
    return redirect("console_billing_invoice", invoice_id=payment.invoice_id)


@require_POST
def console_billing_cancel(request: HttpRequest, invoice_id: int) -> HttpResponse:
    staff = _staff(request)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            actions.do_cancel_invoice(staff, invoice, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, "청구를 취소했습니다.")
    return redirect("console_billing_invoice", invoice_id=invoice.pk)


def console_billing_tenants(request: HttpRequest) -> HttpResponse:
    _staff(request)
    tenants = Tenant.objects.annotate(
        unpaid=Count("invoices", filter=Q(invoices__status=InvoiceStatus.ISSUED))
    ).order_by("contract_ended_at", "name")[:500]
    # The unpaid-fee holds are subject holds, each naming its seller in the reference.
    held = {
        int(reference.removeprefix("billing:"))
        for reference in Hold.objects.filter(
            released_at__isnull=True, reference__startswith="billing:"
        )
        .values_list("reference", flat=True)
        .distinct()
    }
    return render(
        request,
        "billing/console_tenants.html",
        {"tenants": tenants, "held": held, "end_form": ReasonForm()},
    )


@require_POST
def console_billing_end(request: HttpRequest, slug: str) -> HttpResponse:
    staff = _staff(request)
    tenant = get_object_or_404(Tenant, slug=slug)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("console_billing_tenants")
    try:
        unpaid = actions.do_end_contract(staff, tenant, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if unpaid:
            messages.warning(
                request,
                f"계약을 해지했습니다. 미납 청구서 {unpaid}건이 있어 완납 시까지 "
                "대표자의 회원 정보와 요금 기록의 파기를 보류합니다 "
                "(판매자 고객의 배송 정보는 일정대로 파기됩니다).",
            )
        else:
            messages.success(request, "계약을 해지했습니다.")
    return redirect("console_billing_tenants")


@require_POST
def console_billing_issue(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("console_billing")
    try:
        issued, skipped = actions.issue_month(staff, form.cleaned_data["month"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"청구서 {len(issued)}건을 발행했습니다. (제외 {skipped}건)")
    return redirect("console_billing")


def console_billing_plans(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_create_plan(
                staff,
                name=form.cleaned_data["name"],
                monthly_price=form.cleaned_data["monthly_price"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "요금제를 추가했습니다.")
            return redirect("console_billing_plans")
    return render(
        request, "billing/console_plans.html", {"form": form, "plans": Plan.objects.all()}
    )
