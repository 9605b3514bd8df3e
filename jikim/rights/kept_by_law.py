"""What a law keeps although the person asked to delete it (PIPA art. 21 ① proviso, art. 36
① proviso): the person's CS cases — consumer complaint records, kept 3 years after the
case is closed (C4-07) — and, for a member who holds a seller's contract, that seller's fee
payment records (C4-06, C4-09). A deletion does not destroy them; the answer says which,
under which law and until when, dated the way the retention sweep dates them, and is
partly done (or refused, when nothing else was destroyed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Max

from jikim import clock
from jikim.retention import rules

PIPA_BASIS = "개인정보 보호법 제21조제1항 단서"


@dataclass(frozen=True)
class KeptByLaw:
    """Records of one retention rule that the deletion leaves: how many, why, until when."""

    rule_id: str
    what: str  # the records as the answer names them
    count: int
    law: str  # the rule's legal basis, from policy.toml
    period: str  # e.g. "민원 종결 후 3년"
    until: str  # until when, as far as it is known now
    use: str  # the one use left while they are kept

    def line(self) -> str:
        return (
            f"{self.what} {self.count}건은 {self.law}에 따라 {self.period} 동안 보관한 뒤 "
            f"파기하며({self.until}), 그동안 {self.use} 외의 목적으로 이용하지 않습니다."
        )

    @property
    def basis(self) -> str:
        return f"{self.law} ({rules.rule(self.rule_id).label} 보존)"


def _until(dates: Collection[dt.datetime], waiting: str = "", held: int = 0) -> str:
    parts = []
    if dates:
        last = f"{clock.local(max(dates)):%Y-%m-%d}"
        parts.append(f"{last}까지" if len(dates) == 1 else f"늦어도 {last}까지")
    if waiting:
        parts.append(waiting)
    if held:
        parts.append(f"보존 조치 중인 {held}건은 보존 사유가 해소될 때까지")
    return "; ".join(parts)


def complaint_records(subjects: Sequence[str]) -> KeptByLaw | None:
    """The person's CS cases among `subjects` not yet destroyed."""
    from jikim.cases.models import Case, CaseStatus
    from jikim.rights import holds

    rule = rules.current().get("complaint_records")
    cases = list(
        Case.objects.filter(subject__in=subjects, destroyed_at__isnull=True).values_list(
            "subject", "tenant_id", "status", "closed_at"
        )
    )
    if rule is None or rule.period is None or not cases:
        return None
    held = holds.kinds_over([c[0] for c in cases], {c[0]: c[1] for c in cases})
    # The date jikim.cases.retention_sources.CaseSource gives the sweep.
    dates = [
        rule.due(closed_at)
        for subject, _, status, closed_at in cases
        if status == CaseStatus.CLOSED and closed_at is not None and subject not in held
    ]
    open_now = len(cases) - len(dates) - len(held)
    waiting = f"아직 종결되지 않은 {open_now}건은 종결일에 파기 예정일이 정해집니다"
    return KeptByLaw(
        rule_id=rule.id,
        what="민원 처리 기록",
        count=len(cases),
        law=rule.basis,
        period=f"민원 종결 후 {rule.period}",
        until=_until(dates, waiting if open_now else "", len(held)),
        use="민원 처리",
    )


def payment_records(member_pk: int) -> KeptByLaw | None:
    """The fee payment records of the sellers whose contract the member holds (the owner
    pays the fees): each invoice with its payments is one line of the transaction book,
    kept until the later of its two five-year periods (jikim.billing.books.keep_until, as
    the sweep dates it)."""
    from jikim.accounts.models import Membership
    from jikim.accounts.roles import TenantRole
    from jikim.billing import books
    from jikim.billing.models import Invoice

    owned = Membership.objects.filter(member_id=member_pk, role=TenantRole.OWNER).values(
        "tenant_id"
    )
    lines = (
        Invoice.objects.filter(tenant_id__in=owned, payments__isnull=False)
        .annotate(
            last_paid=Max("payments__paid_at"),
            last_refund=Max("payments__refunds__refunded_at"),
        )
        .values_list("issued_at", "settled_at", "last_paid", "last_refund")
    )
    dates = [books.keep_until(max(m for m in moments if m is not None))[0] for moments in lines]
    if not dates:
        return None
    payment, tax = rules.rule("payment_records"), rules.rule("tax_books")
    return KeptByLaw(
        rule_id=payment.id,
        what="회원님이 계약한 판매자의 이용료 결제 기록",
        count=len(dates),
        law=f"{payment.basis}과 {tax.basis.split(' (')[0]}",
        period=(
            f"결제일부터 {payment.period}과 법정신고기한이 지난 날부터 {tax.period} 가운데 "
            "늦은 기간"
        ),
        until=_until(dates),
        use="거래 기록의 보존과 세무",
    )


def explain(kept: Sequence[KeptByLaw]) -> tuple[str, str]:
    """(reason, legal basis) of an answer that left these records."""
    reason = "법령에 따라 보관하는 기록이 있어 삭제하지 않음: " + ", ".join(
        f"{k.what} {k.count}건" for k in kept
    )
    return reason, "; ".join([*dict.fromkeys(k.basis for k in kept), PIPA_BASIS])
