"""Telephone numbers inside free text: a case title, a call topic, a contact note.

Staff write "고객 010-9876-5432 으로 통화" into a note or put the caller's number in a title.
In what is shown masked (lists, case pages without an unmask reason) such numbers are
masked like the phone fields next to them (`010-****-5432`); in the plain, unsealed
columns (titles, topics, dispute notes) they are masked before they are stored.

Only the shapes of personal lines are looked for: mobile, Seoul and regional numbers,
070 and the 050x safe numbers, with or without +82. Company lines (15xx, 080) are left
alone: they are how a seller is reached, not a person. A run that continues into more
digits or letters (an order number) is not a phone.
"""

from __future__ import annotations

import re

from jikim.vault.masking import mask_phone

_SEP = r"[-. \u2010-\u2015\u2212]?"
_PHONE = re.compile(
    r"(?<![0-9A-Za-z+])"
    r"(?:(?:\+82|82)" + _SEP + r"(?:0)?|0)"
    r"(?:1[016789]|2|[3-6][1-5]|70|50[2-8])" + _SEP + r"[0-9]{3,4}" + _SEP + r"[0-9]{4}"
    r"(?![0-9A-Za-z])"
)


def mask_phones(text: str) -> tuple[str, int]:
    """`text` with every telephone number masked, and how many there were."""
    if not text:
        return text, 0
    count = 0

    def _masked(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return mask_phone(match.group(0))

    return _PHONE.sub(_masked, text), count


def masked_phones(text: str) -> str:
    """`text` as a masked view shows it."""
    return mask_phones(text)[0]
