"""Refuse zip-based spreadsheets (xlsx, ods) that would cost far more to read than they weigh.

Two different bombs are stopped before python-calamine sees the file:

* a classic zip bomb: members that inflate to gigabytes. The central directory's declared
  sizes are checked first (cheap), then every member is really inflated here, never past
  the size it declares, because a crafted member can inflate further than that;
* a sparse-sheet bomb: calamine turns a sheet into a dense grid spanning every used cell,
  so a 5 KB file with one cell at A1 and one at ZZ300000 makes it allocate tens of GB
  (measured: 18 GB resident for a cell at row 200,001, column 3,001). The sheet XML is
  scanned for the largest row and column a valued cell can land on, and the grid size
  is bounded before calamine builds it.

Everything here is a bound, not a parse, and it errs towards refusing: a strange but
honest file may be refused (the message then asks the seller to delete stray rows and
columns and save again), which is cheaper than a worker killed by an allocation.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Literal

from .errors import FileRefused

ZipKind = Literal["xlsx", "ods"]

MAX_MEMBERS = 5_000
# Excel never writes more columns than XFD (16,384); anything beyond is crafted.
MAX_COLUMNS = 16_384
# Members this large are scanned tag by tag only when a sheet omits cell references;
# that slow path is for odd generators, and a huge odd file is refused instead.
SLOW_SCAN_LIMIT = 32 * 1024 * 1024
# Office XML deflates 3-20x (measured 7-9x on marketplace exports); a large member far
# past that is text repeated to be inflated, e.g. one shared string of 400 MB in a 394 KB
# upload, which took calamine 8 s and 1.2 GB to read (found by fuzzing).
MAX_RATIO = 100
RATIO_FLOOR = 16 * 1024 * 1024

_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_LOCAL_SIGNATURE = 0x04034B50
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Limits:
    uncompressed: int  # bytes all members may inflate to, together
    rows: int  # sheet rows, header and guidance rows included
    cells: int  # rows x columns of the dense grid calamine would allocate


def check_zip(data: bytes, limits: Limits) -> ZipKind:
    """Say whether `data` is an xlsx or an ods, after proving it is safe to hand to calamine."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception:
        raise FileRefused("corrupt") from None
    kind = _kind(archive, members)
    if len(members) > MAX_MEMBERS or len({m.filename for m in members}) != len(members):
        # Duplicate names let two zip readers disagree on which member is "the" sheet.
        raise FileRefused("corrupt")
    if sum(m.file_size for m in members) > limits.uncompressed:
        raise FileRefused("too_large")
    if any(m.file_size > max(RATIO_FLOOR, MAX_RATIO * m.compress_size) for m in members):
        raise FileRefused("too_large")
    inflated = 0
    for member in members:
        content = _inflate(data, member)
        inflated += member.file_size
        if inflated > limits.uncompressed:
            raise FileRefused("too_large")
        # Every part gets both looks, whatever the kind: the workbook's relationships, not
        # a part's name, decide what calamine reads as a sheet, and when its xlsx reader
        # fails it tries the same zip as an ods.
        _check_xlsx_part(content, limits)
        _check_shared_strings(content, limits)
        if member.filename == "content.xml":
            _check_ods_content(content, limits)
    return kind


