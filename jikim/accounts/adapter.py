"""allauth hooks: our lockout, recorded failures, Korean-first defaults, and addresses that
allauth never sees (it works on stand-ins, jikim.accounts.emails)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _

from jikim import clock
from jikim.accounts import emails, lockout
from jikim.audit.context import client_ip
from jikim.audit.records import Action, record
from jikim.vault import access
from jikim.vault.masking import mask_email


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login_id = str(credentials.get("username") or "")
        ip = client_ip(request)
        until = lockout.locked_until(login_id, ip)
        if until is not None:
            with transaction.atomic():
                lockout.record_failure(login_id, ip, refused=True)
                record(Action.LOGIN_REFUSED, detail={"until": until.isoformat()})
            when = formats.time_format(clock.local(until), "H:i")
            raise ValidationError(
                _(
                    "로그인에 연속으로 실패하여 잠시 로그인할 수 없습니다. "
                    "%(when)s 이후에 다시 시도하세요."
                )
                % {"when": when},
                code="locked_out",
            )
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login_id = str(credentials.get("username") or "")
        with transaction.atomic():
            failure = lockout.record_failure(login_id, client_ip(request))
            record(
                Action.LOGIN_FAILED,
                subjects=[f"member:{failure.member_id}"] if failure.member_id else [],
            )

    # allauth sees stand-ins, never addresses (jikim.accounts.emails): a typed address
    # becomes its stand-in here, and a stand-in becomes the address again only to send
    # a mail or to show the member a masked message.

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if emails.is_reserved(email):
            raise ValidationError(_("올바른 이메일 주소를 입력하세요."), code="invalid")
        return emails.remember(email)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        address = emails.typed(user.email)
        if address:
            emails.assign(user, address)
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        address = emails.behind(email)
        if address:
            super().send_mail(template_prefix, address, context)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        if message_context:
            reader = request.user if request.user.is_authenticated else access.SYSTEM
            message_context = {
                key: mask_email(emails.behind(value, action="view", actor=reader))
                if emails.is_standin(value)
                else value
                for key, value in message_context.items()
            }
        super().add_message(request, level, message_template, message_context, extra_tags, message)


class MfaAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user: Any) -> str:
        # The account's e-mail field holds only its stand-in: authenticator apps show the
        # login ID instead.
        return str(user.login_id)
