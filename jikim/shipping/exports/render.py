"""Rendering a sheet layout: one cell-safe text row per shipment.

Rendered rows are already cell-safe (``cells.escape_cell``), so byte budgets such as
CNPlus's 150-byte 품목명 hold for the text that is actually written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jikim.shipping.exports.cells import NEUTRALISER, cell_text, escape_cell
from jikim.shipping.exports.layout import PHONE_EITHER, SOURCE_FIELDS, Column, Layout
from jikim.shipping.exports.tracking import clean_tracking_no, find_courier
from jikim.shipping.normalizers.phone import PhoneError, PhoneKind, normalise_phone

__all__ = ["RenderError", "RenderProblem", "render", "truncate_bytes"]


@dataclass(frozen=True, slots=True)
class RenderProblem:
    index: int  # 1-based position of the shipment in the list given to render()
    header: str
    code: str
    message: str  # Korean; never holds the value


class RenderError(ValueError):
    """Some shipments cannot be written. ``problems`` lists every one of them."""

    def __init__(self, problems: list[RenderProblem]) -> None:
        self.problems = problems
        shown = " / ".join(p.message for p in problems[:5])
        more = f" 외 {len(problems) - 5}건" if len(problems) > 5 else ""
        super().__init__(f"양식을 만들 수 없는 배송건이 있습니다: {shown}{more}")


def truncate_bytes(text: str, limit: int, encoding: str = "cp949") -> str:
    """Cut ``text`` on a character boundary so that it fits ``limit`` bytes.

    A character the encoding cannot hold (an emoji in CP949) is counted at its UTF-8
    length: more than the courier's system will store, so the cut is never too late.
    """
    used = 0
    for position, char in enumerate(text):
        try:
            size = len(char.encode(encoding))
        except UnicodeEncodeError:
            size = len(char.encode("utf-8", "surrogatepass"))
        if used + size > limit:
            return text[:position]
        used += size
    return text


_DATE_SEPARATED = re.compile(r"(\d{4})[-./년]\s*(\d{1,2})[-./월]\s*(\d{1,2})일?(?:[T ].*)?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _yyyymmdd(text: str) -> str | None:
    match = _DATE_SEPARATED.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if not match:
        return None
    try:
        day = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day.strftime("%Y%m%d")


def _text(raw: object) -> str:
    # NFC: macOS can hand over decomposed Hangul, which CP949 systems cannot store.
    # Only blanks are stripped here: a leading tab or CR must reach escape_cell.
    text = unicodedata.normalize("NFC", cell_text(raw)).strip(" \u3000")
    # Nothing but blanks and control characters is no value at all.
    return text if escape_cell(text).removeprefix(NEUTRALISER).strip() else ""


def _fields(shipment: Mapping[str, object]) -> dict[str, str]:
    values = {name: _text(shipment.get(name)) for name in SOURCE_FIELDS}
    base, detail = values["recipient_address_base"], values["recipient_address_detail"]
    if not values["recipient_address"]:
        values["recipient_address"] = " ".join(part for part in (base, detail) if part)
    elif not base:
        # Only the full address is known: it goes whole into the base-address column.
        values["recipient_address_base"] = values["recipient_address"]
        values["recipient_address_detail"] = ""
    values["tracking_no"] = clean_tracking_no(values["tracking_no"])
    values["recipient_mobile"], values["recipient_other_phone"] = _split_phones(
        values["recipient_phone1"], values["recipient_phone2"]
    )
    return values


# Which kind of number a courier can text, best first: a mobile line, then a 050x safe
# number (안심번호), which relays calls and texts to the recipient's real phone. A landline
# never goes to 휴대폰.
_TEXTABLE = (PhoneKind.MOBILE, PhoneKind.SAFE)


def _phone_digits(text: str) -> tuple[str, int]:
    """The number's digits (to compare two numbers) and its rank for the 휴대폰 column:
    its place in ``_TEXTABLE``, or ``len(_TEXTABLE)`` when a courier cannot text it."""
    try:
        phone = normalise_phone(text)
    except PhoneError:
        return text, len(_TEXTABLE)
    rank = _TEXTABLE.index(phone.kind) if phone.kind in _TEXTABLE else len(_TEXTABLE)
    return phone.digits, rank


def _split_phones(first: str, second: str) -> tuple[str, str]:
    """(휴대폰, 전화) from the recipient's two numbers, in whichever order they came.

    휴대폰 takes the number a courier can text: a mobile number (010, 011, 016–019)
    wherever it is, else a safe number (0502–0508, the marketplaces' 안심번호, which
    forwards the courier's texts to the real phone). The other number goes to 전화. A
    recipient with only a landline gets a blank 휴대폰, one with only a mobile or safe
    number a blank 전화. The same number given twice is written once.
    """
    numbers = [(n, *_phone_digits(n)) for n in (first, second) if n]
    textable = [entry for entry in numbers if entry[2] < len(_TEXTABLE)]
    mobile = min(textable, key=lambda entry: entry[2], default=None)
    taken = {mobile[1]} if mobile else set()
    other = next((entry for entry in numbers if entry[1] not in taken), None)
    return (mobile[0] if mobile else ""), (other[0] if other else "")


def _source_value(column: Column, values: dict[str, str]) -> tuple[str, str | None]:
    """The column's value from a canonical field, and a problem code if it is unusable."""
    assert column.source is not None
    value = values[column.source]
    if not value:
        return "", None
    if column.source == "courier":
        courier = find_courier(value)
        return (courier.name, None) if courier else ("", "unknown_courier")
    if column.source == "pickup_date":
        day = _yyyymmdd(value)
        return (day, None) if day else ("", "bad_date")
    return value, None


_MESSAGES = {
    "missing": "'{header}' 칸에 넣을 값이 없습니다",
    "unknown_courier": "'{header}' 칸의 택배사를 알 수 없습니다",
    "bad_date": "'{header}' 칸의 날짜를 읽을 수 없습니다(YYYYMMDD)",
}


def render(
    layout: Layout, shipments: Sequence[Mapping[str, object]]
) -> tuple[list[str], list[list[str]]]:
    """The header row and one cell-safe text row per shipment.

    Raises :class:`RenderError` listing every shipment with a missing required value,
    an unknown courier or an unreadable date; nothing is written half-way.
    """
    rows: list[list[str]] = []
    problems: list[RenderProblem] = []
    either = [at for at, c in enumerate(layout.columns) if c.source in PHONE_EITHER]
    for index, shipment in enumerate(shipments, start=1):
        values = _fields(shipment)
        row: list[str] = []
        codes: list[str | None] = []
        for column in layout.columns:
            value, code = _source_value(column, values) if column.source else ("", None)
            if not value and column.passthrough:
                value = _text(shipment.get(column.header))
            if not value and column.counter:
                value = str(index)
            if not value and code is None:
                value = column.constant
            # Blanks left by normalised line breaks go; the neutraliser stays first.
            value = escape_cell(value).strip(" ")
            if column.max_bytes is not None:
                value = truncate_bytes(value, column.max_bytes)
            if not value and column.required and code is None:
                code = "missing"
            row.append(value)
            codes.append(code)
        # 휴대폰 and 전화: a number in either of them is enough.
        if any(row[at] for at in either):
            for at in either:
                if codes[at] == "missing":
                    codes[at] = None
        for column, code in zip(layout.columns, codes, strict=True):
            if code is not None:
                message = _MESSAGES[code].format(header=column.header)
                problems.append(
                    RenderProblem(index, column.header, code, f"{index}번째 배송건: {message}")
                )
        rows.append(row)
    if problems:
        raise RenderError(problems)
    return layout.headers, rows
