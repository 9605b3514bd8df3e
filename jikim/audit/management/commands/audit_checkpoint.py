from typing import Any

from django.core.management.base import BaseCommand

from jikim.audit import checkpoints


class Command(BaseCommand):
    help = (
        "Sign a checkpoint of the access-record chain's head (database and export file). "
        "Run hourly from cron, e.g. `0 * * * * jikim audit_checkpoint`; does nothing when "
        "no record was written since the last checkpoint."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        mark = checkpoints.make_checkpoint()
        if mark is None:
            self.stdout.write("새 접속기록이 없어 체크포인트를 만들지 않았습니다.")
        else:
            self.stdout.write(f"체크포인트 서명: seq {mark.seq} ({mark.at}, 키 {mark.key_id})")
