"""Every state change of billing. Each is atomic, takes the acting person explicitly (or
vault.access.SYSTEM for the monthly run) and writes its access record in the same
transaction. Errors are `ValidationError`s with a Korean message; nothing is half-applied.

After any change that can settle or unsettle an invoice, `_sync_unpaid_hold` keeps the
C4-03 hold true: a tenant whose contract has ended and who still owes fees has its owners'
member data and its billing records held until the last invoice is settled — not its
customers' shipping data, which goes on its own schedule.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member, Membership, Tenant
from jikim.accounts.roles import TenantRole, operator_role_allows, tenant_role_allows
from jikim.audit.records import record
from jikim.billing import books, tasks
from jikim.billing.gateways import GatewayError
from jikim.billing.models import (
    Invoice,
    InvoiceStatus,
    Plan,
    Subscription,
    vat_of,
)
from jikim.billing.shares import month_share, supply_for
from jikim.retention import actions as retention_actions
from jikim.retention.models import Hold, HoldKind
from jikim.vault import access

PURPOSE = "service_delivery"  # §1 ③ 서비스 제공에 따른 요금정산


def _who(actor: Any) -> Any:
    return None if actor is access.SYSTEM else actor


def _operator(actor: Any) -> None:
    if actor is access.SYSTEM:
        return
    if not operator_role_allows(getattr(actor, "operator_role", ""), "manage_billing"):
        raise PermissionDenied


def _owner(actor: Member, tenant: Tenant) -> None:
    membership = Membership.objects.filter(tenant=tenant, member=actor).first()
    if membership is None or not tenant_role_allows(membership.role, "billing"):
        raise PermissionDenied


def _locked(tenant: Tenant) -> Tenant:
    # One writer per tenant's books at a time: settlement and the hold follow each other.
    return Tenant.objects.select_for_update().get(pk=tenant.pk)


def _gateway_error(exc: GatewayError) -> ValidationError:
    return ValidationError(exc.message, code=exc.code)


@transaction.atomic
def do_create_plan(actor: Any, *, name: str, monthly_price: int) -> Plan:
    _operator(actor)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationError("요금제 이름을 60자 이내로 입력하세요.", code="name")
    if not isinstance(monthly_price, int) or not 0 <= monthly_price <= 100_000_000:
        raise ValidationError("월 이용료는 0원에서 1억 원 사이의 정수여야 합니다.", code="price")
    if Plan.objects.filter(name=name).exists():
        raise ValidationError("같은 이름의 요금제가 있습니다.", code="duplicate")
    plan = Plan.objects.create(name=name, monthly_price=monthly_price)
    record(
        "billing.plan_create",
        actor=_who(actor),
        detail={"plan": plan.pk, "monthly_price": monthly_price},
    )
    return plan


@transaction.atomic
def do_subscribe(actor: Member, tenant: Tenant, plan: Plan) -> Subscription:
    """The owner chooses (or changes) the plan: the contract record of C4-05."""
    _owner(actor, tenant)
    tenant = _locked(tenant)
    if tenant.contract_ended_at is not None:
        raise ValidationError("해지된 계약입니다. 새로 가입하려면 고객센터에 문의하세요.")
    if not plan.active:
        raise ValidationError("지금은 가입할 수 없는 요금제입니다.", code="plan")
    now = clock.now()
    current = Subscription.objects.filter(tenant=tenant, ended_at__isnull=True).first()
    if current is not None and current.plan_id == plan.pk:
        raise ValidationError("이미 사용 중인 요금제입니다.", code="same")
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    subscription = Subscription.objects.create(
        tenant=tenant, plan=plan, started_at=now, agreed_by=actor
    )
    record(
        "billing.subscribe",
        actor=actor,
        tenant_id=tenant.pk,
        subjects=[subscription.subject],
        purpose=PURPOSE,
        detail={"plan": plan.pk, "before": current.plan_id if current else None},
    )
    return subscription


def subscription_for(tenant: Tenant, month: str) -> Subscription | None:
    """The plan in force at the end of the month: a month is billed on it (a plan changed
    within a month is not split)."""
    start, following = books.parse_month(month)
    return (
        Subscription.objects.filter(tenant=tenant, started_at__lt=following)
        .exclude(ended_at__lte=start)
        .select_related("plan")
        .order_by("-started_at", "-pk")
        .first()
    )


@transaction.atomic
def do_issue_invoice(actor: Any, tenant: Tenant, month: str) -> Invoice:
    _operator(actor)
    start, _ = books.parse_month(month)
    tenant = _locked(tenant)
    now = clock.now()
    if start > clock.local(now):
        raise ValidationError("아직 시작되지 않은 달의 청구서는 발행할 수 없습니다.", code="month")
    if Invoice.objects.filter(tenant=tenant, month=month).exists():
        raise ValidationError("이 달의 청구서가 이미 발행되었습니다.", code="duplicate")
    subscription = subscription_for(tenant, month)
    if subscription is None:
        raise ValidationError("이 달에 이용한 요금제가 없습니다.", code="no_plan")
    price = subscription.plan.monthly_price
    if price == 0:
        raise ValidationError("무료 요금제는 청구하지 않습니다.", code="free")
    share = month_share(tenant, month)
    supply = supply_for(price, share)
    if supply == 0:
        raise ValidationError("이 달에 청구할 이용료가 없습니다.", code="free")
    vat = vat_of(supply)
    invoice = Invoice.objects.create(
        tenant=tenant,
        subscription=subscription,
        number=f"{month.replace('-', '')}-{tenant.pk:06d}",
        month=month,
        plan_name=subscription.plan.name,
        supply_amount=supply,
        vat_amount=vat,
        billed_from=share.first if share else None,
        billed_to=share.last if share else None,
        billed_days=share.days if share else None,
        total=supply + vat,
        issued_at=now,
        due_on=clock.local(now).date() + dt.timedelta(days=settings.BILLING_DUE_DAYS),
    )
    record(
        "billing.invoice_issue",
        actor=_who(actor),
        tenant_id=tenant.pk,
        subjects=[invoice.subject],
        purpose=PURPOSE,
        detail={
            "invoice": invoice.number,
            "total": invoice.total,
            "billed_days": invoice.billed_days,
            "system": _who(actor) is None,
        },
    )
    _sync_unpaid_hold(actor, tenant)
    # With the database task backend the task row commits or rolls back with the invoice.
    tasks.send_invoice_issued.enqueue(invoice.pk)
    return invoice


def issue_month(actor: Any, month: str) -> tuple[list[Invoice], int]:
    """Issue the month's invoice of every tenant that used a paid plan in it. Each tenant in
    its own transaction, so a rerun issues only what is missing."""
    start, following = books.parse_month(month)
    if start > clock.local(clock.now()):
        raise ValidationError("아직 시작되지 않은 달의 청구서는 발행할 수 없습니다.", code="month")
    tenants = (
        Tenant.objects.filter(subscriptions__started_at__lt=following)
        .exclude(invoices__month=month)
        .distinct()
        .order_by("pk")
    )
    issued, skipped = [], 0
    for tenant in tenants:
        try:
            issued.append(do_issue_invoice(actor, tenant, month))
        except ValidationError:
            skipped += 1
    return issued, skipped


def notify_overdue(actor: Any) -> int:
    """The daily run: tell the owners of every invoice still unpaid after its due date,
    once per invoice. Returns how many invoices were newly found overdue."""
    today = clock.local(clock.now()).date()
    late = Invoice.objects.filter(
        status=InvoiceStatus.ISSUED, due_on__lt=today, overdue_notified_at__isnull=True
    )
    return sum(_mark_overdue(actor, pk) for pk in late.values_list("pk", flat=True))


@transaction.atomic
def _mark_overdue(actor: Any, invoice_id: int) -> bool:
    _operator(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    today = clock.local(clock.now()).date()
    if (
        invoice.status != InvoiceStatus.ISSUED
        or invoice.due_on >= today
        or invoice.overdue_notified_at is not None
        or books.outstanding(invoice) <= 0
    ):
        return False
    invoice.overdue_notified_at = clock.now()
    invoice.save(update_fields=["overdue_notified_at"])
    record(
        "billing.invoice_overdue",
        actor=_who(actor),
        tenant_id=invoice.tenant_id,
        subjects=[invoice.subject],
        purpose=PURPOSE,
        detail={"invoice": invoice.number, "outstanding": books.outstanding(invoice)},
    )
    tasks.send_invoice_overdue.enqueue(invoice.pk)
    return True


@transaction.atomic
def do_cancel_invoice(actor: Any, invoice: Invoice, *, reason: str) -> None:
    """Waive an invoice nothing has been paid on (refund first if something was)."""
    _operator(actor)
    _locked(invoice.tenant)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("청구 취소 사유를 입력하세요.", code="reason")
    if invoice.status != InvoiceStatus.ISSUED:
        raise ValidationError("미납 상태의 청구서만 취소할 수 있습니다.", code="settled")
    if books.net_received(invoice) > 0:
        raise ValidationError(
            "입금된 금액이 있는 청구서는 먼저 환불한 뒤 취소할 수 있습니다.", code="paid"
        )
    invoice.status = InvoiceStatus.CANCELLED
    invoice.settled_at = clock.now()
    invoice.cancel_reason = reason[:200]
    invoice.save(update_fields=["status", "settled_at", "cancel_reason"])
    record(
        "billing.invoice_cancel",
        actor=_who(actor),
        tenant_id=invoice.tenant_id,
        subjects=[invoice.subject],
        purpose=PURPOSE,
        reason=reason[:200],
        detail={"invoice": invoice.number},
    )
    _sync_unpaid_hold(actor, invoice.tenant)


@transaction.atomic
def do_end_contract(actor: Any, tenant: Tenant, *, reason: str = "", by_owner: bool = False) -> int:
    """The service contract ends (해지), at the operator's billing desk or (`by_owner`) by
    the seller's owner. Returns how many invoices are still unpaid: while any is, its
    owners' data and its billing records are held (C4-03)."""
    if by_owner:
        _owner(actor, tenant)
    else:
        _operator(actor)
    tenant = _locked(tenant)
    if tenant.contract_ended_at is not None:
        raise ValidationError("이미 해지된 계약입니다.", code="ended")
    now = clock.now()
    tenant.contract_ended_at = now
    tenant.save(update_fields=["contract_ended_at"])
    Subscription.objects.filter(tenant=tenant, ended_at__isnull=True).update(ended_at=now)
    reprorated = _bill_ending_month_by_the_day(actor, tenant)
    last_bills = _issue_last_bills(tenant)
    unpaid = Invoice.objects.filter(tenant=tenant, status=InvoiceStatus.ISSUED).count()
    record(
        "billing.contract_end",
        actor=_who(actor),
        tenant_id=tenant.pk,
        reason=(reason or "").strip()[:200],
        detail={
            "unpaid_invoices": unpaid,
            "last_bills": last_bills,
            "reprorated": reprorated,
            "by": "owner" if by_owner else "operator",
        },
    )
    # Holds are the system's to place for an owner's own ending, as for a payment's.
    _sync_unpaid_hold(access.SYSTEM if by_owner else actor, tenant)
    return unpaid


