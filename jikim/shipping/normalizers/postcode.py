"""Korean postcodes (우편번호) as they arrive from marketplace exports and Excel.

The 5-digit basic-zone number (국가기초구역번호, since 2015) is the only current form.
Excel stores it as a number and drops the leading zero of Seoul's 0xxxx codes, so a
4-digit value gets its zero back. Old 6-digit codes (`123-456`) still appear in
sellers' address books: they are passed on flagged `legacy`, never converted, because
an old code maps to several new zones and a guess would send a parcel astray.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


class PostcodeError(ValueError):
    """A value that is not a postcode; `code` is for programs, the message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Postcode:
    code: str  # digits only: 5 for current codes, 6 for legacy ones
    legacy: bool = False

    @property
    def display(self) -> str:
        return f"{self.code[:3]}-{self.code[3:]}" if self.legacy else self.code


# Current zones run from 01000 (Seoul) to 63644 (Jeju): the first two digits are 01–63.
_FIRST_ZONE, _LAST_ZONE = 1, 63
_CURRENT = re.compile(r"^[0-9]{5}$")
_EXCEL_LOST_ZERO = re.compile(r"^[1-9][0-9]{3}$")
_LEGACY = re.compile(r"^([1-7][0-9]{2})-?([0-9]{3})$")
_BRACKETS = re.compile(r"^[\[(](.*)[\])]$")

_EMPTY = ("empty", "우편번호가 비어 있습니다.")
_FORMAT = ("invalid_format", "우편번호는 5자리 숫자여야 합니다.")
_RANGE = ("out_of_range", "존재하지 않는 우편번호 범위입니다.")


def normalise_postcode(raw: str | int | float | None) -> Postcode:
    """Parse one postcode; raises `PostcodeError` for anything else."""
    if isinstance(raw, str) and len(raw) == 5 and raw.isascii() and raw.isdigit():
        text = raw  # the common case, which _as_text would return unchanged
    else:
        text = _as_text(raw)
    if not text:
        raise PostcodeError(*_EMPTY)
    if _EXCEL_LOST_ZERO.match(text):
        text = "0" + text
    if _CURRENT.match(text):
        if not _FIRST_ZONE <= int(text[:2]) <= _LAST_ZONE:
            raise PostcodeError(*_RANGE)
        return Postcode(code=text, legacy=False)
    legacy = _LEGACY.match(text)
    if legacy is not None:
        return Postcode(code=legacy.group(1) + legacy.group(2), legacy=True)
    raise PostcodeError(*_FORMAT)


def _as_text(raw: str | int | float | None) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise PostcodeError(*_FORMAT)
    if isinstance(raw, float):
        # Spreadsheet readers hand numeric cells over as floats (6234.0).
        if not raw.is_integer() or raw < 0:
            raise PostcodeError(*_FORMAT)
        return str(int(raw))
    if isinstance(raw, int):
        if raw < 0:
            raise PostcodeError(*_FORMAT)
        return str(raw)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    bracketed = _BRACKETS.match(text)
    if bracketed is not None:
        text = bracketed.group(1)
    # A CSV written from a numeric column carries the float form too.
    if re.fullmatch(r"[0-9]+\.0+", text):
        text = text.split(".", 1)[0]
    return text
