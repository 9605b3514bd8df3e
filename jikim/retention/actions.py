"""State changes of retention: holds, approvals, a seller's shorter period. Each takes the
acting member and is recorded in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.audit.records import record
from jikim.retention import rules
from jikim.retention.models import DestructionItem, Hold, HoldKind, ItemStatus, TenantRetention


def _name(actor: Any) -> str:
    return getattr(actor, "login_id", "") or "system"


@transaction.atomic
def do_place_hold(
    actor: Any,
    *,
    kind: str,
    reason: str,
    subject: str = "",
    tenant: Tenant | None = None,
    document: str = "",
    reference: str = "",
) -> Hold:
    if kind not in HoldKind.values:
        raise ValidationError("알 수 없는 보존 사유입니다.", code="kind")
    if bool(subject) == bool(tenant):
        raise ValidationError(
            "보존 대상은 정보주체 하나 또는 판매자 하나여야 합니다.", code="target"
        )
    if kind == HoldKind.LEGAL and not document.strip():
        raise ValidationError("법적 보존에는 근거 문서가 필요합니다.", code="document")
    hold = Hold.objects.create(
        kind=kind,
        subject=subject,
        tenant=tenant,
        reason=reason[:200],
        document=document[:200],
        reference=reference[:60],
        placed_by_id=getattr(actor, "pk", None),
        placed_by_name=_name(actor),
    )
    # Anything already planned for destruction goes back to the schedule.
    planned = DestructionItem.objects.exclude(status=ItemStatus.DONE)
    if subject:
        planned.filter(subject=subject).delete()
    else:
        planned.filter(tenant_id=tenant.pk if tenant else None).delete()
    record(
        "retention.hold",
        actor=getattr(actor, "pk", None) and actor,
        tenant_id=tenant.pk if tenant else None,
        subjects=[subject] if subject else [],
        reason=reason[:200],
        detail={"hold": hold.pk, "kind": kind, "document": document[:200]},
    )
    return hold


@transaction.atomic
def do_release_hold(actor: Any, hold: Hold, *, reason: str = "") -> None:
    """Releasing reschedules: the next sweep finds anything now overdue and destroys it."""
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        return
    hold.released_at = clock.now()
    hold.released_by_name = _name(actor)
    hold.save(update_fields=["released_at", "released_by_name"])
    record(
        "retention.hold_release",
        actor=getattr(actor, "pk", None) and actor,
        tenant_id=hold.tenant_id,
        subjects=[hold.subject] if hold.subject else [],
        reason=reason[:200],
        detail={"hold": hold.pk, "kind": hold.kind},
    )


@transaction.atomic
def do_approve(actor: Any) -> int:
    """The privacy officer approves every batch waiting for approval."""
    waiting = DestructionItem.objects.filter(status=ItemStatus.AWAITING_APPROVAL)
    count = waiting.update(status=ItemStatus.PLANNED, approved_by=_name(actor))
    record("retention.approve", actor=actor, detail={"items": count})
    return count


@transaction.atomic
def do_set_shipping_days(actor: Any, tenant: Tenant, days: int) -> None:
    """A seller may keep its shipping data for fewer days than the policy's default."""
    rule = rules.rule("shipping_purpose_met")
    default = rule.period.amount if rule.period else 90
    if not 1 <= days <= default:
        raise ValidationError(f"보관일수는 1일에서 {default}일 사이여야 합니다.", code="range")
    before = getattr(
        TenantRetention.objects.filter(tenant=tenant).first(), "shipping_days", default
    )
    TenantRetention.objects.update_or_create(tenant=tenant, defaults={"shipping_days": days})
    record(
        "retention.tenant_period",
        actor=actor,
        tenant_id=tenant.pk,
        detail={"before": before, "after": days},
    )
