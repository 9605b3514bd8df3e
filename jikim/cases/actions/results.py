"""The result of a complaint and telling the complainant (C1-02: 처리결과 통보)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.cases import frozen
from jikim.cases.actions.complaints import PURPOSE, _locked, _move, _text
from jikim.cases.models import Case, CaseStatus


@transaction.atomic
def do_answer(actor: Member, case: Case, *, result: str) -> Case:
    """Record the result and notify the complainant by e-mail (C1-02: 처리결과 통보)."""
    case = _locked(case)
    _move(actor, case, CaseStatus.ANSWERED)
    case.answer = _text(result, "처리 결과")
    case.answered_at = clock.now()
    case.notified_at = None
    case.save(update_fields=["status", "answer", "answered_at", "notified_at"])
    from jikim.cases.tasks import send_case_result

    # With the database task backend the task row commits or rolls back with the answer.
    send_case_result.enqueue(case.pk)
    return case


def do_resend_result(actor: Member, case: Case) -> None:
    """Send the result e-mail again (after a mail failure, or a corrected address); not
    while the complainant's request is pending (C6-03): the address may not be used."""
    if frozen.case_frozen(case):
        raise frozen.refuse(
            actor,
            tenant_id=case.tenant_id,
            subjects={case.subject},
            attempted="case.notify_retry",
            detail={"case": case.pk},
            message=frozen.FROZEN_USE,
        )
    _resend_result(actor, case)


@transaction.atomic
def _resend_result(actor: Member, case: Case) -> None:
    case = _locked(case)
    if case.status not in (CaseStatus.ANSWERED, CaseStatus.CLOSED) or case.notified_at:
        raise ValidationError("다시 보낼 처리 결과가 없습니다.", code="nothing")
    record(
        "case.notify_retry",
        actor=actor,
        tenant_id=case.tenant_id,
        subjects=[case.subject],
        purpose=PURPOSE,
        detail={"case": case.pk},
    )
    from jikim.cases.tasks import send_case_result

    send_case_result.enqueue(case.pk)
