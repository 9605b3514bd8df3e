"""Background work for accounts. Task arguments are ids only, never personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from jikim.accounts.models import Invitation
from jikim.vault import access
from jikim.web import links


@task()
def send_invitation(invitation_id: int) -> None:
    from jikim.accounts.actions import forget_invitation_address

    invitation = Invitation.objects.select_related("tenant").get(pk=invitation_id)
    if not invitation.is_open():
        forget_invitation_address(invitation, reason="invitation closed")
        return
    address = access.reveal(
        invitation, "email", purpose="member_management", actor=access.SYSTEM, action="notify"
    ).value
    if not address:
        return
    link = links.absolute("invitation_accept", invitation.token)
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{invitation.tenant.name} 직원 초대",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[address],
    )
    forget_invitation_address(invitation, reason="invitation sent")
