"""Every state change of members, tenants and roles. Each is atomic, takes the acting
member explicitly and writes its access record in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import (
    Consent,
    ConsentChannel,
    Invitation,
    Member,
    Membership,
    Tenant,
)
from jikim.accounts.roles import (
    OperatorRole,
    TenantRole,
    assignable_roles,
    require_open_contract,
    tenant_role_allows,
)
from jikim.audit.records import Action, member_subject, record
from jikim.policy import document
from jikim.vault import access

PROFILE_FIELDS = ("company_name", "company_phone", "mobile")


@transaction.atomic
def do_complete_signup(
    member: Member,
    *,
    company_name: str,
    channel: str = ConsentChannel.WEB,
    invitation: Invitation | None = None,
) -> Membership:
    """After the account row exists: its tenant (or the inviting one) and the consent (C3-01)."""
    policy = document.current()
    Consent.objects.create(
        member=member,
        purpose=policy.signup_consent.purpose,
        channel=channel,
        policy_version=policy.version,
        given_at=clock.now(),
    )
    if invitation is not None and invitation.is_open():
        membership = _join(member, invitation)
    else:
        tenant = Tenant.objects.create(slug=Tenant.new_slug(), name=company_name)
        membership = Membership.objects.create(tenant=tenant, member=member, role=TenantRole.OWNER)
        record(
            Action.ROLE_GRANT,
            actor=member,
            tenant_id=tenant.pk,
            subjects=[member_subject(member.pk)],
            detail={"target": member.pk, "before": "", "after": TenantRole.OWNER},
        )
    record(
        Action.SIGNUP,
        actor=member,
        tenant_id=membership.tenant_id,
        subjects=[member_subject(member.pk)],
        purpose="member_management",
        detail={"channel": channel, "policy_version": policy.version},
    )
    return membership


KEEP_AFTER_WITHDRAWAL = "keep_after_withdrawal"


@transaction.atomic
def do_record_consent(
    actor: Member,
    member: Member,
    *,
    purpose: str,
    channel: str,
    valid_until: dt.datetime | None = None,
) -> Consent:
    """A consent given by the member (web) or taken by staff through another channel (C3-01)."""
    if channel not in ConsentChannel.values:
        raise ValidationError("알 수 없는 동의 경로입니다.", code="channel")
    consent = Consent.objects.create(
        member=member,
        purpose=purpose,
        channel=channel,
        policy_version=document.current().version,
        given_at=clock.now(),
        valid_until=valid_until,
    )
    record(
        "consent.given",
        actor=actor,
        subjects=[member_subject(member.pk)],
        detail={
            "purpose": purpose,
            "channel": channel,
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return consent


@transaction.atomic
def do_update_profile(actor: Member, member: Member, **changes: str) -> list[str]:
    """Self-service edit of one's own items (C6-05). Returns the names of changed fields."""
    if actor.pk != member.pk:
        raise PermissionDenied
    changed = []
    current = access.reveal_rows(
        [member],
        ["company_phone", "mobile"],
        purpose="member_management",
        actor=actor,
        action="update",
    )[0]
    for field, value in changes.items():
        if field not in PROFILE_FIELDS:
            raise ValueError(f"not an editable profile field: {field}")
        old = current[field].value if field in current else getattr(member, field)
        if old != value:
            setattr(member, field, value)
            changed.append(field)
    if changed:
        member.save(update_fields=changed)
        record(
            Action.PROFILE_UPDATE,
            actor=actor,
            subjects=[member_subject(member.pk)],
            purpose="member_management",
            detail={"fields": changed},
        )
    return changed


def sole_owner_of(member: Member) -> list[Tenant]:
    """Sellers with a running contract whose only owner is this member: without them no one
    could pay, end the contract or name another owner."""
    owned = Tenant.objects.filter(
        memberships__member=member,
        memberships__role=TenantRole.OWNER,
        contract_ended_at__isnull=True,
    ).order_by("pk")
    return [tenant for tenant in owned if _owners(tenant) <= 1]


