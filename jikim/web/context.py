"""What every page needs to draw its navigation."""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from jikim.accounts.roles import operator_role_allows

# The links web/base.html draws on every request (the rest of the frame is kept whole, see
# templatetags/page_frame.py): reversed once per URL configuration and prefix, not per page.
LINKS = (
    "my_complaints",
    "profile",
    "account_logout",
    "account_login",
    "account_signup",
    "set_language",
)


@functools.lru_cache(maxsize=16)
def links(urlconf: str, prefix: str) -> MappingProxyType[str, str]:
    return MappingProxyType({name: reverse(name, urlconf=urlconf) for name in LINKS})


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    slug = None
    match = getattr(request, "resolver_match", None)
    if match is not None:
        slug = match.kwargs.get("slug")
    is_operator = bool(user.is_authenticated and getattr(user, "is_operator", False))
    role = getattr(user, "operator_role", "")
    return {
        "nav_slug": slug,
        "nav_url": links(str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix()),
        "nav_is_operator": is_operator,
        "nav_console": is_operator and operator_role_allows(role, "console"),
        "nav_audit_review": is_operator and operator_role_allows(role, "review_access"),
    }
