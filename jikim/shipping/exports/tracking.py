"""Couriers, their tracking-number rules, and reading a courier's result file back.

The length rules are the ones seen in public tracker code (marketplace-formats.txt §11);
no courier publishes a domestic check-digit rule we could verify, so domestic numbers are
checked by length only. International EMS numbers follow UPU S10, whose check digit is
verified.

Error messages name the courier, the rule and the length of what was given, never the
number itself: a tracking number opens the courier's public tracking page, which shows
part of the recipient's name and address.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from jikim.shipping.exports.cells import cell_text

__all__ = [
    "COURIERS",
    "Courier",
    "Problem",
    "TrackingMatch",
    "TrackingNumberError",
    "clean_tracking_no",
    "find_courier",
    "header_key",
    "parse_tracking_result",
    "s10_check_digit",
    "validate_tracking_no",
]


@dataclass(frozen=True, slots=True)
class Courier:
    id: str
    name: str  # as Smartstore's 택배사 list spells it (also used for Coupang)
    pattern: re.Pattern[str]
    expected: str  # the rule in words, for messages
    aliases: tuple[str, ...] = ()
    s10: bool = False  # UPU S10 number with a check digit


COURIERS: dict[str, Courier] = {
    c.id: c
    for c in (
        Courier(
            "cj",
            "CJ대한통운",
            re.compile(r"^(\d{10}|\d{12})$"),
            "숫자 10자리 또는 12자리",
            ("CJ", "대한통운", "CJ택배", "CJGLS", "CJ대한통운택배"),
        ),
        Courier(
            "hanjin",
            "한진택배",
            re.compile(r"^(\d{10}|\d{12})$"),
            "숫자 10자리 또는 12자리",
            ("한진", "HANJIN"),
        ),
        Courier(
            "lotte",
            "롯데택배",
            re.compile(r"^(\d{10}|\d{12}|\d{13})$"),
            "숫자 10자리, 12자리 또는 13자리",
            ("롯데", "롯데글로벌로지스", "현대택배", "LOTTE", "HYUNDAI"),
        ),
        Courier(
            "epost",
            "우체국택배",
            re.compile(r"^\d{13}$"),
            "숫자 13자리",
            ("우체국", "우체국소포", "EPOST"),
        ),
        Courier(
            "logen",
            "로젠택배",
            re.compile(r"^\d{11}$"),
            "숫자 11자리",
            ("로젠", "LOGEN", "KGB"),
        ),
        Courier(
            "ems",
            "EMS",
            re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$"),
            "영문 2자 + 숫자 9자리 + 영문 2자(예: EE123456785KR)",
            ("우체국EMS", "국제특송"),
            s10=True,
        ),
    )
}


def _alias_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


_BY_ALIAS: dict[str, Courier] = {
    _alias_key(alias): c for c in COURIERS.values() for alias in (c.id, c.name, *c.aliases)
}


def find_courier(value: str) -> Courier | None:
    """The courier named by an id (``cj``), its name (``CJ대한통운``) or a common alias."""
    return _BY_ALIAS.get(_alias_key(value))


class TrackingNumberError(ValueError):
    """A tracking number breaks its courier's rule. ``code`` is for programs."""

    def __init__(self, courier_id: str, code: str, message: str) -> None:
        super().__init__(message)
        self.courier_id = courier_id
        self.code = code


_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−]")
_FLOAT_LOOKING = re.compile(r"(\d+)\.0*")
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?E[+-]?\d+")


