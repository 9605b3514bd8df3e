"""Hostile order files end in one clean refusal, quickly (issue 10, item 3).

tests/shipping/test_importers.py fuzzes random and mutated bytes, zip bombs and sparse
sheets. This adds what it does not reach: broken zip structures, huge and lying shared
strings, tags built to make the guard's searches slow, deep XML and entities, wrong
encodings and byte-order marks, empty sheets, merged cells, `normalise` over any text, and
the on-demand atheris target (fuzz/import_fuzz.py) over its seeds. Every case must end in
rows or in FileRefused with a known code and its Korean message, within TIME_LIMIT.
"""

from __future__ import annotations

import codecs
import io
import json
import pickle
import re
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import import_fuzz  # the atheris target, run here without atheris
from jikim.shipping.importers import FileRefused, OrderRow, ParsedFile, parse_file
from jikim.shipping.importers.errors import MESSAGES
from jikim.shipping.normalising import normalise
from tests.shipping import marketplace_files as mf

ROOT = Path(__file__).resolve().parents[2]

# Every case below takes milliseconds; before the guard was fixed, some took minutes.
TIME_LIMIT = 10.0
HANGUL = re.compile("[가-힣]")
BOUNDED = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BASE = mf.coupang_xlsx()
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
GENERIC = {"order_no": "주문번호", "recipient_name": "받는분"}


def outcome(data: bytes, **kwargs: Any) -> ParsedFile | FileRefused:
    """The file's rows or its refusal; anything else, or a slow answer, fails the test."""
    started = time.perf_counter()
    try:
        result: ParsedFile | FileRefused = parse_file(data, **kwargs)
    except FileRefused as refused:
        assert refused.code in MESSAGES and refused.message == MESSAGES[refused.code]
        assert HANGUL.search(refused.message), refused.code
        result = refused
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s"
    return result


def refused(data: bytes, *codes: str, **kwargs: Any) -> str:
    result = outcome(data, **kwargs)
    assert isinstance(result, FileRefused), result
    assert result.code in codes, result.code
    return result.code


def parsed(data: bytes, **kwargs: Any) -> ParsedFile:
    result = outcome(data, **kwargs)
    assert isinstance(result, ParsedFile), result
    return result


_CHILD = """
import json, pickle, sys, time
from jikim.shipping.importers import FileRefused, parse_file
answers = []
for data, kwargs in pickle.loads(sys.stdin.buffer.read()):
    started = time.perf_counter()
    try:
        parse_file(data, **kwargs)
        answers.append(["parsed", time.perf_counter() - started])
    except FileRefused as refused:
        answers.append([refused.code, time.perf_counter() - started])
print(json.dumps(answers))
"""


