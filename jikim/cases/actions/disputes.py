"""A complaint in dispute (C4-04): everything of the case — the case, its complainant and
the recordings of its consultations — held past its retention period until the dispute is
resolved, then released."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member
from jikim.cases.actions.common import _complainant_subjects, _event, _locked
from jikim.cases.models import Case, DisputeKind, Recording
from jikim.retention import actions as retention_actions
from jikim.retention.models import Hold, HoldKind


def case_subjects(case: Case) -> list[str]:
    """Everything a dispute about this case must keep: the case, its complainant (the
    member, or the order's recipient) and the recordings of its consultations."""
    subjects = {case.subject, *_complainant_subjects(case)}
    subjects.update(
        Recording.objects.filter(consultation__case=case, destroyed_at__isnull=True).values_list(
            "subject", flat=True
        )
    )
    return sorted(subjects)


def hold_for_case(actor: Member, case: Case, subject: str) -> None:
    label = DisputeKind(case.dispute_kind).label if case.dispute_kind else "분쟁"
    retention_actions.do_place_hold(
        actor,
        kind=HoldKind.DISPUTE,
        subject=subject,
        reason=f"민원 {case.number} {label}: {case.dispute_note}"[:200],
        reference=case.hold_reference,
    )


@transaction.atomic
def do_mark_dispute(actor: Member, case: Case, *, kind: str, note: str) -> list[Hold]:
    """A complaint, mediation or lawsuit: everything of the case is kept until it is
    resolved, past its retention period if need be (C4-04)."""
    case = _locked(case)
    if kind not in DisputeKind.values:
        raise ValidationError("분쟁 구분을 선택하세요.", code="kind")
    if case.in_dispute:
        raise ValidationError("이미 분쟁 중으로 등록된 민원입니다.", code="already")
    case.dispute_kind = kind
    case.dispute_note = (note or "").strip()[:200]
    case.disputed_at = clock.now()
    case.dispute_resolved_at = None
    case.save(update_fields=["dispute_kind", "dispute_note", "disputed_at", "dispute_resolved_at"])
    for subject in case_subjects(case):
        hold_for_case(actor, case, subject)
    _event(case, actor, "dispute", after=kind)
    return list(Hold.objects.filter(reference=case.hold_reference, released_at__isnull=True))


@transaction.atomic
def do_resolve_dispute(actor: Member, case: Case, *, reason: str) -> int:
    """The dispute is over: its holds are released and the normal periods apply again."""
    case = _locked(case)
    if not case.in_dispute:
        raise ValidationError("분쟁 중인 민원이 아닙니다.", code="not_disputed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("해결 내용을 입력하세요.", code="reason")
    holds = list(Hold.objects.filter(reference=case.hold_reference, released_at__isnull=True))
    for hold in holds:
        retention_actions.do_release_hold(actor, hold, reason=reason[:200])
    case.dispute_resolved_at = clock.now()
    case.save(update_fields=["dispute_resolved_at"])
    _event(case, actor, "dispute_resolved", before=case.dispute_kind)
    return len(holds)
