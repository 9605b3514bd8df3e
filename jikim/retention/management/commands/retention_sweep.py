from typing import Any

from django.core.management.base import BaseCommand

from jikim.retention import sweep


class Command(BaseCommand):
    help = (
        "보유기간이 끝난 개인정보를 분리 보관으로 옮기고 파기합니다. 중간에 멈춰도 다시 실행하면 "
        "이어서 끝내며, 같은 대상을 두 번 처리하지 않습니다."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = sweep.run(trigger="command")
        self.stdout.write(
            f"sweep {report.sweep_id}: moved {report.moved}, destroyed {report.destroyed}, "
            f"held {report.held}, awaiting approval {report.awaiting_approval}, "
            f"orphaned keys destroyed {report.orphan_keys}, "
            f"ended rate-limit counts deleted {report.ended_rate_counts}"
        )
