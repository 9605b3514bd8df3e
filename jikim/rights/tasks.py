"""E-mails to requesters, in Korean. Arguments: the request id and the notice kind."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_notice(request_id: int, kind: str) -> None:
    from jikim.rights.models import Request
    from jikim.vault import access

    req = Request.objects.get(pk=request_id)
    contact = access.reveal(
        req,
        "requester_contact",
        purpose="complaint_handling",
        actor=access.SYSTEM,
        action="rights.notify",
        handling_request=True,
    ).value
    if "@" not in contact:
        return  # a phone or postal contact: staff notify by that channel and record it
    if kind == "delay":
        subject = "[지킴] 개인정보 요구 처리 연기 안내"
        body = (
            f"요청하신 개인정보 {req.get_kind_display()} 요구의 처리가 늦어집니다.\n\n"
            f"사유: {req.reason}\n법적 근거: {req.legal_basis}\n이의제기: {req.objection_route}\n"
        )
    else:
        subject = f"[지킴] 개인정보 {req.get_kind_display()} 요구 처리 결과"
        body = f"처리 결과: {req.get_state_display()}\n\n{req.answer}\n"
        if req.reason:
            body += f"\n사유: {req.reason}\n법적 근거: {req.legal_basis}\n"
        body += f"\n이의제기 방법: {req.objection_route}\n"
    send_mail(subject, body, None, [contact])
