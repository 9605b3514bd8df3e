"""Upload sheets for couriers and marketplaces, described as data, and their rendering.

A layout is an ordered list of columns; each column takes a canonical shipment field, a
constant, or both (the constant is the default when the field is empty). Header lists
come from marketplace-formats.txt; where no courier publishes one (한진, 로젠) a default is
given that the seller adapts with :meth:`Layout.customised`.

Rendered rows are already cell-safe (``cells.escape_cell``), so byte budgets such as
CNPlus's 150-byte 품목명 hold for the text that is actually written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from jikim.shipping.exports.cells import NEUTRALISER, cell_text, escape_cell
from jikim.shipping.exports.tracking import clean_tracking_no, find_courier
from jikim.shipping.normalizers.phone import PhoneError, PhoneKind, normalise_phone

__all__ = [
    "CJ_CNPLUS",
    "COUPANG_INVOICE",
    "EPOST_PRE_RECEIPT",
    "HANJIN_DEFAULT",
    "LAYOUTS",
    "LOGEN_DEFAULT",
    "LOTTE",
    "SMARTSTORE_DISPATCH",
    "SOURCE_FIELDS",
    "Column",
    "Layout",
    "LayoutError",
    "RenderError",
    "RenderProblem",
    "render",
    "truncate_bytes",
]

# Canonical shipment fields a column may take, with the label shown to sellers.
SOURCE_FIELDS: dict[str, str] = {
    "recipient_name": "받는 분 이름",
    "recipient_phone1": "받는 분 전화번호 1",
    "recipient_phone2": "받는 분 전화번호 2",
    "recipient_mobile": "받는 분 휴대폰 번호(010 등, 없으면 050 안심번호)",
    "recipient_other_phone": "받는 분 전화번호(휴대폰 칸에 넣지 않은 번호)",
    "recipient_postcode": "받는 분 우편번호",
    "recipient_address": "받는 분 주소(전체)",
    "recipient_address_base": "받는 분 기본주소",
    "recipient_address_detail": "받는 분 상세주소",
    "delivery_message": "배송 메시지",
    "product_name": "상품명",
    "option": "옵션",
    "quantity": "수량",
    "order_no": "주문번호",
    "product_order_no": "상품주문번호",
    "tracking_no": "운송장번호",
    "courier": "택배사",
    "sender_name": "보내는 분 이름",
    "sender_phone": "보내는 분 전화번호",
    "sender_address": "보내는 분 주소",
    "pickup_date": "집하예정일",
}

# A full address or a base address satisfies either requirement: layouts differ in
# whether they split it.
_ADDRESS_FIELDS = frozenset({"recipient_address", "recipient_address_base"})
# A layout with a 휴대폰 column and a 전화 column needs a number in either, not in both: a
# recipient may have only a landline, or only a mobile. Any phone column of a seller's own
# layout satisfies that need.
_PHONE_EITHER = frozenset({"recipient_mobile", "recipient_other_phone"})
_PHONE_FIELDS = _PHONE_EITHER | {"recipient_phone1", "recipient_phone2"}


class LayoutError(ValueError):
    """A seller-supplied layout is not usable. Korean message."""


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    source: str | None = None  # a SOURCE_FIELDS key
    constant: str = ""  # written when the source is absent or empty
    required: bool = False
    max_bytes: int | None = None  # counted in CP949, as Korean courier systems store it
    passthrough: bool = False  # take shipment[header] (re-upload of a marketplace file)
    counter: bool = False  # running number 1, 2, 3 … when nothing else is given


@dataclass(frozen=True, slots=True)
class Layout:
    id: str
    courier: str | None  # tracking.COURIERS id; None for a marketplace upload
    display_name: str
    sheet_name: str
    columns: tuple[Column, ...]
    # False when the header list is our own guess rather than one seen in use.
    verified: bool = True

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def required_sources(self) -> set[str]:
        return {c.source for c in self.columns if c.required and c.source}

    def customised(self, column_overrides: Sequence[tuple[str, str]]) -> Layout:
        """This layout with the seller's own ordered (header, source field) columns.

        A source of ``""`` makes a blank column, or keeps the default of this layout's
        column of the same header. Every field this layout requires must still be
        mapped; byte limits of the original columns carry over by field.
        """
        if not column_overrides:
            raise LayoutError("양식에 열을 하나 이상 지정해 주세요.")
        limits = {c.source: c.max_bytes for c in self.columns if c.source}
        own = {c.header: c for c in self.columns}
        required = self.required_sources()
        columns: list[Column] = []
        seen: set[str] = set()
        for position, (raw_header, raw_source) in enumerate(column_overrides, start=1):
            header = str(raw_header).strip()
            source = str(raw_source).strip()
            if not header:
                raise LayoutError(f"{position}번째 열의 이름이 비어 있습니다.")
            if len(header) > 100 or escape_cell(header) != header:
                raise LayoutError(
                    f"{position}번째 열의 이름은 100자 이하로, 제어 문자나 "
                    "=, +, -, @ 로 시작하지 않게 정해 주세요."
                )
            if header in seen:
                raise LayoutError(f"열 이름 '{header}'이(가) 두 번 나옵니다.")
            if source and source not in SOURCE_FIELDS:
                raise LayoutError(f"'{header}' 열에 지정한 항목은 알 수 없는 항목입니다.")
            seen.add(header)
            if not source and header in own:
                # The layout's own column without a field keeps its default (예약구분 "1").
                columns.append(replace(own[header], source=None, required=False))
                continue
            is_required = (
                source in required
                or (source in _ADDRESS_FIELDS and bool(required & _ADDRESS_FIELDS))
                or (
                    source in _PHONE_EITHER | {"recipient_phone1"}
                    and bool(required & _PHONE_FIELDS)
                )
            )
            columns.append(
                Column(
                    header,
                    source or None,
                    required=is_required,
                    max_bytes=limits.get(source) if source else None,
                )
            )
        mapped = {c.source for c in columns if c.source}
        if mapped & _ADDRESS_FIELDS:
            mapped |= _ADDRESS_FIELDS
        if mapped & _PHONE_FIELDS:
            mapped |= _PHONE_FIELDS
        missing = sorted(required - mapped)
        if set(missing) >= _PHONE_EITHER:  # one need, named once
            missing.remove("recipient_other_phone")
        if missing:
            labels = ", ".join(SOURCE_FIELDS[name] for name in missing)
            raise LayoutError(f"필수 항목이 양식에 없습니다: {labels}")
        return replace(self, id=f"{self.id}:custom", columns=tuple(columns), verified=False)


# --- the layouts ------------------------------------------------------------------

_C = Column  # short alias: the layouts below are tables

CJ_CNPLUS = Layout(
    "cj_cnplus",
    "cj",
    "CJ대한통운 CNPlus 일괄접수",
    "Sheet1",
    (
        _C("예약구분", constant="1"),  # 1 = 일반, 2 = 반품
        _C("집하예정일", "pickup_date"),
        _C("받는분성명", "recipient_name", required=True),
        _C("받는분전화번호", "recipient_phone1", required=True),
        _C("받는분기타연락처", "recipient_phone2"),
        _C("받는분우편번호", "recipient_postcode"),
        _C("받는분주소(전체, 분할)", "recipient_address", required=True),
        _C("운송장번호", "tracking_no"),
        # Printed back in CNPlus's result file, so results match order lines by it: the
        # product-order number, unique per line. An order number can be shared by several
        # lines going to different people (one checkout, several products).
        _C("고객주문번호", "product_order_no"),
        _C("품목명", "product_name", max_bytes=150),
        _C("박스수량"),  # blank = 1
        _C("박스타입"),
        _C("기본운임"),
        _C("배송메세지1", "delivery_message"),
        _C("배송메세지2"),
    ),
)

EPOST_PRE_RECEIPT = Layout(
    "epost_pre_receipt",
    "epost",
    "우체국 사전접수(창구소포)",
    "Sheet1",
    (
        _C("받는 분", "recipient_name", required=True),
        _C("우편번호", "recipient_postcode"),
        _C("주소(시도+시군구+도로명+건물번호)", "recipient_address_base", required=True),
        _C("상세주소(동, 호수, 洞명칭, 아파트, 건물명 등)", "recipient_address_detail"),
        # Whichever of the two numbers is a mobile (else a 050x safe number) goes to
        # 휴대전화, the other to 일반전화; one of them must be there.
        _C("휴대전화(010-1234-5678)", "recipient_mobile", required=True),
        _C("일반전화(02-1234-5678)", "recipient_other_phone", required=True),
        _C("중량(kg)"),
        _C("부피(cm)=가로+세로+높이"),
        _C("내용품코드"),
        _C("내용물", "product_name"),
        _C("배송시요청사항", "delivery_message"),
        _C("분할접수 여부(Y/N)", constant="N"),
        _C("분할접수 첫번째 중량(kg)"),
        _C("분할접수 첫번째 부피(cm)"),
        _C("분할접수 두번째 중량(kg)"),
        _C("분할접수 두번째 부피(cm)"),
    ),
)

# One seller's Lotte layout (§9). The "(불필요한 항목)" column stays, blank, so that
# every later column keeps the position the seller's Lotte account expects.
LOTTE = Layout(
    "lotte",
    "lotte",
    "롯데택배 일괄접수",
    "Sheet1",
    (
        _C("받는사람", "recipient_name", required=True),
        _C("우편번호", "recipient_postcode"),
        _C("주소", "recipient_address", required=True),
        _C("전화번호1", "recipient_phone1", required=True),
        _C("전화번호2", "recipient_phone2"),
        _C("배송메시지", "delivery_message"),
        _C("(불필요한 항목)"),
        _C("보내는사람(지정)", "sender_name"),
        _C("전화번호1(지정)", "sender_phone"),
        _C("주소(지정)", "sender_address"),
        _C("수량(A타입)"),
        _C("상품명1", "product_name"),
        _C("상품상세1", "option"),
        _C("내품수량1", "quantity"),
        # 상품코드1 is the column read back from a result file: the line's own number.
        _C("상품코드1", "product_order_no"),
        _C("상품코드2", "order_no"),
        _C("상품상세2"),
    ),
)

# No official 한진 upload list is known. The names follow its result file (§8), and the
# product-order number (unique per line) goes to 메모3 because the result file carries
# 메모3 back.
HANJIN_DEFAULT = Layout(
    "hanjin_default",
    "hanjin",
    "한진택배 일괄접수(기본 양식 — 계약 양식에 맞게 조정)",
    "Sheet1",
    (
        _C("받으시는 분", "recipient_name", required=True),
        _C("우편번호", "recipient_postcode"),
        _C("주소", "recipient_address", required=True),
        _C("전화번호", "recipient_other_phone", required=True),
        _C("휴대폰", "recipient_mobile", required=True),
        _C("품목명", "product_name"),
        _C("수량", "quantity"),
        _C("배송메세지", "delivery_message"),
        _C("메모3", "product_order_no"),
        _C("메모4", "order_no"),
    ),
    verified=False,
)

# No official 로젠 upload list is known; names follow its result file (§10). Its result
# file carries no order number, so parse it with an explicit column: 상품주문번호, the
# line's own number.
LOGEN_DEFAULT = Layout(
    "logen_default",
    "logen",
    "로젠택배 일괄접수(기본 양식 — 계약 양식에 맞게 조정)",
    "Sheet1",
    (
        _C("수하인명", "recipient_name", required=True),
        _C("수하인우편번호", "recipient_postcode"),
        _C("수하인주소1", "recipient_address", required=True),
        _C("수하인전화", "recipient_other_phone", required=True),
        _C("수하인휴대폰", "recipient_mobile", required=True),
        _C("품목명", "product_name"),
        _C("수량", "quantity"),
        _C("배송메세지", "delivery_message"),
        _C("상품주문번호", "product_order_no"),
        _C("주문번호", "order_no"),
    ),
    verified=False,
)

SMARTSTORE_DISPATCH = Layout(
    "smartstore_dispatch",
    None,
    "스마트스토어 엑셀 일괄발송",
    "발송처리",  # Smartstore rejects any other sheet name
    (
        _C("상품주문번호", "product_order_no", required=True),
        _C("배송방법", constant="택배,등기,소포", passthrough=True),
        _C("택배사", "courier", required=True),
        _C("송장번호", "tracking_no", required=True),
    ),
)

# Coupang's upload takes back its own DeliveryList (§2a, 39 columns). Only what the
# invoice needs is filled from canonical fields; the rest is copied from the shipment's
# original DeliveryList columns when given (passthrough) and left blank otherwise, so no
# recipient data is added that the seller's file did not already hold.
_COUPANG_FILLED = {
    "번호": _C("번호", passthrough=True, counter=True),
    "묶음배송번호": _C("묶음배송번호", "product_order_no", required=True, passthrough=True),
    "주문번호": _C("주문번호", "order_no", required=True, passthrough=True),
    "택배사": _C("택배사", "courier", required=True),
    "운송장번호": _C("운송장번호", "tracking_no", required=True),
}
_COUPANG_HEADERS = (
    "번호",
    "묶음배송번호",
    "주문번호",
    "택배사",
    "운송장번호",
    "분리배송 Y/N",
    "분리배송 출고예정일",
    "주문시 출고예정일",
    "출고일(발송일)",
    "주문일",
    "등록상품명",
    "등록옵션명",
    "노출상품명(옵션명)",
    "노출상품ID",
    "옵션ID",
    "최초등록옵션명",
    "업체상품코드",
    "바코드",
    "결제액",
    "배송비구분",
    "배송비",
    "도서산간 추가배송비",
    "구매수(수량)",
    "옵션판매가(판매단가)",
    "구매자",
    "구매자전화번호",
    "수취인이름",
    "수취인전화번호",
    "우편번호",
    "수취인 주소",
    "배송메세지",
    "상품별 추가메시지",
    "주문자 추가메시지",
    "배송완료일",
    "구매확정일자",
    "개인통관번호(PCCC)",
    "통관용구매자전화번호",
    "기타",
    "결제위치",
)

COUPANG_INVOICE = Layout(
    "coupang_invoice",
    None,
    "쿠팡 Wing 송장 일괄 업로드",
    "송장업로드",
    tuple(_COUPANG_FILLED.get(h, _C(h, passthrough=True)) for h in _COUPANG_HEADERS),
)

LAYOUTS: dict[str, Layout] = {
    layout.id: layout
    for layout in (
        CJ_CNPLUS,
        EPOST_PRE_RECEIPT,
        LOTTE,
        HANJIN_DEFAULT,
        LOGEN_DEFAULT,
        SMARTSTORE_DISPATCH,
        COUPANG_INVOICE,
    )
}


# --- rendering ----------------------------------------------------------------------


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
    either = [at for at, c in enumerate(layout.columns) if c.source in _PHONE_EITHER]
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
