from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jikim.audit import prune


class Command(BaseCommand):
    help = (
        "Delete access records older than AUDIT_RETENTION_DAYS (permission changes: "
        "AUDIT_PERMISSION_RETENTION_DAYS) and sign an anchor so the chain still verifies. "
        "Refuses when the chain does not verify."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = prune.prune()
        except prune.ChainBroken as exc:
            raise CommandError(f"검증에 실패하여 삭제하지 않았습니다: {exc}") from exc
        if result.anchor_seq is None:
            self.stdout.write("보관기간이 지난 접속기록이 없습니다.")
        else:
            self.stdout.write(
                f"접속기록 {result.removed}건 삭제, 권한 변경 기록 {result.kept}건 보존, "
                f"기준점 seq {result.anchor_seq} 서명"
            )
