"""`{{ record.action|action_label }}`: an access record's action, named in Korean."""

from __future__ import annotations

from django import template

from jikim.audit.labels import action_label as _label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return _label(str(code))
