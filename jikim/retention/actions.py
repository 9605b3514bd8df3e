"""State changes of retention: holds, approvals, a seller's shorter period. Each takes the
acting member and is recorded in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Tenant
from jikim.audit.records import record
from jikim.retention import rules, subjects
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
    typed: bool = False,
) -> Hold:
    """Stop destruction of one subject's data or of a seller's. `typed`: the subject id
    was typed by a person, not taken from a stored row, so it must be one that stored data
    carries — a hold on a typo would protect nothing while the real data is destroyed."""
    if kind not in HoldKind.values:
        raise ValidationError("알 수 없는 보존 사유입니다.", code="kind")
    subject = subject.strip()
    if bool(subject) == bool(tenant):
        raise ValidationError(
            "보존 대상은 정보주체 하나 또는 판매자 하나여야 합니다.", code="target"
        )
    if kind == HoldKind.LEGAL and not document.strip():
        raise ValidationError("법적 보존에는 근거 문서가 필요합니다.", code="document")
    if kind == HoldKind.UNPAID and tenant is not None:
        # Unpaid fees keep the contracting party's data and the fee records (billing places
        # those holds itself), never the seller's customers' data (C4-03, C4-00).
        raise ValidationError(
            "요금 미납 보존은 판매자 전체에 걸 수 없습니다. 미납이 있으면 대표의 회원 정보와 "
            "요금 기록에 자동으로 걸리며, 판매자의 고객 정보는 보관 기간에 따라 파기됩니다.",
            code="unpaid_tenant",
        )
    if typed and subject:
        found = subjects.standing(subject)
        if found is subjects.Standing.UNKNOWN:
            raise ValidationError(
                "이 정보주체 ID를 가진 데이터가 없습니다. ID를 다시 확인하세요 "
                "(보존 조치는 실제로 저장된 데이터에만 걸 수 있습니다).",
                code="unknown_subject",
            )
        if found is subjects.Standing.DESTROYED:
            raise ValidationError(
                "이 정보주체의 데이터는 이미 파기되어(데이터 키 삭제) 보존할 것이 없습니다.",
                code="destroyed_subject",
            )
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
def do_release_hold(actor: Any, hold: Hold, *, reason: str) -> None:
    """Releasing reschedules: the next sweep finds anything now overdue and destroys it.
    Data then goes, so the release says why (kept on the hold and in the record)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "해제 사유를 입력하세요. 해제하면 다음 파기 작업에서 파기될 수 있습니다.",
            code="reason",
        )
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        return
    hold.released_at = clock.now()
    hold.released_by_name = _name(actor)
    hold.release_reason = reason[:200]
    hold.save(update_fields=["released_at", "released_by_name", "release_reason"])
    record(
        "retention.hold_release",
        actor=getattr(actor, "pk", None) and actor,
        tenant_id=hold.tenant_id,
        subjects=[hold.subject] if hold.subject else [],
        reason=reason[:200],
        detail={"hold": hold.pk, "kind": hold.kind},
    )


@transaction.atomic
def do_approve(actor: Any, *, upto: int | None = None, group: str = "") -> int:
    """The privacy officer approves destruction waiting for approval: all of it, or one
    group (`forecast.Waiting.key`); with `upto`, only items up to the newest one they were
    shown — work planned after they looked waits for their next look. Who and when is kept
    on each item and goes into the ledger."""
    items = DestructionItem.objects.filter(status=ItemStatus.AWAITING_APPROVAL)
    scope: dict[str, Any] = {}
    if group:
        try:
            stage, source, rule_id, tenant = group.split("|")
            scope = {
                "stage": stage,
                "source": source,
                "rule": rule_id,
                "tenant": int(tenant) if tenant else None,
            }
        except ValueError:
            raise ValidationError("알 수 없는 승인 대상입니다.", code="group") from None
        items = items.filter(
            stage=stage,
            source=source,
            rule=rule_id,
            tenant_id=scope["tenant"],
        )
    if upto is not None:
        items = items.filter(pk__lte=upto)
    now = clock.now()
    count = items.update(status=ItemStatus.PLANNED, approved_by=_name(actor), approved_at=now)
    record(
        "retention.approve",
        actor=actor,
        tenant_id=scope.get("tenant"),
        detail={"items": count, "upto": upto, **{k: v for k, v in scope.items() if k != "tenant"}},
    )
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
