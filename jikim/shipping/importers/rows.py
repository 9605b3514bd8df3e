"""One order line read from a marketplace file, before any normalisation.

Values are the cell strings as the seller sees them (trimmed of surrounding blanks only):
phone numbers, postcodes and dates are normalised later, by the normalizers, so that a
problem report can always point back at what the file really said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# Canonical field names, in OrderRow order. Format modules map headers onto these.
FIELDS: Final = (
    "order_no",
    "product_order_no",
    "product_name",
    "option",
    "quantity",
    "amount",
    "ordered_at",
    "paid_at",
    "status",
    "recipient_name",
    "recipient_phone1",
    "recipient_phone2",
    "recipient_postcode",
    "recipient_address_base",
    "recipient_address_detail",
    "delivery_message",
    "buyer_name",
    "buyer_phone",
    "customs_code",
    "courier",
    "tracking_no",
    "shipped_at",
    "delivered_at",
    "purchase_confirmed_at",
)


@dataclass(frozen=True, slots=True, repr=False)
class OrderRow:
    """An order line. `product_order_no` is the line's stable key within its marketplace.

    Marketplaces without a per-line number get a composite key; each format module says
    how it builds one. `extra` holds every other non-empty cell under its header, so that
    identifier scanning (주민등록번호, 통관번호, a phone typed into a memo) sees every column.
    """

    marketplace: str
    source_row: int  # 1-based row number as Excel shows it
    order_no: str
    product_order_no: str
    product_name: str = ""
    option: str = ""
    quantity: str = ""
    amount: str = ""
    ordered_at: str = ""
    paid_at: str = ""
    status: str = ""
    recipient_name: str = ""
    recipient_phone1: str = ""
    recipient_phone2: str = ""
    recipient_postcode: str = ""
    recipient_address_base: str = ""
    recipient_address_detail: str = ""
    delivery_message: str = ""
    buyer_name: str = ""
    buyer_phone: str = ""
    customs_code: str = ""
    courier: str = ""
    tracking_no: str = ""
    shipped_at: str = ""
    delivered_at: str = ""
    purchase_confirmed_at: str = ""
    extra: dict[str, str] = field(default_factory=dict, hash=False)

    def __repr__(self) -> str:
        # Names, phones and addresses must never reach a log or an error report via repr.
        return (
            f"OrderRow(marketplace={self.marketplace!r}, order_no={self.order_no!r}, "
            f"product_order_no={self.product_order_no!r}, source_row={self.source_row})"
        )


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row was not taken. Never carries the cell's value, only where it is."""

    row: int  # 1-based spreadsheet row number
    column: str | None  # the header the seller should look at
    code: str
    message: str


PROBLEM_MESSAGES: Final = {
    "missing_order_no": "주문번호가 비어 있어 이 행을 가져오지 않았습니다.",
    "missing_product_order_no": (
        "상품주문번호(주문 상품을 구별하는 번호)가 비어 있어 이 행을 가져오지 않았습니다."
    ),
}


def problem(row: int, column: str | None, code: str) -> RowProblem:
    return RowProblem(row=row, column=column, code=code, message=PROBLEM_MESSAGES[code])
