"""From a raw OrderRow to what is stored: phones, postcodes, dates and amounts normalised,
needless identifiers masked (C6-07), and every problem reported with row, column, a masked
value and a Korean reason — never the value itself."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping

from jikim import clock
from jikim.shipping.importers import OrderRow
from jikim.shipping.normalised import (
    IDENTIFIER_LABELS,
    LABELS,
    SCANNED,
    CleanRow,
    Outcome,
    Problem,
)
from jikim.shipping.normalizers.identifiers import (
    column_suggests_identifier,
    find_customs_code,
    find_identifiers,
    mask_identifiers,
    may_hold_identifier,
)
from jikim.shipping.normalizers.phone import PhoneError, normalise_phone
from jikim.shipping.normalizers.postcode import PostcodeError, normalise_postcode
from jikim.shipping.normalizers.text import clean_address, clean_name, clean_text
from jikim.vault.masking import mask_generic, mask_phone

__all__ = [
    "IDENTIFIER_LABELS",
    "LABELS",
    "MEMO_LIMIT",
    "REPEATING",
    "SCANNED",
    "CleanRow",
    "Normaliser",
    "Outcome",
    "Problem",
    "normalise",
    "parse_amount",
    "parse_datetime",
    "parse_quantity",
]

# What happens to a value that cannot be read: a new order is stored without it, an order
# already stored keeps the value it has.
_KEPT = "새 주문이면 비워 두고, 이미 저장된 주문이면 저장된 값을 그대로 둡니다."


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y%m%d%H%M%S",
    "%Y%m%d",
)


@functools.lru_cache(maxsize=4096)
def parse_datetime(raw: str) -> dt.datetime | None:
    """Korean marketplace date strings, read as Korea time. Raises ValueError if unreadable.

    Memoised: the rows of one file share few distinct timestamps (a marketplace stamps a
    batch of orders alike), and strptime is the dearest step of a row."""
    text = raw.strip()
    if not text:
        return None
    text = re.sub(r"\s+", " ", text.replace("T", " "))
    text = re.sub(r"(\d{2}:\d{2}:\d{2})[.,]\d+", r"\1", text)  # fractional seconds
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=clock.SEOUL)
        except ValueError:
            continue
    raise ValueError("unreadable date")


def parse_amount(raw: str) -> int | None:
    text = raw.strip().replace(",", "").replace("원", "").replace("₩", "").strip()
    if not text:
        return None
    return round(float(text))


def parse_quantity(raw: str) -> int:
    text = raw.strip().replace(",", "")
    if not text:
        return 1
    value = float(text)
    if value != int(value) or value < 1 or value > 100_000:
        raise ValueError("quantity out of range")
    return int(value)


def normalise(row: OrderRow, headers: Mapping[str, str] | None = None) -> Outcome:
    return Normaliser(headers).normalise(row)


# Per file, at most this many distinct values are remembered per memo: enough for the
# values that repeat down a file (product names, options, memos, marketplace columns),
# while a column of distinct values (addresses) stops growing it.
MEMO_LIMIT = 20_000
# Scanned fields whose values repeat from row to row; names and addresses rarely do.
REPEATING = frozenset({"product_name", "option", "delivery_message"})
_IDENTIFIER_COLUMN = "고유식별번호로 보이는 값이 있는 열입니다. 이 값은 저장하지 않습니다."

# A scanned value's outcome: the text to keep, and (code, message, masked sample) for each
# identifier found in it.
Scanned = tuple[str, tuple[tuple[str, str, str], ...]]


def _scan(raw: str) -> Scanned:
    value = clean_text(raw)
    if not may_hold_identifier(value):
        return value, ()  # the common case: too few digits for any identifier
    masked, findings = mask_identifiers(value)
    return masked, tuple(
        (
            f"identifier_{finding.kind}",
            f"{IDENTIFIER_LABELS.get(str(finding.kind), '고유식별번호')}로 보이는 값이 있어 "
            "가려서 저장합니다. 배송에 필요하지 않은 정보는 입력하지 마세요.",
            mask_generic(value[finding.start : finding.end], keep_last=0)[:20],
        )
        for finding in findings
    )


def _extra_identifiers(header: str, cell: str) -> int:
    """How many identifiers an unmapped cell counts for (0: nothing to report)."""
    flagged = column_suggests_identifier(header) and bool(cell.strip())
    if not flagged and not may_hold_identifier(cell):
        return 0
    findings = find_identifiers(cell)
    return max(len(findings), 1) if findings or flagged else 0


class Normaliser:
    """`normalise` for the rows of one file. Cell values repeat down a file, and what
    depends on a value alone (cleaning and identifier scanning of free text, scanning of
    unmapped columns) is worked out once per distinct value; every outcome is the one
    `normalise` gives (tested). The memos hold cell text, so a Normaliser lives only as
    long as the analysis of its file."""

    def __init__(self, headers: Mapping[str, str] | None = None) -> None:
        self.headers = headers or {}
        self._scanned: dict[str, Scanned] = {}
        self._extras: dict[tuple[str, str], int] = {}

    def _scan_repeating(self, raw: str) -> Scanned:
        memo = self._scanned
        found = memo.get(raw)
        if found is None:
            found = _scan(raw)
            if len(memo) < MEMO_LIMIT:
                memo[raw] = found
        return found

    def _extra(self, header: str, cell: str) -> int:
        memo = self._extras
        found = memo.get((header, cell))
        if found is None:
            found = _extra_identifiers(header, cell)
            if len(memo) < MEMO_LIMIT:
                memo[(header, cell)] = found
        return found

    def normalise(self, row: OrderRow) -> Outcome:
        headers = self.headers
        problems: list[Problem] = []
        identifiers = 0

        order_no = row.order_no.strip()[:60]

        def column(name: str) -> str:
            return headers.get(name) or LABELS.get(name, name)

        def report(
            name: str, code: str, message: str, value: str = "", severity: str = "error"
        ) -> None:
            problems.append(
                Problem(row.source_row, column(name), code, message, value, severity, order_no)
            )

        unreadable: list[str] = []
        values: dict[str, str] = {}
        for name in SCANNED:
            raw = getattr(row, name)
            value, found = self._scan_repeating(raw) if name in REPEATING else _scan(raw)
            values[name] = value
            for code, message, sample in found:
                identifiers += 1
                report(name, code, message, sample, "warning")
        for header, cell in row.extra.items():
            count = self._extra(header, cell)
            if count:
                identifiers += count
                problems.append(
                    Problem(
                        row.source_row,
                        header,
                        "identifier_column",
                        _IDENTIFIER_COLUMN,
                        "*" * min(len(cell), 8),
                        "warning",
                        order_no,
                    )
                )

        name = clean_name(values["recipient_name"])
        if not name:
            report("recipient_name", "missing_name", "수취인 이름이 비어 있습니다.")
        phones: list[str] = []
        for index, raw in enumerate((row.recipient_phone1, row.recipient_phone2), start=1):
            field_name = f"recipient_phone{index}"
            if not raw.strip():
                if index == 1:
                    report(field_name, "missing_phone", "수취인 연락처가 비어 있습니다.")
                phones.append("")
                continue
            try:
                phones.append(normalise_phone(raw).digits)
            except PhoneError as exc:
                severity = "error" if index == 1 else "warning"
                unreadable.append(f"phone{index}")
                report(
                    field_name,
                    f"phone_{exc.code}",
                    f"연락처 형식이 올바르지 않습니다: {exc}",
                    mask_phone(raw),
                    severity,
                )
                phones.append("")

        postcode, legacy = "", False
        if row.recipient_postcode.strip():
            try:
                parsed = normalise_postcode(row.recipient_postcode)
                postcode, legacy = parsed.code, parsed.legacy
                if legacy:
                    report(
                        "recipient_postcode",
                        "legacy_postcode",
                        "옛 6자리 우편번호입니다. 그대로 저장하니 "
                        "5자리 도로명 우편번호로 확인해 주세요.",
                        mask_generic(parsed.code, keep_last=2),
                        "warning",
                    )
            except PostcodeError as exc:
                unreadable.append("postcode")
                report(
                    "recipient_postcode",
                    f"postcode_{exc.code}",
                    f"우편번호를 읽을 수 없습니다: {exc}. {_KEPT}",
                    "",
                    "warning",
                )
        address = clean_address(
            values["recipient_address_base"], values["recipient_address_detail"] or None
        )
        if not address.base:
            report("recipient_address_base", "missing_address", "배송지 주소가 비어 있습니다.")

        customs = ""
        if row.customs_code.strip():
            customs = find_customs_code(row.customs_code) or ""
            if not customs:
                unreadable.append("customs_code")
                report(
                    "customs_code",
                    "customs_code_format",
                    "개인통관고유부호는 P로 시작하는 13자리입니다. 이 값은 저장하지 않습니다.",
                    "*" * min(len(row.customs_code), 8),
                    "warning",
                )

        dates: dict[str, dt.datetime | None] = {}
        for date_field in (
            "ordered_at",
            "paid_at",
            "shipped_at",
            "delivered_at",
            "purchase_confirmed_at",
        ):
            try:
                dates[date_field] = parse_datetime(getattr(row, date_field))
            except ValueError:
                dates[date_field] = None
                unreadable.append(date_field)
                report(
                    date_field,
                    "date_format",
                    f"날짜를 읽을 수 없습니다. {_KEPT}",
                    getattr(row, date_field)[:20],
                    "warning",
                )
        try:
            quantity = parse_quantity(row.quantity)
        except ValueError:
            quantity = 1
            report("quantity", "quantity", "수량은 1 이상의 정수여야 합니다.", row.quantity[:10])
        try:
            amount = parse_amount(row.amount)
        except ValueError:
            amount = None
            unreadable.append("amount")
            report(
                "amount", "amount", f"금액을 읽을 수 없습니다. {_KEPT}", row.amount[:15], "warning"
            )

        if problems and any(p.severity == "error" for p in problems):
            return Outcome(None, problems, identifiers)
        clean = CleanRow(
            source_row=row.source_row,
            marketplace=row.marketplace,
            order_no=row.order_no.strip(),
            product_order_no=row.product_order_no.strip(),
            product_name=values["product_name"][:300],
            option=values["option"][:300],
            quantity=quantity,
            amount=amount,
            ordered_at=dates["ordered_at"],
            paid_at=dates["paid_at"],
            status=clean_text(row.status)[:40],
            party={
                "name": name,
                "phone1": phones[0],
                "phone2": phones[1],
                "postcode": postcode,
                "address_base": address.base,
                "address_detail": address.detail or "",
                "message": values["delivery_message"],
                "customs_code": customs,
            },
            legacy_postcode=legacy,
            courier=clean_text(row.courier)[:40],
            tracking_no=re.sub(r"[\s-]", "", row.tracking_no)[:40] if row.tracking_no else "",
            shipped_at=dates["shipped_at"],
            delivered_at=dates["delivered_at"],
            purchase_confirmed_at=dates["purchase_confirmed_at"],
            unreadable=unreadable,
        )
        return Outcome(clean, problems, identifiers)
