"""What every page needs to draw its navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jikim.accounts.roles import operator_role_allows


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
        "nav_is_operator": is_operator,
        "nav_console": is_operator and operator_role_allows(role, "console"),
        "nav_audit_review": is_operator and operator_role_allows(role, "review_access"),
    }
