"""A customer whose correction or deletion request is pending, or who had processing
suspended (C6-03), is frozen on the CS desks: nothing new is recorded about them (contact
entries, call recordings), their data is not used (playback, the result e-mail), and the
pages say so instead of failing. The rights app says who is frozen (`access.frozen`); a
refused attempt is an access record of its own, committed even though the action fails."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.cases.models import Case, Consultation, Recording
from jikim.vault import access

FROZEN_NEW = (
    "정보주체의 요구를 처리 중이라 이 고객에 관한 개인정보를 새로 기록할 수 없습니다 "
    "(개인정보 정정·삭제 또는 처리정지 요구, 처리 보류). 요구 처리가 끝난 뒤 다시 하세요."
)
FROZEN_USE = (
    "정보주체의 요구를 처리 중이라 이 고객의 개인정보를 이용할 수 없습니다 "
    "(개인정보 정정·삭제 또는 처리정지 요구, 처리 보류). 요구 처리가 끝나면 다시 할 수 있습니다."
)


def case_frozen(case: Case) -> bool:
    return bool(access.frozen({case.subject}))


def consultation_subjects(consultation: Consultation) -> set[str]:
    """The people a call is about: its case and the recordings still kept."""
    subjects = set(
        Recording.objects.filter(consultation=consultation, destroyed_at__isnull=True).values_list(
            "subject", flat=True
        )
    )
    if consultation.case_id is not None:
        subjects.add(Case.objects.values_list("subject", flat=True).get(pk=consultation.case_id))
    return subjects


def consultation_frozen(consultation: Consultation) -> bool:
    return bool(access.frozen(consultation_subjects(consultation)))


def refuse(
    actor: Member | None,
    *,
    tenant_id: int | None,
    subjects: set[str],
    attempted: str,
    detail: dict[str, object],
    message: str = FROZEN_NEW,
    purpose: str = "complaint_handling",
) -> ValidationError:
    """Record the refused attempt (outside any transaction the caller rolls back) and
    return the error to raise."""
    record(
        "refused.frozen",
        actor=actor,
        tenant_id=tenant_id,
        subjects=sorted(subjects),
        purpose=purpose,
        detail={"attempted": attempted, **detail},
    )
    return ValidationError(message, code="frozen")