@transaction.atomic
def do_withdraw(actor: Member, *, refuse_sole_owner: bool = False) -> None:
    """Withdrawal (탈퇴): the account stops working at once, every session ends and the
    member leaves every seller (recorded as a revoked role).

    The data itself is kept one year for disputes, then destroyed by the retention rules.
    `refuse_sole_owner`: the member's own withdrawal is refused while they are the only
    owner of a seller with a running contract (`sole_owner_of`), which would be left with
    no one who may pay, end the contract or name an owner.
    """
    member = Member.objects.select_for_update().get(pk=actor.pk)
    if member.withdrawn_at is not None:
        return
    if refuse_sole_owner and (sellers := sole_owner_of(member)):
        names = ", ".join(f"'{t.name}'" for t in sellers)
        raise ValidationError(
            f"{names}의 유일한 대표라 탈퇴할 수 없습니다. 다른 직원을 대표로 지정하거나 "
            "서비스 계약을 먼저 해지하세요.",
            code="sole_owner",
        )
    member.withdrawn_at = clock.now()
    member.is_active = False
    # A new unusable hash changes the session auth hash, which ends every session.
    member.set_unusable_password()
    member.save(update_fields=["withdrawn_at", "is_active", "password"])
    for membership in Membership.objects.filter(member=member):
        _record_role(actor, membership.tenant_id, member.pk, membership.role, "")
        membership.delete()
    record(
        Action.WITHDRAW,
        actor=actor,
        subjects=[member_subject(member.pk)],
        purpose="member_management",
    )


def _require(actor: Member, tenant: Tenant, permission: str) -> Membership:
    membership = Membership.objects.filter(tenant=tenant, member=actor).first()
    if membership is None or not tenant_role_allows(membership.role, permission):
        raise PermissionDenied
    return membership


def _record_role(actor: Member, tenant_id: int, target_id: int, before: str, after: str) -> None:
    action = Action.ROLE_CHANGE
    if not before:
        action = Action.ROLE_GRANT
    elif not after:
        action = Action.ROLE_REVOKE
    record(
        action,
        actor=actor,
        tenant_id=tenant_id,
        subjects=[member_subject(target_id)],
        detail={"target": target_id, "before": before, "after": after},
    )


