"""What the request's steps share: each step written to its own history and to the access
record, moving it from state to state on record, the reasons a refusal, partial answer or
delay must state, and lifting its freeze and holds at the end."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError

from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.retention import actions as retention_actions
from jikim.retention.models import Hold
from jikim.rights.models import ContactDigest, Event, Frozen, Request

DEFAULT_OBJECTION_ROUTE = (
    "이 결과에 이의가 있으면 통지를 받은 날부터 회사의 개인정보 보호책임자에게 이의를 제기하거나, "
    "개인정보 침해신고센터(118), 개인정보 분쟁조정위원회(1833-6972) 또는 행정심판·행정소송을 "
    "통해 구제를 받을 수 있습니다."
)


def actor_name(actor: Any) -> str:
    return getattr(actor, "login_id", "") or "system"


def code_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def joined(first: str, second: str, limit: int) -> str:
    return " / ".join(p.strip() for p in (first, second) if p.strip())[:limit]


def record_step(
    req: Request,
    actor: Any,
    *,
    action: str,
    to_state: str,
    from_state: str = "",
    note: str = "",
    subjects: list[str] | None = None,
    purpose: str = "",
    detail: dict[str, Any],
) -> None:
    """A step of the request on both records: a line of its own history (what staff and the
    requester see) and the access record (what the privacy officer reviews). `subjects`
    defaults to the request itself."""
    Event.objects.create(
        request=req,
        actor_name=actor_name(actor),
        from_state=from_state,
        to_state=to_state,
        note=note[:300],
    )
    record(
        action,
        actor=actor if isinstance(actor, Member) else None,
        tenant_id=req.tenant_id,
        subjects=[req.subject] if subjects is None else subjects,
        purpose=purpose,
        detail=detail,
    )


def move(
    req: Request, actor: Any, to: str, note: str = "", *, extra: dict[str, Any] | None = None
) -> None:
    before = req.state
    req.state = to
    record_step(
        req,
        actor,
        action=f"rights.{to}",
        from_state=before,
        to_state=to,
        note=note,
        subjects=[req.subject, *req.subjects],
        purpose="complaint_handling",
        detail={"request": req.pk, "kind": req.kind, "from": before, "to": to, **(extra or {})},
    )


def require_reasons(reason: str, legal_basis: str, objection_route: str) -> None:
    if not reason.strip() or not legal_basis.strip() or not objection_route.strip():
        raise ValidationError(
            "거절·일부 처리·연기에는 사유, 법적 근거, 이의제기 방법을 모두 적어야 합니다.",
            code="reasons",
        )


def unfreeze_and_release(
    actor: Any,
    req: Request,
    *,
    keep_suspension: bool = False,
    until_destroyed: Collection[str] = (),
) -> None:
    """Lift the request's freeze — except on a suspension that was granted, and on data a
    deletion could not destroy because a hold keeps it: that stays out of use until the
    first sweep after the hold destroys it (C6-03, jikim.rights.retention_sources)."""
    if until_destroyed:
        Frozen.objects.bulk_create(
            [Frozen(subject=s, request=req) for s in until_destroyed], ignore_conflicts=True
        )
        Frozen.objects.filter(request=req, subject__in=until_destroyed).update(until_destroyed=True)
    if not keep_suspension:
        Frozen.objects.filter(request=req).exclude(subject__in=until_destroyed).delete()
        # Cases opened from now on under the person's phone are no longer the request's.
        ContactDigest.objects.filter(request=req).delete()
    for hold in Hold.objects.filter(reference=f"request:{req.pk}", released_at__isnull=True):
        retention_actions.do_release_hold(actor, hold, reason="요구 처리 완료")
