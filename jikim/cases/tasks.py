"""Background work for cases. Task arguments are ids only, never personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django_tasks import task

from jikim import clock
from jikim.audit.records import record
from jikim.cases.models import Case, CaseKind, CaseStatus, NotifyState
from jikim.cases.objection import objection_contact
from jikim.retention import rules
from jikim.vault import access

OPERATOR_NAME = "지킴 고객센터"


@task()
def send_case_result(case_id: int) -> None:
    """Tell the complainant the result by e-mail (C1-02: 처리결과 통보)."""
    case = Case.objects.select_related("tenant", "complainant_member").get(pk=case_id)
    if case.destroyed_at is not None or case.status not in (
        CaseStatus.ANSWERED,
        CaseStatus.CLOSED,
    ):
        return
    opened = access.reveal_rows(
        [case],
        ["complainant_name", "contact_email", "answer"],
        purpose="complaint_handling",
        actor=access.SYSTEM,
        action="notify",
    )[0]
    member = case.complainant_member
    address = opened["contact_email"].value
    withheld = opened["contact_email"].withheld
    if not address and member is not None:
        own = access.reveal(
            member,
            "email_address",
            purpose="complaint_handling",
            actor=access.SYSTEM,
            action="notify",
        )
        address, withheld = own.value, withheld or own.withheld
    detail: dict[str, object] = {"case": case.pk, "channel": "email"}
    if not address:
        # A pending request (C6-03) withholds the address: not used, and said so.
        state = NotifyState.WITHHELD if withheld else NotifyState.NO_ADDRESS
        _outcome(case, state)
        record(
            "case.notify_skipped",
            tenant_id=case.tenant_id,
            subjects=[case.subject],
            purpose="complaint_handling",
            detail={**detail, "why": "frozen" if withheld else "no_address"},
        )
        return
    sender = case.tenant.name if case.kind == CaseKind.SELLER and case.tenant else OPERATOR_NAME
    objection = objection_contact(case)
    context = {
        "case": case,
        "sender": sender,
        "name": opened["complainant_name"].value or (member.company_name if member else ""),
        "answer": opened["answer"].value,
        "kept_for": rules.rule("complaint_records").period,
        "objection": objection,
    }
    message = EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{sender} 민원 처리 결과 안내 "
        f"({case.number})",
        body=render_to_string("cases/email/result.txt", context),
        to=[address],
        reply_to=[objection.email] if objection.email else None,
    )
    try:
        message.send()
    except Exception as exc:
        # The error text of a mail server names the address: only its kind is kept.
        _outcome(case, NotifyState.FAILED)
        record(
            "case.notify_failed",
            tenant_id=case.tenant_id,
            subjects=[case.subject],
            purpose="complaint_handling",
            detail={**detail, "error": type(exc).__name__},
        )
        return
    Case.objects.filter(pk=case.pk).update(notified_at=clock.now(), notify_state=NotifyState.SENT)
    record(
        "case.notified",
        tenant_id=case.tenant_id,
        subjects=[case.subject],
        purpose="complaint_handling",
        detail=detail,
    )


def _outcome(case: Case, state: str) -> None:
    # Only a case still waiting on this mail: staff may have told the result by phone.
    Case.objects.filter(pk=case.pk, notified_at__isnull=True).update(notify_state=state)
