"""Grant, change or take away an operator role from the server's shell: the first privacy
officer of a new installation is named here (the console needs one to exist). Recorded in
the permission-change log as done from the command line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jikim.accounts import actions
from jikim.accounts.models import Member
from jikim.accounts.roles import OperatorRole


class Command(BaseCommand):
    help = (
        "운영자 역할 지정·변경·회수: operator_role 로그인ID 역할 --reason 사유 (역할 none = 회수)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("login_id")
        parser.add_argument("role", choices=[*OperatorRole.values, "none"])
        parser.add_argument("--reason", required=True, help="권한 변경 기록에 남는 사유")

    def handle(self, *args: Any, login_id: str, role: str, reason: str, **options: Any) -> None:
        member = Member.objects.filter(login_id=login_id, withdrawn_at__isnull=True).first()
        if member is None:
            raise CommandError(f"로그인ID '{login_id}'인 회원이 없습니다.")
        wanted = "" if role == "none" else role
        try:
            actions.do_set_operator_role(None, member, wanted, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        label = OperatorRole(wanted).label if wanted else "역할 없음"
        self.stdout.write(f"{login_id}: {label}")
