"""The requester's e-mails: bodies from templates (rights/email/), every link absolute —
a mailbox has no page to resolve a relative path against. The site's address is built the
way the other mails build theirs (jikim.policy.tasks, jikim.accounts.tasks): the allauth
protocol setting and the first allowed host."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def site() -> str:
    scheme = settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
    port = ":8000" if settings.DEBUG else ""
    return f"{scheme}://{host}{port}"


def absolute(name: str, *args: Any) -> str:
    return site() + reverse(name, args=args)


def send(subject: str, template: str, context: dict[str, Any], to: str) -> None:
    send_mail(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        render_to_string(f"rights/email/{template}.txt", context),
        None,
        [to],
    )
