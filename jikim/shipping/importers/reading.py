"""Turn uploaded bytes into a table of cell strings, whatever spreadsheet container they are.

The container is sniffed from the content; the file name is only a tie-breaker (it decides
comma vs tab when a text file reads equally well both ways), because sellers rename files
and marketplaces give CSVs an .xls name. Cells become the strings a Korean seller sees in
Excel: 2024060112345678.0 -> "2024060112345678", dates -> "2024-06-01 13:05:00".

A file password is used once to decrypt and then dropped: it is never stored on an object,
logged, or put into an exception (refusal messages are fixed text, see errors.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal, cast

import charset_normalizer
import python_calamine
from msoffcrypto import exceptions as office_errors
from msoffcrypto.format.ooxml import OOXMLFile

from .errors import FileRefused
from .xlsguard import clean_xls, open_ole
from .zipguard import Limits, check_zip

Source = Literal["xlsx", "xls", "ods", "csv"]

MAX_BYTES: Final = 50 * 1024 * 1024
MAX_ROWS: Final = 200_000
# Rows above the header (Smartstore's instruction line, 11st's guidance) are allowed on
# top of max_rows so that a file of exactly max_rows orders still fits.
HEADER_ALLOWANCE: Final = 10
# A dense grid of 20M cells is ~640 MB inside calamine: 65 columns x 300k rows.
MAX_CELLS: Final = 20_000_000
MAX_UNCOMPRESSED: Final = 500 * 1024 * 1024
# Excel uses 100,000 hash rounds; msoffcrypto accepts up to 10,000,000, which a crafted
# file could use to burn ~10 s of CPU per attempt.
MAX_SPIN_COUNT: Final = 500_000
PREFERRED_SHEETS: Final = ("발송처리", "발주발송관리")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


@dataclass(frozen=True, repr=False)
class Table:
    """The chosen sheet as rows of cell strings; `rows[0]` is spreadsheet row `start_row`."""

    rows: list[list[str]]
    source: Source
    sheet_name: str | None = None
    start_row: int = 1

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        # Cells are personal data; say only what the table is.
        return f"Table(source={self.source!r}, rows={len(self.rows)})"


def read_table(
    data: bytes,
    *,
    filename: str | None = None,
    password: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_cells: int = MAX_CELLS,
) -> Table:
    if not data:
        raise FileRefused("empty")
    if len(data) > max_bytes:
        raise FileRefused("too_large")
    limits = Limits(
        uncompressed=min(20 * max_bytes, MAX_UNCOMPRESSED),
        rows=max_rows + HEADER_ALLOWANCE,
        cells=max_cells,
    )
    if data.startswith(_OLE_MAGIC):
        kind, data = _open_ole(data, limits)
        if kind == "xls":
            return _read_workbook(data, "xls", limits)
        data = _decrypt_ooxml(data, password)
        if not data.startswith(_ZIP_MAGICS):
            raise FileRefused("not_spreadsheet")
    if data.startswith(_ZIP_MAGICS):
        return _read_workbook(data, check_zip(data, limits), limits)
    return _read_text(data, filename, limits)


# --- OLE2: legacy xls, or an encrypted xlsx ----------------------------------------------


def _open_ole(data: bytes, limits: Limits) -> tuple[Literal["xls", "encrypted"], bytes]:
    """Tell an encrypted xlsx from a legacy xls; a legacy xls comes back re-wrapped."""
    ole = open_ole(data)
    try:
        if ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"):
            return "encrypted", data
        if ole.exists("Workbook") or ole.exists("Book"):
            return "xls", clean_xls(ole, len(data), limits)
    except FileRefused:
        raise
    except Exception:
        raise FileRefused("corrupt") from None
    finally:
        ole.close()
    raise FileRefused("not_spreadsheet")  # a .doc, .ppt, .msg, ...


def _decrypt_ooxml(data: bytes, password: str | None) -> bytes:
    try:
        office = OOXMLFile(io.BytesIO(data))
        method = getattr(office, "type", None)
        info: dict[str, Any] = getattr(office, "info", {})
    except Exception:
        raise FileRefused("corrupt") from None
    if method not in ("agile", "standard"):
        raise FileRefused("unsupported_encryption")
    if int(info.get("spinValue", 0)) > MAX_SPIN_COUNT:
        raise FileRefused("unsupported_encryption")
    if not password:
        raise FileRefused("password_required")
    out = io.BytesIO()
    try:
        office.load_key(password=password, verify_password=True)
        office.decrypt(out)
    except office_errors.InvalidKeyError:
        raise FileRefused("wrong_password") from None
    except Exception:
        raise FileRefused("corrupt") from None
    return out.getvalue()


# --- spreadsheets via calamine ------------------------------------------------------------


def _read_workbook(data: bytes, source: Source, limits: Limits) -> Table:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        with workbook:
            name = _choose_sheet(workbook.sheets_metadata)
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height > limits.rows:
                raise FileRefused("too_many_rows")
            if sheet.height * sheet.width > limits.cells:
                raise FileRefused("too_many_cells")
            raw = sheet.to_python(skip_empty_area=False)
    except FileRefused:
        raise
    except python_calamine.PasswordError:
        raise FileRefused("unsupported_encryption") from None  # xlsguard sees FILEPASS first
    except BaseException as exc:
        # A Rust panic inside calamine surfaces as pyo3's PanicException, which is a
        # BaseException: a crafted file must not take the worker down.
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise FileRefused("corrupt") from None
    # Most rows are text only: found at C speed and kept as they are (no copy of the grid);
    # only rows with typed cells are converted.
    text_only = {str}
    rows: list[list[str]] = [
        cast("list[str]", row)
        if set(map(type, row)) <= text_only
        else [cell_text(cell) for cell in row]
        for row in raw
    ]
    del raw
    if not any(any(map(str.strip, row)) for row in rows):
        raise FileRefused("empty")
    return Table(rows=rows, source=source, sheet_name=name)


def _choose_sheet(sheets: list[python_calamine.SheetMetadata]) -> str:
    worksheets = [s for s in sheets if s.typ == python_calamine.SheetTypeEnum.WorkSheet]
    for preferred in PREFERRED_SHEETS:
        for sheet in worksheets:
            if sheet.name.strip() == preferred:
                return sheet.name
    for sheet in worksheets:
        if sheet.visible == python_calamine.SheetVisibleEnum.Visible:
            return sheet.name
    if worksheets:
        return worksheets[0].name
    raise FileRefused("empty")


def cell_text(value: object) -> str:
    """A cell as the seller reads it in Excel (calamine hands over typed values)."""
    convert = _CONVERTERS.get(type(value))
    if convert is not None:
        return convert(value)
    return "" if value is None else str(value)


def _bool_text(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def _time_text(value: dt.time) -> str:
    return value.replace(microsecond=0).isoformat()


def _duration_text(value: dt.timedelta) -> str:
    seconds = round(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _number_text(value: float) -> str:
    # Order numbers stored as numbers come back as 2024060112345678.0; Excel shows them
    # without the ".0", and shows at most 15 significant digits for fractions.
    if value.is_integer():
        return str(int(value))
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    return format(Decimal(f"{value:.15g}"), "f")


def _datetime_text(value: dt.datetime) -> str:
    # Excel stores times as fractions of a day; calamine can land a microsecond short.
    if value.microsecond >= 500_000:
        value += dt.timedelta(microseconds=1_000_000 - value.microsecond)
    value = value.replace(microsecond=0)
    if value.time() == dt.time(0, 0):
        return value.date().isoformat()
    return value.strftime("%Y-%m-%d %H:%M:%S")


# Exact types, looked up once per non-text cell: a 100k-row file has a million of them.
_CONVERTERS: Final[dict[type, Callable[[Any], str]]] = {
    str: str,
    float: _number_text,
    int: str,
    bool: _bool_text,
    dt.datetime: _datetime_text,
    dt.date: dt.date.isoformat,
    dt.time: _time_text,
    dt.timedelta: _duration_text,
}


# --- text: CSV / TSV --------------------------------------------------------------------


def _read_text(data: bytes, filename: str | None, limits: Limits) -> Table:
    text = _decode(data)
    head = text[:4096].lstrip().lower()
    if head.startswith("<") and ("<html" in head or "<table" in head or "<?xml" in head):
        raise FileRefused("html_disguised")
    if "\x00" in text[:65536]:
        raise FileRefused("not_spreadsheet")
    if not text.strip():
        raise FileRefused("empty")
    delimiter = _delimiter(text, filename)
    rows: list[list[str]] = []
    cells = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= limits.rows:
                raise FileRefused("too_many_rows")
            cells += len(record)
            if cells > limits.cells:
                raise FileRefused("too_many_cells")  # e.g. a line of a million commas
            rows.append([_unwrap_formula_text(cell) for cell in record])
    except csv.Error:
        raise FileRefused("corrupt") from None
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise FileRefused("empty")
    return Table(rows=rows, source="csv")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "유니코드 텍스트" save is tab-separated UTF-16.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRefused("bad_encoding") from None
    if b"\x00" in data[:65536]:
        raise FileRefused("not_spreadsheet")  # binary, not text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A download cut inside the last character is still UTF-8; reading it as CP949
        # would turn the whole file into mojibake.
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8-sig")
    try:
        return data.decode("cp949")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise FileRefused("bad_encoding")
    return str(best)


def _delimiter(text: str, filename: str | None) -> str:
    """Pick the delimiter that splits the first lines into the most same-width rows."""
    sample = text[:65536].splitlines()[:30]
    scores: dict[str, int] = {}
    for candidate in ("\t", ",", ";"):
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=candidate) if any(r)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if wide:
            modal = max(set(wide), key=wide.count)
            scores[candidate] = wide.count(modal) * min(modal, 100)
    if not scores:
        return "\t" if _suffix(filename) in ("tsv", "txt") else ","
    best = max(scores.values())
    tied = [c for c, s in scores.items() if s == best]
    if len(tied) > 1:
        preferred = "\t" if _suffix(filename) in ("tsv", "txt") else ","
        if preferred in tied:
            return preferred
    return tied[0]


def _suffix(filename: str | None) -> str:
    if not filename or "." not in filename:
        return ""
    return filename.rsplit(".", 1)[1].lower()


def _unwrap_formula_text(cell: str) -> str:
    # Exports write ="01012345678" so that Excel keeps leading zeros; the seller sees
    # 01012345678, so that is the value.
    if len(cell) >= 3 and cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1].replace('""', '"')
    return cell
