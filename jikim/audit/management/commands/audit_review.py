from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jikim import clock
from jikim.audit import review


class Command(BaseCommand):
    help = (
        "The monthly review of access records: per-staff counts by action, the flags "
        "(downloads, unmasking above the threshold, night access, many subjects in an hour, "
        "withdrawn or separated data) and the downloads whose reason is not yet confirmed. "
        "The privacy officer signs it off in the console (/console/audit/review/)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: last month)")

    def handle(self, *args: Any, month: str | None, **options: Any) -> None:
        try:
            first = review.parse_month(month) if month else review.previous_month()
        except ValueError as exc:
            raise CommandError("--month 는 YYYY-MM 형식으로 주세요.") from exc
        result = review.compute(first)
        out = self.stdout.write
        staff = len(result.staff)
        out(f"접속기록 월간 검토 {first:%Y-%m}: 기록 {result.records}건, 수행자 {staff}명")
        out("수행자별 행위 건수:")
        for row in result.staff:
            counts = ", ".join(f"{action} {n}" for action, n in row.counts.items())
            out(f"  {row.actor_name or '-'} (#{row.actor_id}): {counts} (합계 {row.total})")
        out(f"점검 항목 {len(result.flags)}건:")
        for flag in result.flags:
            seqs = ", ".join(str(s) for s in flag.seqs[:10]) + (" …" if flag.count > 10 else "")
            note = f" — {flag.note}" if flag.note else ""
            who = flag.actor_name or "-"
            out(f"  [{flag.kind}] {flag.label}: {who} {flag.count}건 (seq {seqs}){note}")
        out(f"사유 미확인 다운로드 {len(result.unconfirmed)}건:")
        for d in result.unconfirmed:
            when = clock.local(d.at).strftime("%Y-%m-%d %H:%M")
            who, reason = d.actor_name or "-", d.reason or "(없음)"
            out(f"  seq {d.seq} {when} {who} {d.action} 사유: {reason}")
        if result.signed is not None:
            signed_at = clock.local(result.signed.signed_at).strftime("%Y-%m-%d %H:%M")
            out(f"검토 완료: {result.signed.signed_by_name}, {signed_at}")
        else:
            out("검토 완료 서명: 아직 없음")
