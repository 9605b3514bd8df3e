from typing import Any

from django.core.management.base import BaseCommand

from jikim.retention.forecast import forecast


class Command(BaseCommand):
    help = "앞으로 N일 동안 분리 보관으로 옮기거나 파기할 개인정보와 그 근거를 보여 줍니다."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        lines = forecast(days)
        if not lines:
            self.stdout.write(f"앞으로 {days}일 동안 예정된 이동·파기가 없습니다.")
            return
        for line in lines:
            action = "이동" if line.stage == "move" else "파기"
            held = f" (그 가운데 {line.held}건은 보존 조치 중이라 하지 않음)" if line.held else ""
            late = (
                f" [기한 지남: 가장 이른 기한 {line.overdue_since:%Y-%m-%d}]"
                if line.overdue_since
                else ""
            )
            self.stdout.write(
                f"{line.due_on:%Y-%m-%d}  {action}  {line.count}건{held}{late}  "
                f"{line.rule_label}  — {line.basis}"
            )
