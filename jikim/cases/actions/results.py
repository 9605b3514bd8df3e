"""The result of a complaint and telling the complainant (C1-02: 처리결과 통보): by e-mail
(queued, then sent by the worker, which sets the outcome) or, for a complainant without an
address, by phone, recorded by the staff who called."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from jikim import clock
from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.cases import frozen
from jikim.cases.actions.common import PURPOSE, _event, _locked, _text
from jikim.cases.actions.complaints import _move
from jikim.cases.models import Case, CaseStatus, NotifyState


def has_address(case: Case) -> bool:
    """Whether an e-mail can be tried: an address was given, or the complainant is a
    member (the member's own address). Reads no sealed value."""
    return bool(case.contact_email) or case.complainant_member_id is not None


@transaction.atomic
def do_answer(actor: Member, case: Case, *, result: str) -> Case:
    """Record the result and notify the complainant by e-mail when there is an address;
    without one the case says so, and the staff tell the result by phone."""
    case = _locked(case)
    _move(actor, case, CaseStatus.ANSWERED)
    case.answer = _text(result, "처리 결과")
    case.answered_at = clock.now()
    case.notified_at = None
    case.notify_state = NotifyState.QUEUED if has_address(case) else NotifyState.NO_ADDRESS
    case.save(update_fields=["status", "answer", "answered_at", "notified_at", "notify_state"])
    if case.notify_state == NotifyState.QUEUED:
        from jikim.cases.tasks import send_case_result

        # With the database task backend the task row commits or rolls back with the answer.
        send_case_result.enqueue(case.pk)
    else:
        record(
            "case.notify_skipped",
            actor=actor,
            tenant_id=case.tenant_id,
            subjects=[case.subject],
            purpose=PURPOSE,
            detail={"case": case.pk, "channel": "email", "why": "no_address"},
        )
    return case


def do_resend_result(actor: Member, case: Case) -> None:
    """Send the result e-mail again after the mail failed; not while the complainant's
    request is pending (C6-03): the address may not be used."""
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
    if case.notify_state != NotifyState.FAILED:
        raise ValidationError(
            "결과 메일은 발송에 실패했을 때만 다시 보낼 수 있습니다.", code="not_failed"
        )
    case.notify_state = NotifyState.QUEUED
    case.save(update_fields=["notify_state"])
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


@transaction.atomic
def do_record_phone_notice(actor: Member, case: Case) -> Case:
    """The staff told the complainant the result by phone: the case is notified now, by
    them (C1-02)."""
    case = _locked(case)
    if case.status not in (CaseStatus.ANSWERED, CaseStatus.CLOSED) or case.answered_at is None:
        raise ValidationError("먼저 처리 결과를 등록하세요.", code="unanswered")
    if case.notified_at is not None:
        raise ValidationError("이미 결과를 안내한 민원입니다.", code="notified")
    case.notified_at = clock.now()
    case.notify_state = NotifyState.PHONE
    case.save(update_fields=["notified_at", "notify_state"])
    _event(case, actor, "notified_phone")
    record(
        "case.notified",
        actor=actor,
        tenant_id=case.tenant_id,
        subjects=[case.subject],
        purpose=PURPOSE,
        detail={"case": case.pk, "channel": "phone"},
    )
    return case