def in_child(*files: bytes, **kwargs: Any) -> list[str]:
    """Codes for files that once aborted or hung the process: read in another interpreter,
    so that a regression fails this test instead of killing or stalling the whole run."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=pickle.dumps([(data, kwargs) for data in files]),
        capture_output=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answers = json.loads(done.stdout)
    assert all(seconds < TIME_LIMIT for _, seconds in answers), answers
    return [code for code, _ in answers]


def change(data: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    return mf.rezip(data, lambda name, content: edit(content) if name == part else content)


def zipped(parts: dict[str, bytes]) -> bytes:
    """`BASE` with some parts replaced, each deflated as hard as zlib can."""
    source = zipfile.ZipFile(io.BytesIO(BASE))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, parts.get(info.filename, source.read(info)))
    return out.getvalue()


def workbook(build: Callable[[Any], object]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(book)
    book.close()
    return buffer.getvalue()


# ------------------------------------------------------------------ corrupt zips


def _patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def _corrupt_zips() -> dict[str, tuple[bytes, tuple[str, ...]]]:
    info = zipfile.ZipFile(io.BytesIO(BASE)).getinfo(SHEET)
    name_len, extra_len = struct.unpack_from("<HH", BASE, info.header_offset + 26)
    sheet_at = info.header_offset + 30 + name_len + extra_len
    flipped = bytearray(BASE)
    flipped[sheet_at + info.compress_size // 2] ^= 0xFF
    end = BASE.rindex(b"PK\x05\x06")
    central = BASE.index(b"PK\x01\x02")
    return {
        "a flipped byte inside the sheet's deflate stream": (
            bytes(flipped),
            ("corrupt", "too_large"),
        ),
        "central directory past the end": (
            _patched(BASE, end + 16, "<I", len(BASE) + 1000),
            ("corrupt",),
        ),
        "entry count that lies": (_patched(BASE, end + 10, "<H", 65535), ("corrupt",)),
        "zip-level encryption flag": (_patched(BASE, central + 8, "<H", 1), ("corrupt",)),
        "bzip2 member": (_patched(BASE, central + 10, "<H", 12), ("corrupt",)),
        "unknown compression method": (_patched(BASE, central + 10, "<H", 99), ("corrupt",)),
        "empty archive": (b"PK\x05\x06" + bytes(18), ("not_spreadsheet", "corrupt")),
        "one local header and nothing else": (BASE[:40], ("corrupt",)),
        "only the end record": (BASE[end:], ("corrupt",)),
        "sheet part is a zip itself": (change(BASE, SHEET, lambda _: BASE), ("corrupt",)),
        "sheet part is binary": (
            change(BASE, SHEET, lambda _: bytes(range(256)) * 20),
            ("corrupt",),
        ),
        "sheet part is empty": (change(BASE, SHEET, lambda _: b""), ("corrupt",)),
        "workbook part is empty": (change(BASE, "xl/workbook.xml", lambda _: b""), ("corrupt",)),
        "workbook points at a missing sheet": (
            change(
                BASE,
                "xl/_rels/workbook.xml.rels",
                lambda c: c.replace(b"worksheets/sheet1.xml", b"worksheets/nope.xml"),
            ),
            ("corrupt",),
        ),
    }


CORRUPT_ZIPS = _corrupt_zips()


@pytest.mark.parametrize("case", list(CORRUPT_ZIPS))
def test_a_broken_zip_is_refused(case: str) -> None:
    data, codes = CORRUPT_ZIPS[case]
    refused(data, *codes)


# ------------------------------------------------------------------ shared strings


def _declaring(count: str) -> bytes:
    return change(
        BASE, STRINGS, lambda c: re.sub(rb'uniqueCount="\d+"', f'uniqueCount="{count}"'.encode(), c)
    )


def test_a_declared_string_count_of_billions_is_refused_before_calamine_reserves_it() -> None:
    # calamine reserves a slot per declared string up front: without the guard, 4 billion
    # aborted the whole process, which no `except` catches. Hence a separate interpreter.
    counts = ("4000000000", " +4000000000", "18446744073709551615")
    codes = in_child(*(_declaring(count) for count in counts))
    assert set(codes) <= {"too_many_cells", "corrupt"}, codes


def test_an_honest_string_count_still_reads() -> None:
    assert parsed(_declaring("4")).format_id == "coupang_v2"


def _strings(body: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">' + body + b"</sst>"
    )


def test_huge_shared_strings_that_inflate_like_a_bomb_are_refused() -> None:
    # Measured before the guard: one string of 400 MB from a 394 KB upload cost calamine
    # 8 s and 1.2 GB; ten million tiny strings from 418 KB, 3 s and 570 MB.
    one_huge = _strings(b"<si><t>" + b"a" * (20 * 1024 * 1024) + b"</t></si>")
    refused(zipped({STRINGS: one_huge}), "too_large")
    many_empty = _strings(b"<si/>" * (4 * 1024 * 1024))
    refused(zipped({STRINGS: many_empty}), "too_large")
    # The same inside a sheet, as an inline string.
    inline = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"a" * (20 * 1024 * 1024)
    refused(mf.with_sheet_data(BASE, inline + b"</t></is></c></row>"), "too_large")


def test_large_but_honest_shared_strings_still_read() -> None:
    rows = [{"주문번호": f"{n:016d}", "수취인이름": f"수취인{n}"} for n in range(20_000)]
    data = mf.xlsx(mf.COUPANG_V2, rows)
    assert len(zipfile.ZipFile(io.BytesIO(data)).read(STRINGS)) > 500_000
    assert len(outcome(data).problems) == 20_000  # read; each row lacks its option id


@BOUNDED
@given(
    st.integers(0, 10_000_000),
    st.sampled_from(['uniqueCount="{}"', "uniqueCount = '{}'", 'count="{}"', 'x:uniqueCount="{}"']),
)
def test_any_declared_string_count_ends_cleanly(count: int, spelling: str) -> None:
    declared = spelling.format(count).encode()
    outcome(change(BASE, STRINGS, lambda c: re.sub(rb'uniqueCount="\d+"', declared, c)))


# ------------------------------------------------------------------ tags built to be slow


def test_tags_built_to_make_the_sheet_guard_slow_are_refused_quickly() -> None:
    # Before the guard was fixed: 16,000 copies of `<c ` took 190 s, growing with the
    # square; one unquoted run of 40 KB inside a tag took 35 s; one 4 MB tag cost 800 MB.
    first = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="2">'
    bodies = (
        b"<c " * 200_000 + b"/>",
        b'<c "' * 200_000 + b"/>",
        b"<c \"'" * 200_000 + b"/>",
        b'<c x=">"' * 200_000 + b"/>",
        b"<c>1</c><c " + b"a" * 4_000_000 + b">x</c>",
        b'<c>1</c><c a="1" ' + b"a" * 100_000 + b">x</c>",
        b"<c>1</c><c " + b'"" ' * 1_000_000 + b">x</c>",
        b"<row " * 200_000 + b">",
    )
    files = [mf.with_sheet_data(BASE, first + body + b"</row>") for body in bodies]
    assert in_child(*files) == ["corrupt"] * len(bodies)


def test_the_same_tags_in_an_ods_are_refused_quickly() -> None:
    bodies = (
        "<table:table-cell " * 200_000,
        "<table:table-row \"'" * 200_000,
        "<table:table-cell " + "a" * 4_000_000 + ">",
    )
    files = [mf.ods(mf.ods_row(["주문번호"]) + body) for body in bodies]
    assert in_child(*files) == ["corrupt"] * len(bodies)


XML_TOKENS = [
    b"<c ",
    b"<c>",
    b"</c>",
    b"<row>",
    b'<row r="3">',
    b"</row>",
    b'r="B2"',
    b"r='XFD9'",
    b' t="inlineStr"',
    b"<is><t>",
    b"</t></is>",
    b"<v>1</v>",
    b'"',
    b"'",
    b">",
    b"/>",
    b"<",
    b" ",
    b"=",
    b"x",
    b"a" * 2000,
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"&amp;",
    b"&x;",
]


@BOUNDED
@given(st.lists(st.sampled_from(XML_TOKENS), max_size=60), st.integers(1, 3000))
def test_any_soup_of_sheet_tags_ends_cleanly_and_quickly(tokens: list[bytes], repeat: int) -> None:
    body = b"".join(tokens)
    outcome(mf.with_sheet_data(BASE, b'<row r="1"><c r="A1"><v>1</v></c></row>' + body * repeat))


# ------------------------------------------------------------------ deep XML and entities

DEPTH = 200_000


@pytest.mark.parametrize(
    "where",
    ["inline string", "unclosed inline string", "shared string", "workbook", "styles", "rows"],
)
def test_deeply_nested_xml_ends_cleanly(where: str) -> None:
    opened, closed = b"<r>" * DEPTH, b"</r>" * DEPTH
    cell = b'<row r="1"><c r="A1" t="inlineStr"><is>'
    data = {
        "inline string": mf.with_sheet_data(BASE, cell + opened + b"<t>x</t>" + closed + b"</is>"),
        "unclosed inline string": mf.with_sheet_data(BASE, cell + opened),
        "shared string": change(
            BASE,
            STRINGS,
            lambda c: c.replace(b"<si>", b"<si>" + opened, 1).replace(
                b"</si>", closed + b"</si>", 1
            ),
        ),
        "workbook": change(
            BASE, "xl/workbook.xml", lambda c: c.replace(b"<sheets>", opened + closed + b"<sheets>")
        ),
        "styles": change(
            BASE,
            "xl/styles.xml",
            lambda c: c.replace(b"</styleSheet>", opened + closed + b"</styleSheet>"),
        ),
        "rows": mf.with_sheet_data(BASE, b"<row>" * DEPTH + b"</row>" * DEPTH),
    }[where]
    outcome(data)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(f'<!ENTITY {chr(98 + i)} "{f"&{chr(97 + i)};" * 10}">'.encode() for i in range(8))
    + b"]>"
)
OUTSIDE = b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("doctype", [LAUGHS, OUTSIDE], ids=["billion laughs", "external entity"])
def test_entities_are_never_expanded(doctype: bytes) -> None:
    name = b"&i;" if doctype is LAUGHS else b"&e;"

    def with_doctype(content: bytes) -> bytes:
        return doctype + content[content.index(b"<", 1) :].replace(b"<t>", b"<t>" + name, 1)

    refused(change(BASE, STRINGS, with_doctype), "corrupt")
    cell = b'<c r="Z1" t="inlineStr"><is><t>' + name + b"</t></is></c>"
    refused(
        change(BASE, SHEET, lambda c: with_doctype(c).replace(b"</row>", cell + b"</row>", 1)),
        "corrupt",
    )


# ------------------------------------------------------------------ encodings and BOMs

BOM8 = codecs.BOM_UTF8


def test_byte_order_marks() -> None:
    # Before the header, twice (a tool adding one to text that had one), or alone.
    assert parsed(BOM8 + mf.generic_csv("utf-8-sig"), mapping=GENERIC).format_id == "generic"
    assert parsed(BOM8 + mf.coupang_csv("utf-8-sig")).format_id == "coupang_v2"
    utf16_be = codecs.BOM_UTF16_BE + mf.generic_csv("utf-8").decode().encode("utf-16-be")
    assert parsed(utf16_be, mapping=GENERIC).format_id == "generic"
    for alone in (BOM8, BOM8 + b"\r\n", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        refused(alone, "empty")
    refused(BOM8 + "<html><table><tr><td>주문번호".encode(), "html_disguised")
    # In every part of an xlsx, as some generators write them: read as usual.
    with_boms = mf.rezip(BASE, lambda n, c: BOM8 + c if n.endswith(".xml") else c)
    assert parsed(with_boms).format_id == "coupang_v2"
    # A UTF-16 part would slip past the guard's byte scans: refused.
    utf16 = change(BASE, SHEET, lambda c: codecs.BOM_UTF16_LE + c.decode().encode("utf-16-le"))
    refused(utf16, "corrupt")


@pytest.mark.parametrize(
    ("encoding", "codes"),
    [
        ("utf-32", ("not_spreadsheet", "bad_encoding")),
        ("utf-16-le", ("not_spreadsheet", "bad_encoding")),  # without its BOM
        ("shift_jis", ("no_header", "bad_encoding", "unknown_format")),
        ("iso2022_kr", ("no_header", "bad_encoding")),
        ("utf-7", ("no_header", "bad_encoding")),
        ("latin-1", ("no_header", "bad_encoding")),
    ],
)
def test_a_csv_in_a_wrong_encoding_is_refused(encoding: str, codes: tuple[str, ...]) -> None:
    text = "주문번호,받는분\n1,김민준\n" if encoding != "latin-1" else "Bestellnr,Name\n1,Müller\n"
    data = text.encode(encoding, errors="replace")
    refused(data, *codes, mapping=GENERIC)


def test_a_csv_mixing_encodings_is_refused() -> None:
    mixed = mf.generic_csv("utf-8") + "JK-9,김민준,01012345678\r\n".encode("cp949")
    refused(mixed, "bad_encoding", mapping=GENERIC)
    refused(codecs.BOM_UTF16_LE + mf.coupang_csv("cp949"), "bad_encoding", "not_spreadsheet")


@BOUNDED
@given(
    st.text(max_size=300),
    st.sampled_from(["utf-8", "utf-8-sig", "cp949", "euc-kr", "utf-16", "utf-16-be", "utf-32"]),
    st.sampled_from([b"", BOM8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, BOM8 * 2]),
    st.booleans(),
)
def test_any_text_in_any_encoding_with_any_bom_ends_cleanly(
    text: str, encoding: str, bom: bytes, with_header: bool
) -> None:
    body = ("주문번호,받는분\r\n" if with_header else "") + text
    data = bom + body.encode(encoding, errors="replace")
    outcome(data, mapping=GENERIC)
    outcome(data)


# ------------------------------------------------------------------ empty sheets


def _hidden_data_visible_empty(book: Any) -> None:
    hidden = book.add_worksheet("주문")
    for column, header in enumerate(mf.COUPANG_V2):
        hidden.write_string(0, column, header)
    hidden.write_string(1, 2, "12000123456780")
    shown = book.add_worksheet("빈 시트")
    shown.activate()
    hidden.hide()


EMPTY = {
    "no sheets at all": lambda: change(
        BASE,
        "xl/workbook.xml",
        lambda c: c[: c.index(b"<sheets>")] + b"<sheets/>" + c[c.index(b"</sheets>") + 9 :],
    ),
    "an empty sheetData": lambda: mf.with_sheet_data(BASE, b""),
    "formatting only": lambda: workbook(
        lambda b: b.add_worksheet().set_row(5, 30, b.add_format({"bold": True}))
    ),
    "two empty sheets": lambda: workbook(lambda b: (b.add_worksheet(), b.add_worksheet())),
    "empty strings": lambda: workbook(
        lambda b: [b.add_worksheet().write_string(r, 0, "") for r in range(3)]
    ),
    "blanks only": lambda: workbook(
        lambda b: [b.add_worksheet().write_string(r, c, " \t") for r in range(3) for c in range(3)]
    ),
    "data only on a hidden sheet": lambda: workbook(_hidden_data_visible_empty),
    "an empty ods table": lambda: mf.ods(""),
    "an ods padded to a million empty rows": lambda: mf.ods(
        '<table:table-row table:number-rows-repeated="1048576"><table:table-cell/>'
        "</table:table-row>"
    ),
    "an xls of blank cells": lambda: mf.legacy_xls([[None, None], [None, ""]]),
    "a csv of separators": lambda: b",,,\r\n,,,\r\n",
}


@pytest.mark.parametrize("case", list(EMPTY))
def test_an_empty_sheet_is_refused_as_empty(case: str) -> None:
    refused(EMPTY[case](), "empty")


# ------------------------------------------------------------------ merged cells


def _merged(book: Any) -> None:
    sheet = book.add_worksheet("Sheet1")
    sheet.merge_range(0, 0, 0, 12, "쿠팡 발주서 (2024-06-01)")  # a title above the header
    column = {header: i for i, header in enumerate(mf.COUPANG_V2)}
    for header, i in column.items():
        sheet.write_string(1, i, header)
    for r, row in enumerate(mf.coupang_rows(), start=2):
        for header, value in row.items():
            if value is not None and header in column and header != "주문번호":
                sheet.write_string(r, column[header], str(value))
    # Two lines of one order under one merged order number, as some sellers keep them:
    # only the first cell of a merge holds the value.
    sheet.merge_range(2, column["주문번호"], 3, column["주문번호"], "12000123456780")
    sheet.write_string(4, column["주문번호"], "12000123456782")
    sheet.write_string(5, column["주문번호"], "12000123456783")


def test_merged_cells_read_as_excel_stores_them() -> None:
    result = parsed(workbook(_merged))
    assert result.format_id == "coupang_v2"
    assert [row.source_row for row in result.rows] == [3, 5, 6]
    # The merge's lower line has no order number of its own: reported, row and column.
    assert [(p.row, p.code) for p in result.problems] == [(4, "missing_order_no")]
    assert HANGUL.search(result.problems[0].message)


def test_a_header_merged_over_two_rows_is_still_recognised() -> None:
    def build(book: Any) -> None:
        sheet = book.add_worksheet()
        for i, header in enumerate(mf.COUPANG_V2):
            sheet.merge_range(0, i, 1, i, header)
        sheet.write_string(2, 2, "12000123456780")

    result = parsed(workbook(build))
    assert result.format_id == "coupang_v2" and result.total_rows == 1


# ------------------------------------------------------------------ normalising


FIELD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["010-1234-5678", "+82 10 1234 5678", "06236", "900101-1234567", "P123456789012", "\x00"]
    ),
)


@BOUNDED
@given(st.fixed_dictionaries({}, optional={name: FIELD_TEXT for name in OrderRow.__slots__}))
def test_normalise_takes_any_text_and_reports_in_korean(values: dict[str, str]) -> None:
    values.pop("extra", None)
    values.pop("marketplace", None)
    values.pop("source_row", None)
    row = OrderRow(
        marketplace="api",
        source_row=2,
        **{"order_no": "A-1", "product_order_no": "P-1", **values},
    )
    result = normalise(row)
    for problem in result.problems:
        assert problem.row == 2 and problem.code and HANGUL.search(problem.message)


# ------------------------------------------------------------------ the atheris target


_SEEDS = list(import_fuzz.seeds())


@pytest.mark.parametrize("seed", range(len(_SEEDS)))
def test_the_fuzzing_target_passes_its_seeds(seed: int) -> None:
    import_fuzz.check(_SEEDS[seed])


@BOUNDED
@given(
    st.sampled_from(_SEEDS),
    st.lists(st.tuples(st.integers(0, 1 << 20), st.binary(max_size=8)), max_size=6),
    st.integers(0, 1 << 20),
)
def test_the_fuzzing_target_on_mutated_seeds(
    seed: bytes, edits: list[tuple[int, bytes]], cut: int
) -> None:
    data = bytearray(seed)
    for position, replacement in edits:
        at = position % len(data)
        data[at : at + len(replacement)] = replacement
    started = time.perf_counter()
    import_fuzz.check(bytes(data[: max(1, cut % (len(data) + 1))]))
    assert time.perf_counter() - started < TIME_LIMIT


def test_the_fuzzing_target_takes_refusals_and_wrong_passwords() -> None:
    locked = mf.encrypt(mf.coupang_xlsx(), "다른 암호")
    for options, body in (
        (0, b""),
        (0, b"PK\x03\x04" + bytes(100)),
        (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
        (0, mf.xlsx(["이름", "나이"], [{"이름": "김민준", "나이": 30}])),  # the mapping screen
        (import_fuzz.WITH_PASSWORD, locked),
        (0, locked),
    ):
        import_fuzz.check(bytes([options]) + body)