@transaction.atomic
def do_invite(actor: Member, tenant: Tenant, *, email: str, role: str) -> Invitation:
    mine = _require(actor, tenant, "manage_staff")
    require_open_contract(tenant)
    if role not in assignable_roles(mine.role):
        raise PermissionDenied
    invitation = Invitation.objects.create(
        tenant=tenant,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=clock.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record(
        Action.INVITE,
        actor=actor,
        tenant_id=tenant.pk,
        detail={"invitation": invitation.pk, "role": role},
    )
    from jikim.accounts.tasks import send_invitation

    # With the database task backend the task row commits or rolls back with the invitation.
    send_invitation.enqueue(invitation.pk)
    return invitation


@transaction.atomic
def do_revoke_invitation(actor: Member, invitation: Invitation) -> None:
    _require(actor, invitation.tenant, "manage_staff")
    if invitation.revoked_at or invitation.accepted_at:
        return
    invitation.revoked_at = clock.now()
    invitation.save(update_fields=["revoked_at"])
    forget_invitation_address(invitation, reason="invitation revoked")
    record(
        Action.INVITE_REVOKE,
        actor=actor,
        tenant_id=invitation.tenant_id,
        detail={"invitation": invitation.pk},
    )


def _join(member: Member, invitation: Invitation) -> Membership:
    membership, created = Membership.objects.get_or_create(
        tenant=invitation.tenant, member=member, defaults={"role": invitation.role}
    )
    invitation.accepted_at = clock.now()
    invitation.save(update_fields=["accepted_at"])
    forget_invitation_address(invitation, reason="invitation accepted")
    if created:
        _record_role(member, invitation.tenant_id, member.pk, "", invitation.role)
    return membership


def forget_invitation_address(invitation: Invitation, *, reason: str) -> None:
    """The invitee's address has one use, the invitation mail: once that is sent, or the
    invitation can no longer be used, its key is shredded (the daily sweep compacts the
    key ring)."""
    if invitation.email is None:
        return
    Invitation.objects.filter(pk=invitation.pk).update(email=None)
    invitation.email = None
    access.shred([invitation.subject], actor=access.SYSTEM, reason=reason, compact=False)


@transaction.atomic
def do_accept_invitation(actor: Member, invitation: Invitation) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.tenant.contract_ended_at is not None:
        raise ValidationError(
            "초대한 회사의 서비스 계약이 해지되어 합류할 수 없습니다.", code="contract_ended"
        )
    if not invitation.is_open():
        raise ValidationError("초대가 만료되었거나 이미 사용되었습니다.", code="invitation_closed")
    return _join(actor, invitation)


@transaction.atomic
def do_change_role(actor: Member, membership: Membership, role: str) -> None:
    mine = _require(actor, membership.tenant, "manage_staff")
    allowed = assignable_roles(mine.role)
    if role not in allowed or membership.role not in allowed:
        raise PermissionDenied
    if membership.role == role:
        return
    if membership.role == TenantRole.OWNER and _owners(membership.tenant) <= 1:
        raise ValidationError("대표는 최소 한 명 있어야 합니다.", code="last_owner")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    _record_role(actor, membership.tenant_id, membership.member_id, before, role)


@transaction.atomic
def do_revoke_membership(actor: Member, membership: Membership) -> None:
    mine = _require(actor, membership.tenant, "manage_staff")
    if membership.role not in assignable_roles(mine.role):
        raise PermissionDenied
    if membership.role == TenantRole.OWNER and _owners(membership.tenant) <= 1:
        raise ValidationError("대표는 최소 한 명 있어야 합니다.", code="last_owner")
    before = membership.role
    tenant_id, target = membership.tenant_id, membership.member_id
    membership.delete()
    _record_role(actor, tenant_id, target, before, "")


def _owners(tenant: Tenant) -> int:
    return Membership.objects.filter(tenant=tenant, role=TenantRole.OWNER).count()


@transaction.atomic
def do_set_operator_role(
    actor: Member | None, target: Member, role: str, *, reason: str = ""
) -> None:
    """Grant, change or revoke an operator role. `actor=None` only from the command line
    (the operator's own shell), which is recorded as such. The last privacy officer keeps
    the role: the policy names one, and only they review who read whose data."""
    if actor is not None:
        from jikim.accounts.roles import operator_role_allows

        if not operator_role_allows(actor.operator_role, "manage_operators"):
            raise PermissionDenied
    if role and role not in OperatorRole.values:
        raise ValueError("unknown operator role")
    given, target = target, Member.objects.select_for_update().get(pk=target.pk)
    if role and target.withdrawn_at is not None:
        raise ValidationError("탈퇴한 회원에게는 운영자 역할을 줄 수 없습니다.", code="withdrawn")
    before = target.operator_role
    if before == role:
        return
    officers = Member.objects.filter(operator_role=OperatorRole.PRIVACY_OFFICER)
    if before == OperatorRole.PRIVACY_OFFICER and officers.count() <= 1:
        raise ValidationError(
            "개인정보 보호책임자는 최소 한 명 있어야 합니다. 다른 사람을 먼저 지정하세요.",
            code="last_privacy_officer",
        )
    target.operator_role = given.operator_role = role
    target.save(update_fields=["operator_role"])
    record(
        Action.OPERATOR_ROLE,
        actor=actor,
        subjects=[member_subject(target.pk)],
        reason=reason.strip()[:200],
        detail={
            "target": target.pk,
            "before": before,
            "after": role,
            "via": "web" if actor else "cli",
        },
    )
