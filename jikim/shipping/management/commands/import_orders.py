import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jikim.accounts.models import Membership, Tenant
from jikim.accounts.roles import TenantRole
from jikim.shipping import actions
from jikim.shipping.importers import FileRefused
from jikim.shipping.models import BatchStatus


class Command(BaseCommand):
    help = (
        "주문 파일을 판매자에게 가져옵니다 (미리보기 없이 바로 저장). "
        "Exit 0 when imported, 1 when the file was refused as a whole."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--tenant", required=True, help="판매자 주소 식별자(slug)")
        parser.add_argument(
            "--password", default=None, help="암호가 걸린 xlsx의 비밀번호 (저장하지 않음)"
        )
        parser.add_argument("--json", action="store_true", help="결과를 JSON 한 줄로 출력")

    def handle(
        self, *args: Any, path: Path, tenant: str, password: str | None, **options: Any
    ) -> None:
        as_json = bool(options["json"])
        target = Tenant.objects.filter(slug=tenant).first()
        if target is None:
            raise CommandError(f"판매자 '{tenant}'를 찾을 수 없습니다.")
        owner = (
            Membership.objects.filter(tenant=target, role=TenantRole.OWNER)
            .select_related("member")
            .first()
        )
        if owner is None:
            raise CommandError("이 판매자에게 대표 계정이 없습니다.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"파일을 읽을 수 없습니다: {path}") from exc
        try:
            batch = actions.do_import_file(
                owner.member, target, data=data, filename=path.name, password=password
            )
        except FileRefused as exc:
            self._report(
                as_json,
                {
                    "format": None,
                    "rows": 0,
                    "imported": 0,
                    "updated": 0,
                    "rejected": 0,
                    "identifiers_masked": 0,
                    "refused": exc.code,
                },
                str(exc.message),
            )
            raise SystemExit(1) from None
        summary = {
            "format": batch.format_id or None,
            "rows": batch.total_rows,
            "imported": batch.new_rows,
            "updated": batch.updated_rows,
            "rejected": batch.rejected_rows,
            "identifiers_masked": batch.identifiers_masked,
        }
        if batch.status != BatchStatus.COMMITTED:
            summary["refused"] = batch.refusal_code or batch.status
            self._report(as_json, summary, batch.refusal_message or "가져오지 못했습니다.")
            raise SystemExit(1)
        self._report(as_json, summary, None)

    def _report(self, as_json: bool, summary: dict[str, Any], error: str | None) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        if error:
            self.stderr.write(f"가져오지 못했습니다: {error}")
            return
        self.stdout.write(
            f"{summary['format']}: {summary['rows']}행 중 새 주문 {summary['imported']}건, "
            f"변경 {summary['updated']}건, 제외 {summary['rejected']}건, "
            f"가린 고유식별번호 {summary['identifiers_masked']}건"
        )
