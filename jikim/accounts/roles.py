"""Who may do what: the seller staff roles and the operator roles (least privilege, C9-06)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TenantRole(models.TextChoices):
    OWNER = "owner", _("대표")
    MANAGER = "manager", _("관리자")
    CS_AGENT = "cs_agent", _("CS 상담원")
    VIEWER = "viewer", _("조회 전용")


class OperatorRole(models.TextChoices):
    PRIVACY_OFFICER = "privacy_officer", _("개인정보 보호책임자")
    CS_STAFF = "cs_staff", _("운영 CS 담당")
    ADMIN = "admin", _("시스템 관리자")


# One place to read the permission model. A permission not listed for a role is denied.
TENANT_PERMISSIONS: dict[str, frozenset[str]] = {
    "view_orders": frozenset({"owner", "manager", "cs_agent", "viewer"}),
    "edit_orders": frozenset({"owner", "manager", "cs_agent"}),
    "import_orders": frozenset({"owner", "manager"}),
    "unmask": frozenset({"owner", "manager", "cs_agent"}),
    "export": frozenset({"owner", "manager"}),
    "manage_staff": frozenset({"owner", "manager"}),
    "manage_api_keys": frozenset({"owner"}),
    "manage_tenant": frozenset({"owner"}),
    # Customer complaints (CS cases) and consultation recordings (jikim.cases).
    "handle_cases": frozenset({"owner", "manager", "cs_agent"}),
    "play_recordings": frozenset({"owner", "manager", "cs_agent"}),
    # The seller's plan, invoices and payments (jikim.billing): the contracting owner only.
    "billing": frozenset({"owner"}),
}

OPERATOR_PERMISSIONS: dict[str, frozenset[str]] = {
    "console": frozenset({"privacy_officer", "cs_staff", "admin"}),
    "review_access": frozenset({"privacy_officer"}),
    "manage_operators": frozenset({"privacy_officer", "admin"}),
    "django_admin": frozenset({"admin"}),
    # Members' complaints and the operator's consultation recordings (jikim.cases).
    "handle_cases": frozenset({"privacy_officer", "cs_staff"}),
    "play_recordings": frozenset({"privacy_officer", "cs_staff"}),
    # Invoices, confirming bank transfers, refunds, ending contracts (jikim.billing).
    "manage_billing": frozenset({"cs_staff", "admin"}),
}


# What each permission lets a member do, as the staff page explains the roles.
PERMISSION_LABELS: dict[str, str | Promise] = {
    "view_orders": _("주문·고객 검색과 조회 (가려진 정보)"),
    "edit_orders": _("송장번호 입력, 정보주체 요구 처리"),
    "import_orders": _("주문 파일 올리기"),
    "unmask": _("가려진 정보 원문 보기 (사유 기록)"),
    "export": _("개인정보가 담긴 파일 내려받기"),
    "manage_staff": _("직원 초대·역할 변경"),
    "manage_api_keys": _("API 키 발급"),
    "manage_tenant": _("보관 기간 등 회사 설정"),
    "handle_cases": _("CS·민원 처리"),
    "play_recordings": _("상담 녹음 듣기"),
    "billing": _("요금·결제"),
}


def role_guide() -> list[tuple[str, list[str]]]:
    """Each role with what it may do, from the permission model itself."""
    return [
        (
            str(role.label),
            [str(label) for p, label in PERMISSION_LABELS.items() if tenant_role_allows(role, p)],
        )
        for role in TenantRole
    ]


def tenant_role_allows(role: str, permission: str) -> bool:
    return role in TENANT_PERMISSIONS.get(permission, frozenset())


# A seller whose contract has ended takes in no new personal data and gives no one new
# access: no order files, no API keys (existing ones stop working), no staff invitations
# (accounts.actions asks `require_open_contract`). Reading, downloading (the notice period
# is for taking the data away), answering data subjects and complaints, and removing staff
# remain.
CLOSED_AFTER_CONTRACT = frozenset({"import_orders", "manage_api_keys"})
CONTRACT_ENDED_MESSAGE = _(
    "서비스 계약이 해지된 회사라 새 주문을 받거나 API 키를 만들거나 직원을 초대할 수 "
    "없습니다. 파기 전까지 조회·내려받기와 정보주체 요구·민원 처리는 할 수 있습니다."
)


class ContractEnded(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(str(CONTRACT_ENDED_MESSAGE))


def tenant_allows(role: str, permission: str, *, contract_ended: bool = False) -> bool:
    """The role's permission at a seller, closed where the seller's contract has ended."""
    if contract_ended and permission in CLOSED_AFTER_CONTRACT:
        return False
    return tenant_role_allows(role, permission)


def require_open_contract(tenant: Any) -> None:
    if tenant.contract_ended_at is not None:
        raise ContractEnded


def operator_role_allows(role: str, permission: str) -> bool:
    return role in OPERATOR_PERMISSIONS.get(permission, frozenset())


def assignable_roles(actor_role: str) -> list[str]:
    """A manager may hand out roles below owner; only an owner makes another owner."""
    if actor_role == TenantRole.OWNER:
        return [r.value for r in TenantRole]
    if actor_role == TenantRole.MANAGER:
        return [TenantRole.MANAGER, TenantRole.CS_AGENT, TenantRole.VIEWER]
    return []
