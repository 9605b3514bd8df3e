"""What normalising an imported row gives: the row ready to store (``CleanRow``), the
problems found in it, and the labels that name its fields to sellers. The reading itself
is :mod:`jikim.shipping.normalising`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["IDENTIFIER_LABELS", "LABELS", "SCANNED", "CleanRow", "Outcome", "Problem"]

LABELS: dict[str, str] = {
    "order_no": "주문번호",
    "product_order_no": "상품주문번호",
    "product_name": "상품명",
    "option": "옵션",
    "quantity": "수량",
    "amount": "금액",
    "ordered_at": "주문일시",
    "paid_at": "결제일시",
    "recipient_name": "수취인명",
    "recipient_phone1": "수취인연락처1",
    "recipient_phone2": "수취인연락처2",
    "recipient_postcode": "우편번호",
    "recipient_address_base": "기본주소",
    "recipient_address_detail": "상세주소",
    "delivery_message": "배송메시지",
    "customs_code": "개인통관고유부호",
    "courier": "택배사",
    "tracking_no": "송장번호",
    "shipped_at": "발송일",
    "delivered_at": "배송완료일",
    "purchase_confirmed_at": "구매확정일",
}

# Free-text fields that are stored: scanned for identifiers and masked in place.
SCANNED = (
    "recipient_name",
    "recipient_address_base",
    "recipient_address_detail",
    "delivery_message",
    "option",
    "product_name",
)

IDENTIFIER_LABELS = {
    "rrn": "주민등록번호",
    "alien_registration": "외국인등록번호",
    "passport": "여권번호",
    "driver_licence": "운전면허번호",
    "card": "카드번호",
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    code: str
    message: str
    value: str = ""  # masked
    severity: str = "error"  # "error": row left out; "warning": row kept, value flagged
    # The row's order number, so a seller finds the order to fix without counting rows.
    order_no: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "value": self.value,
            "severity": self.severity,
            "order_no": self.order_no,
        }


@dataclass
class CleanRow:
    """A row ready to store. Party values are plaintext here and sealed on commit."""

    source_row: int
    marketplace: str
    order_no: str
    product_order_no: str
    product_name: str = ""
    option: str = ""
    quantity: int = 1
    amount: int | None = None
    ordered_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    status: str = ""
    party: dict[str, str] = field(default_factory=dict)
    legacy_postcode: bool = False
    courier: str = ""
    tracking_no: str = ""
    shipped_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    purchase_confirmed_at: dt.datetime | None = None
    # Fields the file filled but that could not be read, so they are blank here: a line
    # already stored keeps its own value for them (storing.py), a good value is never
    # overwritten by an unreadable one.
    unreadable: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"CleanRow({self.marketplace}:{self.product_order_no}, row {self.source_row})"


@dataclass
class Outcome:
    row: CleanRow | None
    problems: list[Problem]
    identifiers: int