def _bill_ending_month_by_the_day(actor: Any, tenant: Tenant) -> dict[str, Any] | None:
    """An invoice issued before the ending for the month the contract ends in (the desk can
    issue a running month) billed the whole month: it is brought down to the days used, as
    a bill issued after the ending is, with its totals before and after on record. Unpaid,
    the seller is sent it again; paid, what was paid beyond it shows as a refund due
    (books.refund_due) for the billing desk to give back. Returns what changed, if anything."""
    today = clock.local(clock.now())
    month = f"{today.year:04d}-{today.month:02d}"
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("subscription__plan")
        .filter(tenant=tenant, month=month)
        .first()
    )
    if invoice is None or invoice.status == InvoiceStatus.CANCELLED or not invoice.subscription:
        return None
    share = month_share(tenant, month)
    supply = supply_for(invoice.subscription.plan.monthly_price, share)
    if share is None or supply >= invoice.supply_amount:
        return None
    before = invoice.total
    invoice.supply_amount, invoice.vat_amount = supply, vat_of(supply)
    invoice.total = supply + invoice.vat_amount
    invoice.billed_from, invoice.billed_to = share.first, share.last
    invoice.billed_days = share.days
    fields = ["supply_amount", "vat_amount", "total", "billed_from", "billed_to", "billed_days"]
    if invoice.status == InvoiceStatus.ISSUED and books.net_received(invoice) >= invoice.total:
        invoice.status, invoice.settled_at = InvoiceStatus.PAID, clock.now()
        fields += ["status", "settled_at"]
    invoice.save(update_fields=fields)
    changed = {"invoice": invoice.number, "before": before, "after": invoice.total}
    record(
        "billing.invoice_reprorate",
        actor=_who(actor),
        tenant_id=tenant.pk,
        subjects=[invoice.subject],
        purpose=PURPOSE,
        detail={**changed, "billed_days": share.days, "system": _who(actor) is None},
    )
    if invoice.status == InvoiceStatus.ISSUED:
        tasks.send_invoice_issued.enqueue(invoice.pk, corrected=True)
    return changed


