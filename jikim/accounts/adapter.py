"""allauth hooks: our lockout, recorded failures, and Korean-first defaults."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import formats

from jikim import clock
from jikim.accounts import lockout
from jikim.audit.context import client_ip
from jikim.audit.records import Action, record


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
                "로그인에 연속으로 실패하여 잠시 로그인할 수 없습니다. "
                f"{when} 이후에 다시 시도하세요.",
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
