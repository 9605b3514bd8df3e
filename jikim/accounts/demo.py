"""Demo population for `jikim seed_demo`: two sellers and an operator privacy officer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from jikim.accounts import actions
from jikim.accounts.models import ConsentChannel, Member, Membership, Tenant
from jikim.accounts.roles import OperatorRole, TenantRole


@dataclass(frozen=True)
class DemoAccount:
    login_id: str
    password: str | None  # None when the account already existed
    note: str


def _password() -> str:
    return "demo" + secrets.token_hex(5)


def _member(login_id: str, email: str, company: str) -> tuple[Member, str | None]:
    existing = Member.objects.filter(login_id=login_id).first()
    if existing is not None:
        return existing, None
    password = _password()
    member = Member.objects.create_user(
        login_id,
        email,
        password,
        company_name=company,
        company_phone="0212345678",
        mobile="01012345678",
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member, password


def _seller(slug: str, login_id: str, email: str, company: str) -> DemoAccount:
    member, password = _member(login_id, email, company)
    if not Tenant.objects.filter(slug=slug).exists():
        membership = actions.do_complete_signup(
            member, company_name=company, channel=ConsentChannel.WEB
        )
        Tenant.objects.filter(pk=membership.tenant_id).update(slug=slug)
    elif not Membership.objects.filter(tenant__slug=slug, member=member).exists():
        Membership.objects.create(
            tenant=Tenant.objects.get(slug=slug), member=member, role=TenantRole.OWNER
        )
    return DemoAccount(login_id, password, f"판매자 '{company}' 대표 (/t/{slug}/)")


@transaction.atomic
def seed() -> list[DemoAccount]:
    accounts = [
        _seller("demo", "demo", "demo@jikim.local", "데모상점"),
        _seller("demo2", "demo2", "demo2@jikim.local", "두번째상점"),
    ]
    officer, password = _member("privacy", "privacy@jikim.local", "지킴 운영사")
    if officer.operator_role != OperatorRole.PRIVACY_OFFICER:
        actions.do_set_operator_role(None, officer, OperatorRole.PRIVACY_OFFICER)
    accounts.append(
        DemoAccount(
            "privacy", password, "운영사 개인정보 보호책임자 (/console/, 첫 접속 시 OTP 설정)"
        )
    )
    return accounts
