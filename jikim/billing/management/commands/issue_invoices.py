from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jikim.billing import actions
from jikim.vault import access


class Command(BaseCommand):
    help = (
        "한 달치 이용요금 청구서를 유료 요금제를 쓴 판매자마다 한 장씩 발행합니다. "
        "이미 발행된 판매자는 건너뛰므로 다시 실행해도 안전합니다."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="이용월, YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            issued, skipped = actions.issue_month(access.SYSTEM, options["month"])
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        self.stdout.write(f"issued {len(issued)} invoice(s), skipped {skipped}")
