"""합포장 (combined parcels): the lines of one order going to one recipient at one address,
written as one row of a courier sheet, so that they travel in one box at one fee.

Only what the sheet itself holds is compared, and only here, inside the export that
already revealed it for the sheet: the recipient's name, telephone numbers, postcode and
full address, each normalised so that a blank or a hyphen more does not split a parcel.
Lines of different orders are never combined (the marketplaces' own 묶음배송 is within one
order too), and a line whose recipient is not fully known is never combined with another.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence

from jikim.shipping.exports.cells import escape_cell
from jikim.shipping.exports.layout import Layout
from jikim.shipping.exports.render import truncate_bytes
from jikim.shipping.normalizers.phone import PhoneError, normalise_phone

__all__ = ["SEPARATOR", "combined_row", "group_lines", "product_summary", "recipient_key"]

SEPARATOR = " / "
_BLANKS = re.compile(r"[\s,]+")
_NOT_DIGITS = re.compile(r"\D+")


def _plain(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _squeezed(value: object) -> str:
    """Text as compared: compatibility forms folded, case ignored, blanks and commas gone
    ("테헤란로 152, 12층" is "테헤란로152 12층")."""
    return _BLANKS.sub("", _plain(value)).casefold()


def _phone(value: object) -> str:
    text = _plain(value)
    try:
        return normalise_phone(text).digits
    except PhoneError:
        return _NOT_DIGITS.sub("", text)


def recipient_key(row: Mapping[str, object]) -> Hashable | None:
    """Who and where a sheet row goes to, as compared for combining; None when the name or
    the address is missing (such a line is never combined)."""
    name = _squeezed(row.get("recipient_name"))
    address = _squeezed(
        f"{_plain(row.get('recipient_address_base'))}{_plain(row.get('recipient_address_detail'))}"
    ) or _squeezed(row.get("recipient_address"))
    if not name or not address:
        return None
    phones = frozenset(
        p for p in (_phone(row.get("recipient_phone1")), _phone(row.get("recipient_phone2"))) if p
    )
    postcode = _NOT_DIGITS.sub("", _plain(row.get("recipient_postcode")))
    return (name, phones, postcode, address)


def group_lines(keys: Sequence[Hashable | None]) -> list[list[int]]:
    """Positions of the lines that share a key, in the order their first line came; a line
    without a key (None) is a parcel of its own."""
    groups: dict[Hashable, list[int]] = {}
    order: list[list[int]] = []
    for position, key in enumerate(keys):
        if key is None:
            order.append([position])
        elif key in groups:
            groups[key].append(position)
        else:
            groups[key] = [position]
            order.append(groups[key])
    return order


def _item(row: Mapping[str, object]) -> str:
    name, option = _plain(row.get("product_name")), _plain(row.get("option"))
    quantity = _plain(row.get("quantity")) or "1"
    label = f"{name} ({option})" if name and option else name or option
    return f"{label} ×{quantity}".strip()


def _char_bytes(char: str) -> int:
    try:
        return len(char.encode("cp949"))
    except UnicodeEncodeError:
        return len(char.encode("utf-8", "surrogatepass"))


def _size(text: str) -> int:
    """Bytes of the cell as ``render.truncate_bytes`` counts them: escaped, in CP949 (a
    character CP949 cannot hold at its UTF-8 length)."""
    return sum(_char_bytes(c) for c in escape_cell(text))


def product_summary(items: Sequence[str], limit: int | None) -> str:
    """The parcel's products in one cell: "유기농 현미 5kg ×2 / 현미 누룽지 ×1".

    Within a byte limit (CNPlus 품목명: 150) whole products are kept and the rest counted
    ("… 외 2건"), rather than cutting the last product's name in the middle.
    """
    full = SEPARATOR.join(items)
    if limit is None or _size(full) <= limit:
        return full
    for shown in range(len(items) - 1, 0, -1):
        text = f"{SEPARATOR.join(items[:shown])} 외 {len(items) - shown}건"
        if _size(text) <= limit:
            return text
    suffix = f" 외 {len(items) - 1}건"
    # One byte kept for the neutraliser a formula-looking name gets in front.
    head = truncate_bytes(items[0], max(limit - _size(suffix) - 1, 0))
    return f"{head}{suffix}"


def _product_limit(layout: Layout) -> int | None:
    limits = [c.max_bytes for c in layout.columns if c.source == "product_name" and c.max_bytes]
    return min(limits) if limits else None


def combined_row(layout: Layout, rows: Sequence[Mapping[str, object]]) -> dict[str, object]:
    """One sheet row for the lines of a parcel: the first line's row (its 상품주문번호 is the
    one the courier prints back), with every product, the total quantity and every distinct
    delivery message. The options are in the products' text, so the option column is left
    blank rather than naming one product's option for the whole box."""
    first = dict(rows[0])
    if len(rows) == 1:
        return first
    first["product_name"] = product_summary([_item(r) for r in rows], _product_limit(layout))
    first["option"] = ""
    quantities = [_plain(r.get("quantity")) for r in rows]
    first["quantity"] = sum(int(q) if q.isdigit() else 1 for q in quantities)
    messages: list[str] = []
    for row in rows:
        message = _plain(row.get("delivery_message"))
        if message and message not in messages:
            messages.append(message)
    first["delivery_message"] = SEPARATOR.join(messages)
    return first
