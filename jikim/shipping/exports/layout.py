"""What a courier or marketplace upload sheet is: an ordered list of columns, each taking a
canonical shipment field, a constant, or both (the constant is the default when the field
is empty). The sheets themselves are data in :mod:`couriers`; :mod:`render` writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from jikim.shipping.exports.cells import escape_cell

__all__ = [
    "ADDRESS_FIELDS",
    "PHONE_EITHER",
    "PHONE_FIELDS",
    "SOURCE_FIELDS",
    "Column",
    "Layout",
    "LayoutError",
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
ADDRESS_FIELDS = frozenset({"recipient_address", "recipient_address_base"})
# A layout with a 휴대폰 column and a 전화 column needs a number in either, not in both: a
# recipient may have only a landline, or only a mobile. Any phone column of a seller's own
# layout satisfies that need.
PHONE_EITHER = frozenset({"recipient_mobile", "recipient_other_phone"})
PHONE_FIELDS = PHONE_EITHER | {"recipient_phone1", "recipient_phone2"}


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
                or (source in ADDRESS_FIELDS and bool(required & ADDRESS_FIELDS))
                or (source in PHONE_EITHER | {"recipient_phone1"} and bool(required & PHONE_FIELDS))
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
        if mapped & ADDRESS_FIELDS:
            mapped |= ADDRESS_FIELDS
        if mapped & PHONE_FIELDS:
            mapped |= PHONE_FIELDS
        missing = sorted(required - mapped)
        if set(missing) >= PHONE_EITHER:  # one need, named once
            missing.remove("recipient_other_phone")
        if missing:
            labels = ", ".join(SOURCE_FIELDS[name] for name in missing)
            raise LayoutError(f"필수 항목이 양식에 없습니다: {labels}")
        return replace(self, id=f"{self.id}:custom", columns=tuple(columns), verified=False)
