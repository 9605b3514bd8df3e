from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jikim.backups import manifest, snapshots
from jikim.backups import prune as pruning
from jikim.backups.create import create


class Command(BaseCommand):
    help = (
        "세 데이터베이스(주 DB, 분리 보관 DB, 키 링 — 키 링은 별도 파일)와 저장 파일의 일관된 "
        "암호화 백업을 만듭니다. 매니페스트에 시각·크기·SHA-256과 방법을 적습니다."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", type=Path, help="백업 폴더를 만들 곳 (기본: BACKUP_DIR)")
        parser.add_argument(
            "--method",
            choices=["auto", snapshots.PG_DUMP, snapshots.ORM],
            default="auto",
            help="PostgreSQL: pg_dump(있으면 기본) 또는 django-orm",
        )
        parser.add_argument(
            "--prune", action="store_true", help="보관 기간(BACKUP_KEEP_DAYS)이 지난 백업 삭제"
        )

    def handle(self, *args: Any, out: Path | None, method: str, prune: bool, **kw: Any) -> None:
        try:
            folder = create(out, method=method)
        except (snapshots.SnapshotError, OSError) as exc:
            raise CommandError(f"백업 실패: {exc}") from exc
        data = manifest.peek(folder) or {}
        size = sum(f["size"] for f in data.get("files", {}).values())
        methods = ", ".join(sorted({d["method"] for d in data.get("databases", {}).values()}))
        self.stdout.write(f"백업 완료: {folder} ({size:,} bytes, {methods})")
        if prune:
            removed = pruning.prune(folder.parent)
            self.stdout.write(f"보관 기간이 지난 백업 {len(removed)}개 삭제")