def clean_tracking_no(raw: object) -> str:
    """Strip what people and Excel add to a tracking number.

    Hyphens and spaces go, fullwidth digits become ASCII, ``123456789012.0`` (a number
    cell read as float, or its text) becomes ``123456789012``, letters become upper case.
    """
    text = unicodedata.normalize("NFKC", cell_text(raw)).strip()
    # A leading apostrophe is Excel's "this is text" marker, typed by hand.
    text = _SEPARATORS.sub("", text.removeprefix("'"))
    match = _FLOAT_LOOKING.fullmatch(text)
    if match:
        text = match.group(1)
    return text.upper()


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of the 8-digit serial number."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("S10 일련번호는 숫자 8자리입니다.")
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def validate_tracking_no(courier_id: str, raw: object) -> str:
    """Return the cleaned tracking number, or raise :class:`TrackingNumberError`."""
    courier = COURIERS.get(courier_id)
    if courier is None:
        raise TrackingNumberError(courier_id, "unknown_courier", "알 수 없는 택배사입니다.")
    number = clean_tracking_no(raw)
    if not number:
        raise TrackingNumberError(
            courier.id, "empty", f"{courier.name} 운송장번호가 비어 있습니다."
        )
    if _SCIENTIFIC.fullmatch(number):
        raise TrackingNumberError(
            courier.id,
            "scientific",
            "운송장번호가 엑셀에서 지수 형식(예: 1.23E+11)으로 바뀌어 자릿수를 잃었습니다. "
            "운송장번호 열을 텍스트 형식으로 바꾼 뒤 택배사 파일을 다시 받아 주세요.",
        )
    if not courier.pattern.fullmatch(number):
        raise TrackingNumberError(
            courier.id,
            "format",
            f"{courier.name} 운송장번호는 {courier.expected}여야 합니다 "
            f"(입력된 번호는 {len(number)}자).",
        )
    if courier.s10 and s10_check_digit(number[2:10]) != int(number[10]):
        raise TrackingNumberError(
            courier.id,
            "check_digit",
            f"{courier.name} 운송장번호의 검증 숫자가 맞지 않습니다. 번호를 다시 확인해 주세요.",
        )
    return number


# --- result files ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrackingMatch:
    order_no: str
    tracking_no: str
    row: int  # 1-based row number in the file, as the user sees it


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None  # 1-based row number; None when the whole file is affected
    column: str | None
    code: str
    message: str  # Korean; names the row and column, never a cell's value


@dataclass(frozen=True, slots=True)
class _ResultFormat:
    order_columns: tuple[str, ...]
    tracking_columns: tuple[str, ...]


# Column names in each courier's result (waybill) file. CJ, 한진 and 로젠 are seen in
# public code (§6, §8, §10); 롯데, 우체국 and EMS are our best guess, and any of them can
# be overridden by the caller. The first names are the columns jikim's own sheets put the
# product-order number in (couriers.py), so a line is found by its own number.
_RESULT_FORMATS: dict[str, _ResultFormat] = {
    "cj": _ResultFormat(("고객주문번호",), ("운송장번호",)),
    "hanjin": _ResultFormat(("메모3",), ("운송장번호",)),
    "logen": _ResultFormat((), ("운송장번호",)),
    "lotte": _ResultFormat(("상품코드1", "고객주문번호", "주문번호"), ("운송장번호", "송장번호")),
    "epost": _ResultFormat(("주문번호", "고객주문번호"), ("등기번호", "운송장번호")),
    "ems": _ResultFormat(("주문번호", "고객주문번호"), ("등기번호", "운송장번호")),
}

# The header is searched for among the first rows: some files carry a title or a
# guidance line above it.
_HEADER_SEARCH_ROWS = 30


def header_key(value: object) -> str:
    """A header as compared: blanks and the asterisk of a required column ignored."""
    return re.sub(r"[\s*]", "", cell_text(value))


def _find_column(header: Sequence[object], names: Sequence[str]) -> int | None:
    keys = [header_key(cell) for cell in header]
    for name in names:
        wanted = header_key(name)
        if wanted in keys:
            return keys.index(wanted)
    return None


