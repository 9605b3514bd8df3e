"""Background work for cases. Task arguments are ids only, never personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from jikim import clock
from jikim.audit.records import record
from jikim.cases.models import Case, CaseKind, CaseStatus
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
    if not address and member is not None:
        address = access.reveal(
            member,
            "email_address",
            purpose="complaint_handling",
            actor=access.SYSTEM,
            action="notify",
        ).value
    detail: dict[str, object] = {"case": case.pk, "channel": "email"}
    if not address:
        record(
            "case.notify_skipped",
            tenant_id=case.tenant_id,
            subjects=[case.subject],
            purpose="complaint_handling",
            detail={**detail, "why": "no_address"},
        )
        return
    sender = case.tenant.name if case.kind == CaseKind.SELLER and case.tenant else OPERATOR_NAME
    context = {
        "case": case,
        "sender": sender,
        "name": opened["complainant_name"].value or (member.company_name if member else ""),
        "answer": opened["answer"].value,
        "kept_for": rules.rule("complaint_records").period,
    }
    try:
        send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{sender} 민원 처리 결과 안내 "
            f"({case.number})",
            message=render_to_string("cases/email/result.txt", context),
            from_email=None,
            recipient_list=[address],
        )
    except Exception as exc:
        # The error text of a mail server names the address: only its kind is kept.
        record(
            "case.notify_failed",
            tenant_id=case.tenant_id,
            subjects=[case.subject],
            purpose="complaint_handling",
            detail={**detail, "error": type(exc).__name__},
        )
        return
    Case.objects.filter(pk=case.pk).update(notified_at=clock.now())
    record(
        "case.notified",
        tenant_id=case.tenant_id,
        subjects=[case.subject],
        purpose="complaint_handling",
        detail=detail,
    )
