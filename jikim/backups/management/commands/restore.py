import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jikim.backups import crypto, snapshots
from jikim.backups.restore import RestoreError, restore


class Command(BaseCommand):
    help = (
        "백업을 복원합니다. 백업 이후 파기된 정보주체는 다시 파기하고(파기 대장 재적용), "
        "접속기록은 되돌리지 않으며, 끝나면 접속기록 체인을 검증합니다. "
        "웹·작업 처리기를 멈춘 뒤 실행하세요."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", type=Path, help="백업 폴더 (manifest.json이 있는 곳)")
        parser.add_argument("--yes", action="store_true", help="확인 질문 없이 복원")
        parser.add_argument(
            "--no-safety-backup",
            action="store_true",
            help="복원 전 현재 상태의 백업을 만들지 않음 (현재 DB가 손상되어 백업이 안 될 때)",
        )

    def handle(
        self, *args: Any, folder: Path, yes: bool, no_safety_backup: bool, **kw: Any
    ) -> None:
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "복원하려면 --yes를 붙이세요 (현재 데이터가 백업 시점으로 바뀝니다)."
                )
            answer = input(
                "현재 데이터가 백업 시점으로 바뀝니다. 계속하려면 restore를 입력하세요: "
            )
            if answer.strip() != "restore":
                raise CommandError("복원을 취소했습니다.")
        try:
            report = restore(folder, safety_backup=not no_safety_backup)
        except (RestoreError, crypto.BackupDamaged, snapshots.SnapshotError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise SystemExit(1)