def parse_tracking_result(
    rows: Sequence[Sequence[object]],
    courier_id: str,
    *,
    order_column: str | None = None,
    tracking_column: str | None = None,
) -> tuple[list[TrackingMatch], list[Problem]]:
    """Read (order number, tracking number) pairs from a courier's result sheet.

    ``rows`` is the sheet as read (calamine's ``to_python()`` or CSV rows). The result
    holds every good pair and every problem; a file without a usable header yields no
    matches and one problem saying why.
    """
    courier = COURIERS.get(courier_id)
    if courier is None:
        return [], [Problem(None, None, "unknown_courier", "알 수 없는 택배사입니다.")]
    fmt = _RESULT_FORMATS[courier.id]
    order_names = (order_column,) if order_column else fmt.order_columns
    tracking_names = (tracking_column,) if tracking_column else fmt.tracking_columns

    header_index, tracking_at = next(
        (
            (i, at)
            for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS])
            if (at := _find_column(row, tracking_names)) is not None
        ),
        (None, None),
    )
    if header_index is None or tracking_at is None:
        return [], [
            Problem(
                None,
                None,
                "header_not_found",
                f"{courier.name} 결과 파일에서 '{tracking_names[0]}' 열이 있는 머리글 행을 "
                "찾지 못했습니다. 택배사에서 받은 파일을 고치지 않고 올려 주세요.",
            )
        ]
    header = rows[header_index]
    header_row_no = header_index + 1
    order_at = _find_column(header, order_names) if order_names else None
    if order_at is None:
        return [], [_no_order_column(courier, order_names, header_row_no)]

    order_header = cell_text(header[order_at]).strip()
    tracking_header = cell_text(header[tracking_at]).strip()
    matches: list[TrackingMatch] = []
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        row_no = index + 1
        if not any(cell_text(cell).strip() for cell in row):
            continue
        order_no = cell_text(row[order_at] if order_at < len(row) else "").strip()
        raw_tracking = row[tracking_at] if tracking_at < len(row) else ""
        if not order_no:
            problems.append(
                Problem(
                    row_no, order_header, "order_missing", f"{row_no}행: 주문번호가 비어 있습니다."
                )
            )
            continue
        if _SCIENTIFIC.fullmatch(order_no.upper()):
            problems.append(
                Problem(
                    row_no,
                    order_header,
                    "order_scientific",
                    f"{row_no}행: 주문번호가 엑셀에서 지수 형식으로 바뀌어 자릿수를 잃었습니다.",
                )
            )
            continue
        if not clean_tracking_no(raw_tracking):
            problems.append(
                Problem(
                    row_no,
                    tracking_header,
                    "tracking_missing",
                    f"{row_no}행: 운송장번호가 아직 없습니다.",
                )
            )
            continue
        try:
            tracking_no = validate_tracking_no(courier.id, raw_tracking)
        except TrackingNumberError as exc:
            problems.append(
                Problem(row_no, tracking_header, f"tracking_{exc.code}", f"{row_no}행: {exc}")
            )
            continue
        if (order_no, tracking_no) in seen:
            problems.append(
                Problem(
                    row_no,
                    tracking_header,
                    "duplicate_row",
                    f"{row_no}행: 앞 행과 같은 주문번호·운송장번호라 한 번만 반영합니다.",
                )
            )
            continue
        seen.add((order_no, tracking_no))
        matches.append(TrackingMatch(order_no, tracking_no, row_no))
    return matches, problems


def _no_order_column(courier: Courier, names: Sequence[str], header_row_no: int) -> Problem:
    if not names:
        message = (
            f"{courier.name} 결과 파일에는 주문번호 열이 없어 주문과 자동으로 맞출 수 "
            "없습니다. 접수 파일에서 주문번호를 넣은 열(예: 메모)의 이름을 지정해 주세요."
        )
    else:
        listed = ", ".join(f"'{n}'" for n in names)
        message = (
            f"{courier.name} 결과 파일 {header_row_no}행 머리글에서 주문번호 열({listed})을 "
            "찾지 못했습니다. 주문번호가 든 열의 이름을 지정해 주세요."
        )
    return Problem(header_row_no, None, "no_order_column", message)
