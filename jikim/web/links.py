"""Absolute links for e-mails: a mail is read outside any request, so the address comes
from settings.SITE_URL, the one place that says where the service is reached."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def site() -> str:
    return str(settings.SITE_URL)


def absolute(name: str, *args: Any) -> str:
    return site() + reverse(name, args=args)
