"""`{{ digits|phone }}` → 010-2345-6789: a revealed number as a person reads it out."""

from __future__ import annotations

from django import template

from jikim.shipping.normalizers.phone import PhoneError, normalise_phone

register = template.Library()


@register.filter
def phone(digits: object) -> str:
    text = "" if digits is None else str(digits)
    if not text:
        return ""
    try:
        return normalise_phone(text).display
    except PhoneError:
        return text
