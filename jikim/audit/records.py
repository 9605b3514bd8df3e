"""Writing access records. Call inside the transaction of the act being recorded."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jikim import clock
from jikim.audit import context
from jikim.audit.models import AccessRecord


class Action:
    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGIN_REFUSED = "login.refused_locked"
    LOGOUT = "logout"
    SIGNUP = "member.signup"
    PROFILE_UPDATE = "member.update"
    WITHDRAW = "member.withdraw"
    ROLE_GRANT = "role.grant"
    ROLE_CHANGE = "role.change"
    ROLE_REVOKE = "role.revoke"
    INVITE = "staff.invite"
    INVITE_REVOKE = "staff.invite_revoke"
    OPERATOR_ROLE = "operator_role.change"
    VIEW = "view"


def record(
    action: str,
    *,
    actor: Any = None,
    tenant_id: int | None = None,
    subjects: list[str] | None = None,
    purpose: str = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessRecord:
    """Append one access record. `subjects` are pseudonymous ids such as `member:12`."""
    origin = context.current()
    with transaction.atomic():
        return AccessRecord.objects.create(
            at=clock.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=getattr(actor, "login_id", "") or "",
            tenant_id=tenant_id,
            ip=origin.ip,
            action=action,
            subjects=subjects or [],
            purpose=purpose,
            reason=reason,
            request_id=origin.request_id,
            detail=detail or {},
        )


def member_subject(member_id: int | None) -> str:
    return f"member:{member_id}"
