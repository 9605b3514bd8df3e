"""The seller owner's billing pages (/t/<slug>/billing/) and Inicis' return. Thin: forms
validate, actions change state. Only the owner sees billing (role "billing")."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jikim.accounts.tenancy import scope_for
from jikim.billing import actions, books, gateways, inicis, listing, payment_actions
from jikim.billing.forms import PayerForm, PlanChoiceForm, first_error
from jikim.billing.gateways import Order, Payer
from jikim.billing.models import Invoice, InvoiceStatus, Payment, PaymentAttempt, Plan, Subscription
from jikim.vault import access

SELLER_PAYER_FIELDS = ["payer_name"]


@login_required
def billing(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "billing")
    rows = listing.invoice_rows(scope.filter(Invoice.objects.all()), limit=36)
    payments = Payment.objects.filter(invoice__in=[r.invoice for r in rows]).prefetch_related(
        "refunds", "invoice"
    )
    return render(
        request,
        "billing/billing.html",
        {
            "scope": scope,
            "subscription": Subscription.objects.filter(tenant=scope.tenant, ended_at__isnull=True)
            .select_related("plan")
            .first(),
            "plans": Plan.objects.filter(active=True),
            "form": PlanChoiceForm(),
            "invoices": rows,
            "payments": listing.payment_rows(
                payments, SELLER_PAYER_FIELDS, actor=scope.member, tenant_id=scope.tenant.pk
            ),
        },
    )


@login_required
@require_POST
def billing_plan(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_for(request, slug, "billing")
    form = PlanChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            chosen = actions.do_subscribe(scope.member, scope.tenant, form.cleaned_data["plan"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            changed = Subscription.objects.filter(tenant=scope.tenant).exclude(pk=chosen.pk)
            done = "요금제를 변경했습니다" if changed.exists() else "요금제에 가입했습니다"
            messages.success(
                request,
                f"{done}: {chosen.plan.name}. 매달 월말 기준으로 청구하며, 처음 가입한 달은 "
                "가입일부터 월말까지 일할 계산합니다 (부가세 별도).",
            )
    return redirect("billing", slug=slug)


def _invoice_page(
    request: HttpRequest, slug: str, invoice_id: int, payer_form: PayerForm | None = None
) -> HttpResponse:
    scope = scope_for(request, slug, "billing")
    invoice = scope.get(Invoice.objects.all(), pk=invoice_id)
    due = books.outstanding(invoice)
    open_invoice = invoice.status == InvoiceStatus.ISSUED and due > 0
    enabled = {g.code for g in gateways.enabled()}
    bank = None
    if open_invoice and "bank_transfer" in enabled:
        bank = gateways.BankTransfer().start(invoice, Order(oid=invoice.number, price=due))
    payments = Payment.objects.filter(invoice=invoice).prefetch_related("refunds")
    return render(
        request,
        "billing/invoice.html",
        {
            "scope": scope,
            "invoice": invoice,
            "row": listing.invoice_rows(Invoice.objects.filter(pk=invoice.pk))[0],
            "payments": listing.payment_rows(
                payments, SELLER_PAYER_FIELDS, actor=scope.member, tenant_id=scope.tenant.pk
            ),
            "bank": bank,
            "inicis": open_invoice and "inicis" in enabled,
            "payer_form": payer_form or PayerForm(),
        },
    )


@login_required
def billing_invoice(request: HttpRequest, slug: str, invoice_id: int) -> HttpResponse:
    """The invoice, and once paid its receipt (영수증): what was billed, received, when, how."""
    return _invoice_page(request, slug, invoice_id)


@login_required
@require_POST
def billing_inicis_start(request: HttpRequest, slug: str, invoice_id: int) -> HttpResponse:
    scope = scope_for(request, slug, "billing")
    invoice = scope.get(Invoice.objects.all(), pk=invoice_id)
    form = PayerForm(request.POST)
    if not form.is_valid():
        return _invoice_page(request, slug, invoice_id, payer_form=form)
    payer = Payer(
        name=form.cleaned_data["payer_name"],
        phone=form.cleaned_data["payer_phone"],
        email=access.reveal(
            scope.member, "email_address", purpose="service_delivery", actor=scope.member
        ).value,
    )
    try:
        attempt, start = payment_actions.do_start_inicis(
            scope.member,
            invoice,
            payer,
            return_url=request.build_absolute_uri(reverse("billing_inicis_return")),
            close_url=request.build_absolute_uri(reverse("billing_inicis_close")),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("billing_invoice", slug=slug, invoice_id=invoice.pk)
    response = render(
        request,
        "billing/inicis_pay.html",
        {
            "scope": scope,
            "invoice": invoice,
            "attempt": attempt,
            "start": start,
            # INIStdPay.js comes from Inicis' own server; it is loaded only where configured
            # (JIKIM_INICIS_ENV=production or a test merchant), never from a copy of ours.
            "load_script": bool(settings.INICIS_MID) and not settings.TESTING,
        },
    )
    # The fields carry what the payer just typed: not for any cache.
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # Inicis posts here from its own domain; the authToken, checked with Inicis
@require_POST  # server to server under our sign key, is what authenticates the request.
def billing_inicis_return(request: HttpRequest) -> HttpResponse:
    oid = str(request.POST.get("orderNumber", ""))[:40]
    attempt = PaymentAttempt.objects.select_related("tenant").filter(oid=oid).first()
    try:
        payment_actions.do_complete_inicis(request.POST.dict())
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "결제가 완료되었습니다. 영수증을 확인하세요.")
    if attempt is None:
        return redirect("home")
    return redirect("billing_invoice", slug=attempt.tenant.slug, invoice_id=attempt.invoice_id)


def billing_inicis_close(request: HttpRequest) -> HttpResponse:
    """Where Inicis' window goes when the payer closes it."""
    return render(
        request,
        "billing/inicis_close.html",
        {"script": inicis.close_script_url() if settings.INICIS_MID else ""},
    )


@login_required
@require_POST
def billing_end(request: HttpRequest, slug: str) -> HttpResponse:
    """The owner ends the service contract (해지 신청), confirming what follows from it."""
    scope = scope_for(request, slug, "billing")
    if request.POST.get("confirm") != "on":
        messages.error(request, "해지 안내를 확인했다고 표시해 주세요.")
        return redirect("billing", slug=slug)
    try:
        unpaid = actions.do_end_contract(
            scope.member,
            scope.tenant,
            reason=request.POST.get("reason", "").strip()[:200] or "대표의 해지 신청",
            by_owner=True,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("billing", slug=slug)
    done = "서비스 계약을 해지했습니다. 파기 전까지 주문을 조회하고 내려받을 수 있습니다."
    if unpaid:
        done += f" 미납 청구서 {unpaid}건은 계속 납부해 주셔야 합니다."
    messages.success(request, done)
    return redirect("tenant_home", slug=slug)