def _issue_last_bills(tenant: Tenant) -> list[str]:
    """The invoices a contract's end leaves to issue — the ending month, by the day, and
    any earlier month not yet invoiced — issued with the ending, so that the fees are owed
    (and the unpaid-fees hold placed) while someone can still be told and pay: an only
    owner may be leaving with the contract. Returns the invoice numbers."""
    began = (
        Subscription.objects.filter(tenant=tenant)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if began is None:
        return []
    first, last = clock.local(began).date(), clock.local(clock.now()).date()
    billed = set(Invoice.objects.filter(tenant=tenant).values_list("month", flat=True))
    issued = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        name = f"{year:04d}-{month:02d}"
        # A free plan, or nothing to bill that month, is no bill.
        if name not in billed:
            with contextlib.suppress(ValidationError):
                issued.append(do_issue_invoice(access.SYSTEM, tenant, name).number)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return issued


def hold_reference(tenant: Tenant) -> str:
    return f"billing:{tenant.pk}"


def unpaid_hold_subjects(tenant: Tenant) -> list[str]:
    """What the unpaid-fees hold covers: the contracting party and the records of the fees
    (C4-03) — each owner's member data, each invoice (a line of the transaction book) and
    each contract record. Never the seller's customers: their shipping data is a third
    party's, due 90 days after delivery whatever the seller owes (C4-00, C7-02)."""
    owners = Member.objects.filter(
        memberships__tenant=tenant, memberships__role=TenantRole.OWNER
    ).values_list("subject", flat=True)
    invoices = Invoice.objects.filter(tenant=tenant).values_list("subject", flat=True)
    contracts = Subscription.objects.filter(tenant=tenant).values_list("subject", flat=True)
    return sorted({*owners, *invoices, *contracts} - {""})


def _sync_unpaid_hold(actor: Any, tenant: Tenant) -> None:
    """Place or release the unpaid-fees holds so that they match the books: one subject
    hold per thing `unpaid_hold_subjects` names, all under the tenant's reference. No hold
    on the whole tenant (that would keep its customers' data too); one left by an earlier
    version is released here."""
    tenant = Tenant.objects.get(pk=tenant.pk)
    reference = hold_reference(tenant)
    active = list(Hold.objects.filter(reference=reference, released_at__isnull=True))
    owes = (
        tenant.contract_ended_at is not None
        and Invoice.objects.filter(tenant=tenant, status=InvoiceStatus.ISSUED).exists()
    )
    if not owes:
        for hold in active:
            retention_actions.do_release_hold(actor, hold, reason="미납 이용요금 완납")
        return
    for hold in active:
        if hold.tenant_id is not None:
            retention_actions.do_release_hold(actor, hold, reason=TENANT_WIDE_RELEASE)
    reason = "해지 후 미납 이용요금: 완납 시까지 보존"
    held = {h.subject for h in active if h.subject}
    for subject in unpaid_hold_subjects(tenant):
        if subject not in held:
            retention_actions.do_place_hold(
                actor, kind=HoldKind.UNPAID, subject=subject, reason=reason, reference=reference
            )


TENANT_WIDE_RELEASE = "미납 보존은 대표자 정보와 요금 기록에만 적용 (고객 배송정보 제외)"