def _kind(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> ZipKind:
    names = {m.filename for m in members}
    if "xl/workbook.bin" in names:
        # calamine falls back to its xlsb reader when the xlsx reader fails, and the
        # binary sheets would skip every check below.
        raise FileRefused("not_spreadsheet")
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and "content.xml" in names:
        try:
            mimetype = archive.open("mimetype").read(len(_ODS_MIMETYPE) + 16)
        except Exception:
            raise FileRefused("corrupt") from None
        if mimetype.strip() == _ODS_MIMETYPE:
            return "ods"
    # A docx, an xlsb, a zip of CSVs, ...: not something this importer reads.
    raise FileRefused("not_spreadsheet")


def _inflate(data: bytes, member: zipfile.ZipInfo) -> bytes:
    """Inflate one member for real, never past its declared size."""
    if member.flag_bits & 0x1:
        raise FileRefused("corrupt")  # zip-level encryption is not how Office protects files
    start = member.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise FileRefused("corrupt")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise FileRefused("corrupt")
    begin = start + _LOCAL_HEADER.size + fields[9] + fields[10]
    raw = data[begin : begin + member.compress_size]
    if len(raw) < member.compress_size:
        raise FileRefused("corrupt")  # truncated download
    if member.compress_type == zipfile.ZIP_STORED:
        out = raw
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            # One call, bounded one byte past the declared size: a member that inflates
            # further is caught having made that byte and no more, and an honest member
            # is made in one piece, without a chunk loop or a copy of what it made.
            out = inflater.decompress(raw, member.file_size + 1)
        except zlib.error:
            raise FileRefused("corrupt") from None
        if len(out) <= member.file_size and not inflater.eof:
            raise FileRefused("corrupt")  # the deflate stream stops mid-way
    else:
        raise FileRefused("corrupt")  # Excel and LibreOffice only ever deflate
    if len(out) > member.file_size:
        raise FileRefused("too_large")  # inflates past what it declares: a bomb
    if len(out) != member.file_size or zlib.crc32(out) != member.CRC:
        raise FileRefused("corrupt")
    return out


# --- xlsx sheets -------------------------------------------------------------------------

_NS = rb"(?:[A-Za-z_][\w.\-]*:)?"
# Inside a tag, outside quotes: a quoted value may hold '>' or text that looks like r="".
_ATTRS = rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*"
_ATTRS_LAZY = _ATTRS + rb"?"
# XML allows either quote and blanks around '='; calamine accepts all of them (checked).
_R_IS = rb"(?<=\s)r\s*=\s*[\"']"
_QUOTE = rb"[\"']"
# A name starts a run of name characters: trying every suffix of a long run made this
# quadratic (40 KB of one unquoted run took 35 s; found by fuzzing), and only the whole
# run can be followed by '=' anyway.
_ATTRIBUTE = re.compile(rb"(?<![^\s=/>\"'])([^\s=/>\"']+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
# A tag, read like _ATTRS reads it, that meets another '<', does not end in '>', or is
# longer than Excel or LibreOffice ever writes one (a run of 1,024 unquoted characters,
# 256 quoted values). Each scan stops at the next '<', so this is linear; once it finds
# nothing, no two tags overlap and every _ATTRS search below is linear and small. Without
# it, 16,000 copies of `<c ` in a 5 KB upload kept them busy for 190 s, and one 4 MB tag
# cost them 800 MB (found by fuzzing). Well-formed XML has no '<' inside a tag, quoted or
# not; comments and CDATA holding '<' are refused with the rest.
_TANGLED = re.compile(
    rb"<(?>[^<>\"']{0,1024}+(?:(?:\"[^\"<]*+\"|'[^'<]*+')[^<>\"']{0,1024}+){0,256}+)(?!>)"
)
_SST = re.compile(rb"<" + _NS + rb"sst(?=[\s>/])(" + _ATTRS + rb")>")
_NOT_A_PLAIN_CELL = re.compile(rb"<c(?! r=\")")
# `<x:c ...>`; also matches such text in an inline string, which only costs the slow path.
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_ROW_NUMBER = re.compile(rb"<" + _NS + rb"row\s" + _ATTRS_LAZY + _R_IS + rb"0*(\d{1,9})" + _QUOTE)
# A cell start tag that is not self-closing: self-closing cells carry only a style and
# calamine leaves them out of the grid (checked), so a formatted-but-empty column is fine.
_CELL_OPEN = rb"<" + _NS + rb"c\s" + _ATTRS_LAZY + _R_IS + rb"\$?"
_CELL_CLOSE = _QUOTE + _ATTRS + rb"(?<!/)>"
_CELL_WITHOUT_REF = re.compile(
    rb"<" + _NS + rb"c(?:>|\s(?!" + _ATTRS_LAZY + _R_IS + rb")" + _ATTRS + rb"(?<!/)>)"
)
_ANY_TAG = re.compile(rb"<(/?)" + _NS + rb"(row|c)(?=[\s>/])(" + _ATTRS + rb")>")
_REF = re.compile(rb"\$?([A-Za-z]{0,3})\$?(\d{1,9})")


def attributes(attrs: bytes) -> dict[bytes, bytes]:
    """A tag's attributes, tokenised the way an XML parser does; duplicates are refused."""
    found: dict[bytes, bytes] = {}
    for match in _ATTRIBUTE.finditer(attrs):
        name = match.group(1)
        if name in found:
            raise FileRefused("corrupt")  # not well-formed, and parsers disagree on it
        value = match.group(2)
        found[name] = value if value is not None else match.group(3)
    return found


def _refuse_tangled(xml: bytes) -> None:
    if _TANGLED.search(xml):
        raise FileRefused("corrupt")


def _check_shared_strings(xml: bytes, limits: Limits) -> None:
    """calamine reserves room for as many strings as the table declares before it reads
    one: a declared uniqueCount of four billion aborted the whole process (found by
    fuzzing), which no `except` can catch. A workbook cannot use more distinct strings
    than the cells it may have."""
    if b"sst" not in xml:
        return
    _refuse_tangled(xml)
    for match in _SST.finditer(xml):
        declared = attributes(match.group(1)).get(b"uniqueCount", b"").strip().lstrip(b"+")
        if declared.isdigit() and int(declared) > limits.cells:
            raise FileRefused("too_many_cells")


def _check_xlsx_part(xml: bytes, limits: Limits) -> None:
    """Bound the grid calamine would build from this part, if it is a worksheet."""
    _refuse_utf16(xml)
    if b"sheetData" not in xml:
        return  # not a worksheet (styles, strings, images, ...)
    if xml.count(b"<row") + xml.count(b":row") > limits.rows:
        raise FileRefused("too_many_rows")
    if _plainly_small(xml, limits):
        return
    _check_xlsx_exact(xml, limits)


def _plainly_small(xml: bytes, limits: Limits) -> bool:
    """The fast path, for sheets written the way Excel and every common library write them.

    When every cell tag starts `<c r="`, one literal-anchored search finds any reference
    past max_rows rows or past cells // rows columns; if there is none, the grid is within
    budget. Measured on a 100k x 65 sheet (122 MB of XML): ~0.3 s, against ~3 s for the
    exact path below, which any other sheet takes.
    """
    for odd, match in enumerate(_NOT_A_PLAIN_CELL.finditer(xml)):
        following = xml[match.end() : match.end() + 1]
        # `<col`, `<cfRule`, `<color` are other elements; `<c>` or `<c s="1" r=...>` is a
        # cell written some other way.
        if not following.isalpha() or odd > 10_000:
            return False
    if _PREFIXED_CELL.search(xml):
        return False
    max_cols = max(1, limits.cells // max(limits.rows, 1))
    far = re.compile(
        rb"<c r=\"\$?(?:(?:"
        + _letters_at_least(max_cols + 1)
        + rb")|[A-Za-z]{1,3}\$?0*(?:"
        + _at_least(limits.rows + 1)
        + rb")\")"
    )
    return far.search(xml) is None


def _check_xlsx_exact(xml: bytes, limits: Limits) -> None:
    _refuse_tangled(xml)
    if _CELL_WITHOUT_REF.search(xml):
        # Cells placed by counting, not by reference: follow them one by one.
        max_row, max_col = _walk_xlsx(xml, limits)
        if max_row * max_col > limits.cells:
            raise FileRefused("too_many_cells")
        return
    # Every valued cell carries its own reference, so only those references matter; a
    # far-away row that holds nothing but formatting does not.
    if _cell_row_at_least(limits.rows + 1).search(xml):
        raise FileRefused("too_many_rows")
    numbered = [int(n) for n in _ROW_NUMBER.findall(xml)]
    max_row = min(max(numbered, default=limits.rows), limits.rows)
    if _cell_row_at_least(max_row + 1).search(xml):
        max_row = limits.rows  # a cell outside its row: crafted, assume the worst
    allowed_cols = min(MAX_COLUMNS, limits.cells // max(max_row, 1))
    if _cell_col_at_least(allowed_cols + 1).search(xml):
        raise FileRefused("too_many_cells")


def _walk_xlsx(xml: bytes, limits: Limits) -> tuple[int, int]:
    """Follow calamine's own positioning for sheets whose cells omit r="" (slow, rare)."""
    if len(xml) > SLOW_SCAN_LIMIT:
        raise FileRefused("too_many_cells")
    row = col = max_row = max_col = 0
    for match in _ANY_TAG.finditer(xml):
        closing, name, attrs = match.groups()
        if closing:
            continue
        ref = _REF.fullmatch(attributes(attrs).get(b"r", b""))
        if name == b"row":
            row = int(ref.group(2)) if ref else row + 1
            col = 0
            continue
        if ref and ref.group(1):
            row, col = int(ref.group(2)), _column_number(ref.group(1))
        else:
            col += 1
        if not attrs.endswith(b"/"):
            max_row, max_col = max(max_row, row), max(max_col, col)
        if max_row > limits.rows:
            raise FileRefused("too_many_rows")
        if col > MAX_COLUMNS:
            raise FileRefused("too_many_cells")
    return max_row, max_col


def _refuse_utf16(xml: bytes) -> None:
    # The scans read bytes as ASCII; an XML part in UTF-16 would slip past them unseen.
    if xml.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        raise FileRefused("corrupt")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter - 64)
    return number


def _cell_row_at_least(n: int) -> re.Pattern[bytes]:
    return re.compile(_CELL_OPEN + rb"[A-Za-z]{1,3}\$?0*(?:" + _at_least(n) + rb")" + _CELL_CLOSE)


def _cell_col_at_least(n: int) -> re.Pattern[bytes]:
    pattern = _CELL_OPEN + rb"(?:" + _letters_at_least(n) + rb")\$?\d+" + _CELL_CLOSE
    return re.compile(pattern, re.IGNORECASE)


def _at_least(n: int) -> bytes:
    """A regex for decimal numbers (no leading zeros) that are >= n, n >= 1."""
    digits = str(n)
    alternatives = [f"[1-9][0-9]{{{len(digits)},}}", digits]
    for i, digit in enumerate(digits):
        low = int(digit) + 1
        if low > 9:
            continue
        rest = len(digits) - i - 1
        alternatives.append(f"{digits[:i]}[{low}-9][0-9]{{{rest}}}")
    return "|".join(alternatives).encode()


def _letters_at_least(n: int) -> bytes:
    """A regex for column letters (A=1 ... XFD=16384) naming a column >= n."""
    letters = ""
    number = n
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    alternatives = [f"[A-Za-z]{{{len(letters) + 1},}}", letters]
    for i, letter in enumerate(letters):
        if letter == "Z":
            continue
        low = chr(ord(letter) + 1)
        rest = len(letters) - i - 1
        alternatives.append(f"{letters[:i]}[{low}-Z][A-Z]{{{rest}}}")
    return "|".join(alternatives).encode()


# --- ods ---------------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s>/])(" + _ATTRS + rb")>"
)


def _repeat(attrs: bytes, name: bytes) -> int:
    value = attributes(attrs).get(name, b"1").strip()
    if not value.isdigit() or len(value) > 9:
        raise FileRefused("corrupt")
    return int(value)


def _check_ods_content(xml: bytes, limits: Limits) -> None:
    """Expand ODS row/column repeats the way calamine does, counting only up to real cells.

    LibreOffice pads every sheet with empty repeated rows up to row 1,048,576; calamine
    drops trailing empty repeats, so only the extent of non-empty cells counts here.
    """
    _refuse_utf16(xml)
    if len(xml) > SLOW_SCAN_LIMIT * 4:
        raise FileRefused("too_large")
    _refuse_tangled(xml)
    row_index = col = max_row = max_col = 0
    row_repeat = 1
    row_has_value = False
    for match in _ODS_TAG.finditer(xml):
        closing, name, attrs = match.groups()
        if name == b"table":
            row_index = 0
            continue
        if name == b"table-row":
            if closing:
                if row_has_value:
                    max_row = max(max_row, row_index + row_repeat)
                row_index += row_repeat
                continue
            row_repeat = _repeat(attrs, b"table:number-rows-repeated")
            col, row_has_value = 0, False
            if attrs.endswith(b"/"):
                row_index += row_repeat
            continue
        if closing:
            continue
        width = _repeat(attrs, b"table:number-columns-repeated")
        if not attrs.endswith(b"/") or b"office:value-type" in attributes(attrs):
            row_has_value = True
            max_col = max(max_col, col + width)
        col += width
    if max_row > limits.rows:
        raise FileRefused("too_many_rows")
    if max_col > MAX_COLUMNS or max_row * max_col > limits.cells:
        raise FileRefused("too_many_cells")
