from typing import Any

from django.core.management.base import BaseCommand

from jikim.billing import actions
from jikim.vault import access


class Command(BaseCommand):
    help = (
        "납부기한이 지난 미납 청구서마다 판매자 대표에게 안내 메일을 한 번 보냅니다. "
        "하루 한 번 실행하세요. 이미 안내한 청구서는 건너뜁니다."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = actions.notify_overdue(access.SYSTEM)
        self.stdout.write(f"notified {count} overdue invoice(s)")
