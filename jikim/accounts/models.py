"""Members (people who log in), seller tenants, staff memberships, consents, invitations."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models

from jikim import clock
from jikim.accounts.roles import OperatorRole, TenantRole
from jikim.vault.fields import PersonalDataField, SubjectField


class MemberManager(BaseUserManager["Member"]):
    use_in_migrations = True

    def create_user(
        self, login_id: str, email: str = "", password: str | None = None, **extra: Any
    ) -> Member:
        member = self.model(login_id=login_id, email=self.normalize_email(email), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(
        self, login_id: str, email: str = "", password: str | None = None, **extra: Any
    ) -> Member:
        extra.setdefault("operator_role", OperatorRole.ADMIN)
        extra.setdefault("is_superuser", True)
        return self.create_user(login_id, email, password, **extra)


class Member(AbstractBaseUser, PermissionsMixin):
    """A person with a login. Holds exactly the sign-up items of the policy (C2-01)."""

    login_id = models.CharField("로그인ID", max_length=30, unique=True)
    # What allauth looks accounts up by: a stand-in for the address, never the address
    # itself (jikim.accounts.emails). The address is `email_address`, in the vault.
    email = models.EmailField("이메일", max_length=254, blank=True, db_index=True)
    email_address = PersonalDataField("이메일 주소", category="member.email")
    # The address the member is changing to, until its verification link is followed.
    email_pending = PersonalDataField("변경 중인 이메일 주소", category="member.email")
    company_name = models.CharField("회사명", max_length=100)
    company_phone = PersonalDataField("회사전화번호", category="member.company_phone")
    mobile = PersonalDataField("휴대전화번호", category="member.mobile")
    subject = SubjectField(prefix="m")

    operator_role = models.CharField(
        "운영자 역할", max_length=20, choices=OperatorRole.choices, blank=True, default=""
    )
    is_active = models.BooleanField("활성", default=True)
    date_joined = models.DateTimeField("가입일시", default=clock.now)
    withdrawn_at = models.DateTimeField("탈퇴일시", null=True, blank=True)

    objects = MemberManager()

    USERNAME_FIELD = "login_id"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        verbose_name = "회원"
        verbose_name_plural = "회원"

    def __str__(self) -> str:
        return self.login_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or "email" in fields:
            from jikim.accounts import emails

            changed = False
            if self.email and not emails.is_standin(self.email):
                # An address given as such (create_user, createsuperuser): into the vault.
                emails.assign(self, self.email)
                changed = True
            elif not self.email and self.email_address is not None:
                # allauth removed the member's last address.
                self.email_address = None
                changed = True
            if changed and fields is not None:
                kwargs["update_fields"] = {*fields, "email_address"}
        super().save(*args, **kwargs)

    @property
    def is_staff(self) -> bool:
        """Django admin is reachable only by the operator's system administrators."""
        return self.operator_role == OperatorRole.ADMIN and self.is_active

    @property
    def is_operator(self) -> bool:
        return bool(self.operator_role) and self.is_active

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Tenant(models.Model):
    """A seller company. Everything a seller uploads belongs to exactly one tenant."""

    slug = models.SlugField("주소 식별자", max_length=40, unique=True)
    name = models.CharField("회사명", max_length=100)
    created_at = models.DateTimeField(default=clock.now)
    contract_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "판매자"
        verbose_name_plural = "판매자"

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_slug() -> str:
        return "s" + secrets.token_hex(4)


class Membership(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("역할", max_length=20, choices=TenantRole.choices)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "member"], name="one_membership_per_tenant")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.tenant_id}:{self.role}"


class ConsentChannel(models.TextChoices):
    """The channels of the policy's §3 ① (C3-01)."""

    WEB = "web", "홈페이지(웹 양식)"
    SERVICE_SCREEN = "service_screen", "서비스 화면"
    WRITTEN = "written", "서면"
    PHONE = "phone", "전화(SMS·MMS 포함)"
    MAIL = "mail", "우편"
    EMAIL = "email", "이메일"
    FAX = "fax", "팩스"
    OTHER = "other", "기타"


class Consent(models.Model):
    """A recorded consent: what, by whom, through which channel, when, under which policy."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=60)
    channel = models.CharField(max_length=20, choices=ConsentChannel.choices)
    policy_version = models.CharField(max_length=40)
    given_at = models.DateTimeField()
    # For consent to keeping data for a period (C4-02): until when.
    valid_until = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} ({self.channel}, {self.policy_version})"


class Invitation(models.Model):
    """An e-mailed invitation for a person to join a tenant's staff with a role.

    The invitee's address serves only to send the invitation: it is sealed under the
    invitation's own key, which is shredded once the mail is sent or the invitation closes.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    email = PersonalDataField("이메일", category="member.email")
    subject = SubjectField(prefix="i")
    role = models.CharField(max_length=20, choices=TenantRole.choices)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.pk} to {self.tenant_id}"

    def is_open(self) -> bool:
        """Usable: not accepted, revoked or expired, and the seller's contract running (an
        ended seller takes no one new in)."""
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and clock.now() < self.expires_at
            and self.tenant.contract_ended_at is None
        )


class LoginFailure(models.Model):
    """A failed or refused login. Keys are keyed hashes, never the typed login ID or the IP."""

    at = models.DateTimeField(db_index=True)
    login_key = models.CharField(max_length=64, db_index=True)
    ip_key = models.CharField(max_length=64, db_index=True)
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True)
    refused_while_locked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"login failure at {self.at:%Y-%m-%d %H:%M}"
