from typing import Any

from django.core.management.base import BaseCommand

from jikim.accounts import demo


class Command(BaseCommand):
    help = (
        "데모 판매자 두 곳(demo, demo2)과 운영사 개인정보 보호책임자를 만듭니다. "
        "여러 번 실행해도 안전합니다."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for account in demo.seed():
            if account.password:
                self.stdout.write(
                    f"  {account.note}: 로그인ID {account.login_id} / 비밀번호 {account.password}"
                )
            else:
                self.stdout.write(f"  {account.note}: 로그인ID {account.login_id} (이미 있음)")
        self.stdout.write("데모 데이터 준비 완료. 비밀번호는 처음 만들 때 한 번만 표시됩니다.")
