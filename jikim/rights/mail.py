"""The requester's e-mails: bodies from templates (rights/email/), every link absolute —
a mailbox has no page to resolve a relative path against (jikim.web.links)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from jikim.web.links import absolute, site

__all__ = ["absolute", "send", "site"]


def send(subject: str, template: str, context: dict[str, Any], to: str) -> None:
    send_mail(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        render_to_string(f"rights/email/{template}.txt", context),
        None,
        [to],
    )
