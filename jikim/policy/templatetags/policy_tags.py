"""The cookie banner, drawn on every page until the visitor has chosen (C8-02)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from jikim.policy import cookies, registers

register = template.Library()


@register.inclusion_tag("policy/cookie_banner.html", takes_context=True)
def cookie_banner(context: Any) -> dict[str, Any]:
    request = context.get("request")
    if request is None or cookies.read_choice(request.COOKIES.get(cookies.CHOICE_COOKIE)):
        return {"show": False}
    settings_url = reverse("cookie_preferences")
    if request.path == settings_url:
        return {"show": False}  # the settings page asks the same question itself
    return {
        "show": True,
        "optional": [c for c in registers.current().cookie_categories if not c.required],
        "action": settings_url,
        "policy_url": reverse("policy_page"),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
