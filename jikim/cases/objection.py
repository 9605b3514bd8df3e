"""How a complainant objects to a result (C1-02): the result e-mail comes from a no-reply
address, so it names a contact that answers. A member's complaint to the operator: the
operator's privacy desk from the policy (§10), also as Reply-To. A seller's customer: the
seller's company phone (its owner's, as signed up), or the marketplace's seller inquiry."""

from __future__ import annotations

from dataclasses import dataclass

from jikim.accounts.models import Member
from jikim.accounts.roles import TenantRole
from jikim.cases.models import Case, CaseKind
from jikim.policy import registers
from jikim.vault import access


@dataclass(frozen=True)
class Objection:
    name: str
    phone: str
    email: str  # "" for none: then there is no Reply-To


def objection_contact(case: Case) -> Objection:
    if case.kind != CaseKind.SELLER or case.tenant is None:
        desk = registers.current().manager
        return Objection(f"지킴 {desk.role}", desk.phone, desk.email)
    owner = (
        Member.objects.filter(
            memberships__tenant=case.tenant,
            memberships__role=TenantRole.OWNER,
            withdrawn_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    phone = ""
    if owner is not None:
        phone = access.reveal(
            owner,
            "company_phone",
            purpose="complaint_handling",
            actor=access.SYSTEM,
            action="notify",
        ).value
    return Objection(case.tenant.name, phone, "")
