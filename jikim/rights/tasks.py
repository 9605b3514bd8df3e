"""E-mails to requesters, in Korean. Arguments: the request id and the notice kind."""

from __future__ import annotations

from django_tasks import task

from jikim.rights import mail


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
        mail.send("개인정보 요구 처리 연기 안내", "delay", {"req": req}, contact)
    else:
        subject = f"개인정보 {req.get_kind_display()} 요구 처리 결과"
        mail.send(subject, "answer", {"req": req}, contact)
