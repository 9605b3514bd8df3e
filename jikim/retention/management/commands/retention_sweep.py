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
            f"파기 작업 {report.sweep_id}번: 분리 보관 이동 {report.moved}건, "
            f"파기 {report.destroyed}건, 보존 조치로 남김 {report.held}건, "
            f"승인 대기 {report.awaiting_approval}건, "
            f"주인 없는 데이터 키 파기 {report.orphan_keys}건, "
            f"기간이 끝난 요청 횟수 기록 삭제 {report.ended_rate_counts}건"
        )
