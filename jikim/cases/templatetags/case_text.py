"""Free text on the CS desks as a masked view shows it: telephone numbers typed into a
title, a topic, a note or a complaint are masked like the phone fields beside them."""

from __future__ import annotations

from django import template

from jikim.cases.freetext import masked_phones as _masked_phones

register = template.Library()


@register.filter
def masked_phones(value: object) -> str:
    return _masked_phones(str(value or ""))
