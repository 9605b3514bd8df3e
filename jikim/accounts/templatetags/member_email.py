"""allauth's pages show its address rows, which hold stand-ins: these tags show the address
behind one instead — in full on the member's own page, masked where the reader is only
someone holding a link. Each is a recorded read."""

from __future__ import annotations

from typing import Any

from django import template

from jikim.accounts import emails
from jikim.vault import access
from jikim.vault.masking import mask_email

register = template.Library()


def _reader(context: template.Context) -> Any:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else access.SYSTEM


@register.simple_tag(takes_context=True)
def own_address(context: template.Context, address_row: Any) -> str:
    reader = _reader(context)
    if address_row is None or getattr(reader, "pk", None) != address_row.user_id:
        return ""
    return emails.behind(address_row.email, action="view", actor=reader)


@register.simple_tag(takes_context=True)
def masked_address(context: template.Context, value: Any) -> str:
    if not value:
        return ""
    return mask_email(emails.behind(str(value), action="view", actor=_reader(context)))
