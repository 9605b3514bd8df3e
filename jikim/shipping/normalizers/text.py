"""Names and addresses cleaned the same way whichever export they came from.

Copy-pasted values carry zero-width spaces, BOMs, bidi marks and line breaks, and text
typed on a Mac arrives decomposed (NFD), so the same recipient would otherwise hash to
different blind-index values and a search would miss them. Cleaning changes nothing a
person can see.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Control (Cc), format (Cf: zero-width, BOM, bidi), surrogates and private-use
# characters: invisible, or not text at all.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})


def clean_text(raw: str) -> str:
    """Invisible characters removed, NFC, whitespace runs collapsed to one space."""
    if not raw:
        return raw  # most optional cells are empty
    if raw.isprintable() and (raw.isascii() or unicodedata.is_normalized("NFC", raw)):
        # The common case: nothing invisible, already composed. (isprintable() is False
        # for every dropped category and for tabs and newlines.)
        return " ".join(raw.split())
    # Whitespace controls (tab, newline) separate words: turn them into spaces first.
    visible = "".join(
        " " if char.isspace() else char
        for char in raw
        if char.isspace() or unicodedata.category(char) not in _DROPPED_CATEGORIES
    )
    # NFC after stripping, so a zero-width joiner between jamo no longer blocks composition.
    return " ".join(unicodedata.normalize("NFC", visible).split())


def clean_name(raw: str) -> str:
    """A person's or company's name, trimmed and normalised (never rejected here)."""
    return clean_text(raw)


@dataclass(frozen=True)
class Address:
    base: str  # road or jibun address up to the building number
    detail: str | None = None  # 동·호수, floor, building name: never shown unmasked

    @property
    def full(self) -> str:
        return f"{self.base} {self.detail}" if self.detail else self.base


def clean_address(base: str, detail: str | None = None) -> Address:
    """Clean an address, keeping base and detail apart when the export gives both.

    A combined single string stays whole in `base`: splitting it would mean guessing
    where the building number ends, and a wrong guess corrupts the courier's label.
    """
    cleaned_detail = clean_text(detail) if detail is not None else ""
    return Address(base=clean_text(base), detail=cleaned_detail or None)
