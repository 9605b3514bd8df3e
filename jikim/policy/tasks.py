"""Mail of the policy app. Task arguments are ids only, never personal data; the tasks
read personal data through the vault as the system, which is recorded."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.template.loader import render_to_string
from django_tasks import task

from jikim import clock
from jikim.accounts.models import Member
from jikim.audit.records import record
from jikim.policy import registers
from jikim.policy.models import Inquiry, InquiryKind, Notice, PolicyVersion
from jikim.vault import access
from jikim.web import links

BATCH = 200


def _subject(text: str) -> str:
    return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{text}"


@task()
def send_policy_notice(version_id: int) -> None:
    """E-mail every active member the notice of a new policy version (C0-01), one message
    each (no member sees another's address). Sent once: a retry after success does nothing."""
    version = PolicyVersion.objects.get(pk=version_id)
    notice = version.notices.order_by("pk").first()
    if notice is None or notice.emailed_at is not None:
        return
    context = {
        "notice": notice,
        "version": version,
        "link": links.absolute("notice_detail", notice.pk),
        "diff_link": links.absolute("policy_version", version.label),
    }
    subject = _subject(notice.title)
    body = render_to_string("policy/email/policy_notice.txt", context)
    members = Member.objects.filter(
        is_active=True, withdrawn_at__isnull=True, email_address__isnull=False
    ).order_by("pk")
    sent = 0
    with get_connection() as connection:
        chunk: list[Member] = []
        for member in members.iterator(chunk_size=BATCH):
            chunk.append(member)
            if len(chunk) >= BATCH:
                sent += _send_notice(connection, chunk, subject, body)
                chunk = []
        if chunk:
            sent += _send_notice(connection, chunk, subject, body)
    Notice.objects.filter(pk=notice.pk).update(emailed_at=clock.now(), emailed_count=sent)
    record(
        "notice.email",
        purpose="member_management",
        detail={"notice": notice.pk, "version": version.label, "count": sent},
    )


def _send_notice(connection: Any, members: list[Member], subject: str, body: str) -> int:
    """One batch: the addresses opened from the vault together (one access record)."""
    opened = access.reveal_rows(
        members,
        ["email_address"],
        purpose="member_management",
        actor=access.SYSTEM,
        action="notify",
    )
    batch = [
        EmailMessage(subject, body, to=[values["email_address"].value], connection=connection)
        for values in opened
        if values["email_address"].value
    ]
    return (connection.send_messages(batch) or 0) if batch else 0


@task()
def notify_privacy_desk(inquiry_id: int) -> None:
    """Tell the privacy officer and manager that a ticket arrived: its number and kind
    only, the content stays in the console."""
    inquiry = Inquiry.objects.get(pk=inquiry_id)
    desk = registers.current()
    context = {
        "inquiry": inquiry,
        "kind": InquiryKind(inquiry.kind).label,
        "link": links.absolute("desk_detail", inquiry.pk),
    }
    send_mail(
        subject=_subject(f"개인정보 문의 {inquiry.number} 접수 ({context['kind']})"),
        message=render_to_string("policy/email/desk_notify.txt", context),
        from_email=None,
        recipient_list=sorted({c.email for c in desk.contacts}),
    )


def _open(inquiry: Inquiry, fields: list[str]) -> dict[str, str]:
    values = access.reveal_rows(
        [inquiry], fields, purpose="complaint_handling", actor=access.SYSTEM, action="view"
    )[0]
    return {name: pii.value for name, pii in values.items()}


@task()
def acknowledge_inquiry(inquiry_id: int) -> None:
    inquiry = Inquiry.objects.get(pk=inquiry_id)
    opened = _open(inquiry, ["email"])
    if not opened["email"]:
        return
    context = {"inquiry": inquiry, "kind": InquiryKind(inquiry.kind).label}
    send_mail(
        subject=_subject(f"개인정보 문의가 접수되었습니다 ({inquiry.number})"),
        message=render_to_string("policy/email/desk_ack.txt", context),
        from_email=None,
        recipient_list=[opened["email"]],
    )


@task()
def send_inquiry_answer(inquiry_id: int) -> None:
    inquiry = Inquiry.objects.get(pk=inquiry_id)
    opened = _open(inquiry, ["email", "answer"])
    if not opened["email"]:
        return
    desk = registers.current()
    context = {
        "inquiry": inquiry,
        "answer": opened["answer"],
        "officer": desk.officer,
        "manager": desk.manager,
        "bodies": desk.bodies,
    }
    send_mail(
        subject=_subject(f"개인정보 문의에 대한 답변 ({inquiry.number})"),
        message=render_to_string("policy/email/desk_answer.txt", context),
        from_email=None,
        recipient_list=[opened["email"]],
    )
