"""Spreadsheet files (xlsx, csv) built in memory from a header row and text rows.

Every text cell is written as text: phone numbers, postcodes and tracking numbers keep
their leading zeros, and nothing a customer typed can become a formula (see ``cells``).
A caller that means a quantity, an amount or a moment passes an int, a Decimal or a naive
local datetime, written as an Excel number or date a seller can sum and sort: such a cell
holds no text, so it cannot become a formula either. The
bytes never touch the disk here, so a download of personal data leaves no temporary
file behind; with a password the xlsx is encrypted (ECMA-376 agile encryption, the one
Excel uses) and Excel asks for the password before showing anything.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

import xlsxwriter
from msoffcrypto.format.ooxml import OOXMLFile

from jikim.shipping.exports.cells import escape_cell

__all__ = ["MAX_DATA_ROWS", "ExportError", "build_csv", "build_xlsx", "encrypt_xlsx"]

# Excel's sheet holds 1,048,576 rows; one is the header.
MAX_DATA_ROWS = 1_048_575

_MIN_WIDTH = 8
_MAX_WIDTH = 50
# Widths are estimated from the first rows only: enough for a sensible look, and the
# cost stays flat for a 100k-row export.
_WIDTH_SAMPLE_ROWS = 1_000


class ExportError(ValueError):
    """A file cannot be built. The message is Korean and never holds a cell's value."""


def _display_width(text: str) -> int:
    # Hangul and other wide characters take two columns in Excel's default font.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# A cell bound for Excel: escaped text, or a number or a moment written as one.
Cell = str | int | Decimal | dt.datetime


def _cell(value: object) -> Cell:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value
    return escape_cell(value)


def _shown(value: Cell) -> str:
    if isinstance(value, dt.datetime):
        return "0000-00-00 00:00"
    return value if isinstance(value, str) else f"{value:,}"


def _checked_rows(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, typed: bool = True
) -> list[list[Cell]]:
    if not headers:
        raise ExportError("머리글이 없는 파일은 만들 수 없습니다.")
    width = len(headers)
    checked: list[list[Cell]] = []
    for index, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ExportError(
                f"{index}번째 데이터 행의 칸 수({len(row)})가 머리글 칸 수({width})와 다릅니다."
            )
        checked.append([_cell(value) if typed else escape_cell(value) for value in row])
        if len(checked) > MAX_DATA_ROWS:
            raise ExportError(
                f"엑셀 시트 하나에는 최대 {MAX_DATA_ROWS:,}행까지 넣을 수 있습니다. "
                "기간을 나눠 내려받아 주세요."
            )
    return checked


def build_xlsx(
    sheet_name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    password: str | None = None,
) -> bytes:
    """Build an .xlsx with one sheet: a bold header row, then ``rows`` (see ``_cell``)."""
    header_cells = [escape_cell(header) for header in headers]
    body = _checked_rows(headers, rows)

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            # Only write_string is used below; these make a future write() equally safe.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        sheet = workbook.add_worksheet(sheet_name)
        text = workbook.add_format({"num_format": "@"})
        bold = workbook.add_format({"num_format": "@", "bold": True})
        number = workbook.add_format({"num_format": "#,##0"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

        for col, header in enumerate(header_cells):
            sampled = (row[col] for row in body[:_WIDTH_SAMPLE_ROWS])
            widest = max((_display_width(_shown(v)) for v in sampled), default=0)
            width = min(max(_display_width(header), widest) + 2, _MAX_WIDTH)
            # The column format '@' keeps what a person later types there text too.
            sheet.set_column(col, col, max(width, _MIN_WIDTH), text)
            sheet.write_string(0, col, header, bold)

        for row_index, row in enumerate(body, start=1):
            for col, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(row_index, col, value, moment)
                elif not isinstance(value, str):
                    sheet.write_number(row_index, col, value, number)
                elif value:
                    sheet.write_string(row_index, col, value, text)
                else:
                    # A blank, not an empty string: upload checkers treat "" as filled.
                    sheet.write_blank(row_index, col, None, text)
        sheet.freeze_panes(1, 0)
    finally:
        workbook.close()

    plain = buffer.getvalue()
    if password is None:
        return plain
    return encrypt_xlsx(plain, password)


def encrypt_xlsx(plain: bytes, password: str) -> bytes:
    """Encrypt an .xlsx so that opening it needs ``password``."""
    if not password:
        raise ExportError("파일 비밀번호가 비어 있습니다.")
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, encrypted)
    return encrypted.getvalue()


def build_csv(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    encoding: str = "utf-8-sig",
) -> bytes:
    """Build a CSV (RFC 4180 quoting, CRLF line ends) with the same escaping as xlsx.

    ``utf-8-sig`` carries a BOM so that Excel opens Hangul correctly; ``cp949`` is for
    the older courier systems that only read that encoding.
    """
    header_cells = [escape_cell(header) for header in headers]
    # A CSV has no cell types: everything in it is text, escaped.
    body = [[str(cell) for cell in row] for row in _checked_rows(headers, rows, typed=False)]

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header_cells)
    writer.writerows(body)
    try:
        return text.getvalue().encode(encoding)
    except UnicodeEncodeError:
        # The exception text would quote the customer's data; name the place instead.
        raise ExportError(_unencodable_message(header_cells, body, encoding)) from None
    except LookupError:
        raise ExportError("알 수 없는 문자 인코딩입니다.") from None


def _unencodable_message(headers: list[str], body: list[list[str]], encoding: str) -> str:
    for line, row in enumerate([headers, *body], start=1):
        for header, value in zip(headers, row, strict=True):
            try:
                value.encode(encoding)
            except UnicodeEncodeError:
                return (
                    f"{line}번째 줄 '{header}' 칸에 {encoding}으로 쓸 수 없는 문자(이모지 등)가 "
                    "있습니다. UTF-8로 내려받거나 그 문자를 고쳐 주세요."
                )
    return f"{encoding}으로 쓸 수 없는 문자가 있습니다."
