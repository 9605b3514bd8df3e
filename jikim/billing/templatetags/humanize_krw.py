"""`{{ amount|krw }}` → 12,345: whole won with thousands separators, whatever the locale."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def krw(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "-"
