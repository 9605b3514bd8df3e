"""Korean particles after a value the page does not know in advance: "청구번호
202611-000001을", "202611-000002를" — chosen by how the value's last character is read."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

# How a final digit is read (영, 일, 이, 삼, 사, 오, 육, 칠, 팔, 구): with a final consonant?
_DIGIT_CLOSED = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False}
_DIGIT_CLOSED |= {"6": True, "7": True, "8": True, "9": False}


def _closed(text: str) -> bool | None:
    """Does the text end in a syllable with a final consonant (받침)? None if unknown."""
    if not text:
        return None
    last = text[-1]
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28 != 0
    return _DIGIT_CLOSED.get(last)


@register.filter
def eul_reul(value: Any) -> str:
    """The value followed by 을 or 를 (을(를) when it cannot be told)."""
    text = str(value)
    closed = _closed(text)
    return text + {True: "을", False: "를", None: "을(를)"}[closed]
