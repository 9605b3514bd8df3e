"""Courier/marketplace upload sheets, formula-injection safety, encrypted downloads and
courier result files (jikim.shipping.exports). Pure Python: runs without Django."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import msoffcrypto
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msoffcrypto.exceptions import InvalidKeyError
from python_calamine import CalamineError, CalamineWorkbook

from jikim.shipping.exports import cells, tracking, workbook
from jikim.shipping.exports.cells import escape_cell, is_dangerous
from jikim.shipping.exports.couriers import (
    CJ_CNPLUS,
    COUPANG_INVOICE,
    EPOST_PRE_RECEIPT,
    HANJIN_DEFAULT,
    LAYOUTS,
    LOGEN_DEFAULT,
    LOTTE,
    SMARTSTORE_DISPATCH,
)
from jikim.shipping.exports.layout import SOURCE_FIELDS, Layout, LayoutError
from jikim.shipping.exports.render import RenderError, render, truncate_bytes
from jikim.shipping.exports.tracking import (
    TrackingNumberError,
    clean_tracking_no,
    parse_tracking_result,
    s10_check_digit,
    validate_tracking_no,
)
from jikim.shipping.exports.workbook import ExportError, build_csv, build_xlsx

# --- header lists, copied from marketplace-formats.txt -------------------------------

CNPLUS_HEADERS = [
    "예약구분",
    "집하예정일",
    "받는분성명",
    "받는분전화번호",
    "받는분기타연락처",
    "받는분우편번호",
    "받는분주소(전체, 분할)",
    "운송장번호",
    "고객주문번호",
    "품목명",
    "박스수량",
    "박스타입",
    "기본운임",
    "배송메세지1",
    "배송메세지2",
]
EPOST_HEADERS = [
    "받는 분",
    "우편번호",
    "주소(시도+시군구+도로명+건물번호)",
    "상세주소(동, 호수, 洞명칭, 아파트, 건물명 등)",
    "휴대전화(010-1234-5678)",
    "일반전화(02-1234-5678)",
    "중량(kg)",
    "부피(cm)=가로+세로+높이",
    "내용품코드",
    "내용물",
    "배송시요청사항",
    "분할접수 여부(Y/N)",
    "분할접수 첫번째 중량(kg)",
    "분할접수 첫번째 부피(cm)",
    "분할접수 두번째 중량(kg)",
    "분할접수 두번째 부피(cm)",
]
LOTTE_HEADERS = [
    "받는사람",
    "우편번호",
    "주소",
    "전화번호1",
    "전화번호2",
    "배송메시지",
    "(불필요한 항목)",
    "보내는사람(지정)",
    "전화번호1(지정)",
    "주소(지정)",
    "수량(A타입)",
    "상품명1",
    "상품상세1",
    "내품수량1",
    "상품코드1",
    "상품코드2",
    "상품상세2",
]
SMARTSTORE_HEADERS = ["상품주문번호", "배송방법", "택배사", "송장번호"]
COUPANG_HEADERS = [
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
]

DOC_HEADERS: dict[str, list[str]] = {
    CJ_CNPLUS.id: CNPLUS_HEADERS,
    EPOST_PRE_RECEIPT.id: EPOST_HEADERS,
    LOTTE.id: LOTTE_HEADERS,
    SMARTSTORE_DISPATCH.id: SMARTSTORE_HEADERS,
    COUPANG_INVOICE.id: COUPANG_HEADERS,
}

SPEC = Path("/work/shared/spec/marketplace-formats.txt")


def _spec_section(text: str, start: str, stop: str) -> list[str]:
    body = text.split(start, 1)[1].split(stop, 1)[0]
    return [line.split("\t")[0] for line in body.splitlines()[1:] if line and line[0] != "#"]


def _spec_lists() -> dict[str, list[str]]:
    text = SPEC.read_text(encoding="utf-8")
    lotte_line = text.split("=== 9.", 1)[1].splitlines()[2]
    return {
        CJ_CNPLUS.id: _spec_section(text, "=== 6.", "=== 7."),
        EPOST_PRE_RECEIPT.id: _spec_section(text, "=== 7.", "# SRC B"),
        LOTTE.id: lotte_line.split(" / "),
        SMARTSTORE_DISPATCH.id: _spec_section(text, "--- 1d.", "=== 2."),
        COUPANG_INVOICE.id: _spec_section(text, "--- 2a.", "--- 2b."),
    }


@pytest.mark.parametrize("layout_id", sorted(DOC_HEADERS))
def test_layout_header_row_equals_the_documented_list(layout_id: str) -> None:
    assert LAYOUTS[layout_id].headers == DOC_HEADERS[layout_id]


@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not mounted")
@pytest.mark.parametrize("layout_id", sorted(DOC_HEADERS))
def test_copied_header_lists_match_the_spec_file(layout_id: str) -> None:
    assert _spec_lists()[layout_id] == DOC_HEADERS[layout_id]


def test_column_counts_and_sheet_names() -> None:
    assert len(CJ_CNPLUS.columns) == 15
    assert len(EPOST_PRE_RECEIPT.columns) == 16
    assert len(COUPANG_INVOICE.columns) == 39
    assert SMARTSTORE_DISPATCH.sheet_name == "발송처리"
    assert not HANJIN_DEFAULT.verified and not LOGEN_DEFAULT.verified
    assert {layout.courier for layout in LAYOUTS.values()} >= {
        "cj",
        "epost",
        "lotte",
        "hanjin",
        "logen",
    }


# --- helpers ------------------------------------------------------------------------


def read_sheet(data: bytes, sheet: str) -> list[list[object]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [list(row) for row in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]


_CELL = re.compile(rb"<c ([^>]*?)(/?)>")


def assert_text_only(data: bytes) -> None:
    """No formula anywhere, and every filled cell is a (shared) string, not a number."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = package.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name
                for attrs, self_closing in _CELL.findall(xml):
                    assert self_closing or b't="s"' in attrs, attrs
        assert not any(n.startswith("xl/calcChain") for n in package.namelist())


FULL_SHIPMENT: dict[str, str] = {
    "recipient_name": "홍길동",
    "recipient_phone1": "01012345678",
    "recipient_phone2": "0212345678",
    "recipient_postcode": "01234",
    "recipient_address": "서울특별시 강남구 테헤란로 1 101동 1001호",
    "recipient_address_base": "서울특별시 강남구 테헤란로 1",
    "recipient_address_detail": "101동 1001호",
    "delivery_message": "문 앞에 놓아 주세요",
    "product_name": "유기농 사과 5kg",
    "option": "大 / 10과",
    "quantity": "2",
    "order_no": "0020240501001",
    "product_order_no": "2024050112345671",
    "tracking_no": "012345678901",
    "courier": "cj",
    "sender_name": "지킴상점",
    "sender_phone": "0311234567",
    "sender_address": "경기도 성남시 분당구 판교로 1",
    "pickup_date": "20240502",
}


def _expected_cell(layout: Layout, header: str, shipment: Mapping[str, str]) -> str | None:
    """What the documented mapping puts in a column, or None when not field-driven."""
    column = next(c for c in layout.columns if c.header == header)
    if column.source is None:
        return None
    if column.source == "courier":
        return "CJ대한통운"
    if layout is EPOST_PRE_RECEIPT and column.source == "recipient_address_base":
        return shipment["recipient_address_base"]
    # FULL_SHIPMENT's first number is a mobile, its second a landline.
    if column.source == "recipient_mobile":
        return shipment["recipient_phone1"]
    if column.source == "recipient_other_phone":
        return shipment["recipient_phone2"]
    return shipment[column.source]


# --- round trip -----------------------------------------------------------------------


@pytest.mark.parametrize("layout_id", sorted(LAYOUTS))
def test_rendered_rows_read_back_equal_the_input_as_text(layout_id: str) -> None:
    layout = LAYOUTS[layout_id]
    second = dict(FULL_SHIPMENT, recipient_name="김철수", order_no="0020240501002")
    headers, rows = render(layout, [FULL_SHIPMENT, second])
    data = build_xlsx(layout.sheet_name, headers, rows)

    assert_text_only(data)
    back = read_sheet(data, layout.sheet_name)
    assert back[0] == headers
    assert back[1:] == rows
    for header, cell in zip(headers, back[1], strict=True):
        expected = _expected_cell(layout, header, FULL_SHIPMENT)
        if expected is not None:
            assert cell == expected, header
    # Leading zeros survive wherever the layout carries these fields.
    flat = set(back[1])
    for field in ("recipient_phone1", "recipient_postcode", "order_no", "tracking_no"):
        if any(c.source == field for c in layout.columns):
            assert FULL_SHIPMENT[field] in flat, field


def test_cnplus_row_in_detail() -> None:
    _, rows = render(CJ_CNPLUS, [dict(FULL_SHIPMENT, pickup_date="2024-05-02")])
    assert rows[0] == [
        "1",
        "20240502",
        "홍길동",
        "01012345678",
        "0212345678",
        "01234",
        "서울특별시 강남구 테헤란로 1 101동 1001호",
        "012345678901",
        "2024050112345671",  # 고객주문번호: the line's own number, echoed back by CNPlus
        "유기농 사과 5kg",
        "",
        "",
        "",
        "문 앞에 놓아 주세요",
        "",
    ]


def test_address_is_joined_or_carried_whole_as_the_layout_needs() -> None:
    split_only = dict(FULL_SHIPMENT, recipient_address="")
    _, rows = render(CJ_CNPLUS, [split_only])
    assert rows[0][6] == "서울특별시 강남구 테헤란로 1 101동 1001호"

    whole_only = {k: v for k, v in FULL_SHIPMENT.items() if "address_" not in k}
    _, rows = render(EPOST_PRE_RECEIPT, [whole_only])
    assert rows[0][2:4] == ["서울특별시 강남구 테헤란로 1 101동 1001호", ""]


def test_smartstore_dispatch_sheet() -> None:
    shipments = [
        dict(FULL_SHIPMENT, courier=name, tracking_no=number)
        for name, number in (
            ("cj", "1234-5678-9012"),
            ("우체국", "1234567890123"),
            ("한진택배", "123456789012"),
            ("롯데", "1234567890123"),
            ("로젠", "12345678901"),
        )
    ]
    headers, rows = render(SMARTSTORE_DISPATCH, shipments)
    assert headers == SMARTSTORE_HEADERS
    assert [row[2] for row in rows] == [
        "CJ대한통운",
        "우체국택배",
        "한진택배",
        "롯데택배",
        "로젠택배",
    ]
    assert rows[0] == ["2024050112345671", "택배,등기,소포", "CJ대한통운", "123456789012"]
    data = build_xlsx(SMARTSTORE_DISPATCH.sheet_name, headers, rows)
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == ["발송처리"]


def test_coupang_invoice_fills_invoice_columns_and_copies_the_rest() -> None:
    original = {
        "묶음배송번호": "310000000012",
        "주문번호": "20000012345678",
        "옵션ID": "0087654321",
        "수취인이름": "이영희",
    }
    minimal = {"product_order_no": "310000000099", "order_no": "20000099", "courier": "lotte"}
    shipments = [dict(original, courier="cj", tracking_no="123456789012"), minimal]
    shipments[1]["tracking_no"] = "1234567890"
    headers, rows = render(COUPANG_INVOICE, shipments)
    by_header = [dict(zip(headers, row, strict=True)) for row in rows]
    assert by_header[0]["번호"] == "1" and by_header[1]["번호"] == "2"
    assert by_header[0]["묶음배송번호"] == "310000000012"
    assert by_header[0]["택배사"] == "CJ대한통운"
    assert by_header[0]["운송장번호"] == "123456789012"
    assert by_header[0]["옵션ID"] == "0087654321"
    assert by_header[0]["수취인이름"] == "이영희"
    # Minimisation: no recipient data appears that the shipment did not carry over.
    assert by_header[1]["수취인이름"] == "" and by_header[1]["수취인 주소"] == ""
    assert by_header[1]["묶음배송번호"] == "310000000099"
    assert by_header[1]["택배사"] == "롯데택배"


def test_missing_required_values_are_all_reported_without_personal_data() -> None:
    bad = [
        dict(FULL_SHIPMENT, recipient_name=""),
        dict(FULL_SHIPMENT, courier="우주택배"),
        dict(FULL_SHIPMENT, pickup_date="2024-13-45", recipient_phone1="\t"),
    ]
    with pytest.raises(RenderError) as caught:
        render(CJ_CNPLUS, bad)
    codes = [(p.index, p.header, p.code) for p in caught.value.problems]
    assert (1, "받는분성명", "missing") in codes
    assert (3, "집하예정일", "bad_date") in codes
    assert (3, "받는분전화번호", "missing") in codes
    with pytest.raises(RenderError) as caught:
        render(SMARTSTORE_DISPATCH, bad)
    assert [(p.index, p.code) for p in caught.value.problems] == [(2, "unknown_courier")]
    text = str(caught.value) + repr(caught.value)
    for value in FULL_SHIPMENT.values():
        if len(value) > 3:
            assert value not in text


def test_cnplus_product_name_is_cut_at_150_cp949_bytes_on_a_character_boundary() -> None:
    long_name = "a" + "가" * 100
    _, rows = render(CJ_CNPLUS, [dict(FULL_SHIPMENT, product_name=long_name)])
    cell = rows[0][9]
    assert cell == "a" + "가" * 74
    assert len(cell.encode("cp949")) == 149

    escaped = "=" + "가" * 100
    _, rows = render(CJ_CNPLUS, [dict(FULL_SHIPMENT, product_name=escaped)])
    assert rows[0][9].startswith("'=")
    assert len(rows[0][9].encode("cp949")) <= 150


def test_truncate_bytes_counts_uncodable_characters_at_utf8_length() -> None:
    assert truncate_bytes("가나다", 5) == "가나"
    assert truncate_bytes("ab😀c", 5) == "ab"
    assert truncate_bytes("ab😀c", 6) == "ab😀"
    assert truncate_bytes("", 3) == ""


def test_decomposed_hangul_is_composed_for_cp949_systems() -> None:
    nfd = "\u1112\u1169\u11bc\u1100\u1175\u11af\u1103\u1169\u11bc"  # 홍길동, decomposed
    _, rows = render(CJ_CNPLUS, [dict(FULL_SHIPMENT, recipient_name=nfd)])
    assert rows[0][2] == "홍길동"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20240502", "20240502"),
        ("2024-5-2", "20240502"),
        ("2024.05.02", "20240502"),
        ("2024년 5월 2일", "20240502"),
        ("2024-05-02T09:00:00", "20240502"),
        ("", ""),
    ],
)
def test_pickup_date_is_written_as_yyyymmdd(raw: str, expected: str) -> None:
    _, rows = render(CJ_CNPLUS, [dict(FULL_SHIPMENT, pickup_date=raw)])
    assert rows[0][1] == expected


# --- customised layouts -----------------------------------------------------------------


def test_customised_layout_takes_the_sellers_columns() -> None:
    custom = LOGEN_DEFAULT.customised(
        [
            ("받는분", "recipient_name"),
            ("기본주소", "recipient_address_base"),
            ("상세주소", "recipient_address_detail"),
            ("연락처", "recipient_phone1"),
            ("메모", "order_no"),
            ("비고", ""),
        ]
    )
    assert custom.headers == ["받는분", "기본주소", "상세주소", "연락처", "메모", "비고"]
    assert custom.courier == "logen" and not custom.verified
    assert [c.required for c in custom.columns] == [True, True, False, True, False, False]
    _, rows = render(custom, [FULL_SHIPMENT])
    assert rows[0] == [
        "홍길동",
        "서울특별시 강남구 테헤란로 1",
        "101동 1001호",
        "01012345678",
        "0020240501001",
        "",
    ]


def test_customised_layout_keeps_own_defaults_and_byte_limits() -> None:
    custom = CJ_CNPLUS.customised(
        [
            ("예약구분", ""),
            ("받는분성명", "recipient_name"),
            ("받는분전화번호", "recipient_phone1"),
            ("받는분주소(전체, 분할)", "recipient_address"),
            ("상품", "product_name"),
        ]
    )
    _, rows = render(custom, [dict(FULL_SHIPMENT, product_name="가" * 100)])
    assert rows[0][0] == "1"
    assert len(rows[0][4].encode("cp949")) == 150


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ([], "하나 이상"),
        ([("받는분", "recipient_name"), ("전화", "phone")], "알 수 없는 항목"),
        ([("받는분", "recipient_name")], "필수 항목"),
        ([("=HYPERLINK()", "recipient_name")], "=, +, -, @"),
        ([("받는분", "recipient_name"), ("받는분", "recipient_phone1")], "두 번"),
        ([("  ", "recipient_name")], "비어 있습니다"),
    ],
)
def test_customised_layout_is_validated(overrides: list[tuple[str, str]], fragment: str) -> None:
    with pytest.raises(LayoutError, match=re.escape(fragment)):
        CJ_CNPLUS.customised(overrides)


# --- formula injection ------------------------------------------------------------------

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = "cmd|' /C calc'!A0"


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
@pytest.mark.parametrize("layout_id", sorted(LAYOUTS))
def test_every_dangerous_prefix_is_neutralised_in_every_text_column(
    layout_id: str, prefix: str
) -> None:
    layout = LAYOUTS[layout_id]
    evil = prefix + PAYLOAD
    # courier and pickup_date are looked up / parsed, so they cannot carry free text.
    shipment = {field: evil for field in SOURCE_FIELDS if field not in {"courier", "pickup_date"}}
    shipment |= {"courier": "cj", "pickup_date": ""}
    shipment |= {c.header: evil for c in layout.columns if c.passthrough}
    headers, rows = render(layout, [shipment])
    data = build_xlsx(layout.sheet_name, headers, rows)

    assert_text_only(data)
    back = read_sheet(data, layout.sheet_name)[1]
    text_columns = [
        i
        for i, c in enumerate(layout.columns)
        if (c.source and c.source not in {"courier", "pickup_date"}) or c.passthrough
    ]
    assert text_columns
    for i in text_columns:
        cell = back[i]
        assert isinstance(cell, str) and "\t" not in cell and "\r" not in cell
        if layout.columns[i].source == "tracking_no" and prefix in "-\t\r":
            # Tracking numbers lose separators and blanks before they are written, and
            # with them the dangerous first character.
            assert cell == "CMD|'/CCALC'!A0"
        elif layout.columns[i].source == "recipient_mobile":
            assert cell == ""  # not a mobile number: the 휴대폰 column stays blank
        else:
            assert cell.startswith("'"), (headers[i], cell)
        assert not is_dangerous(cell)

    parsed = list(csv.reader(io.StringIO(build_csv(headers, rows).decode("utf-8-sig"))))
    assert parsed[1] == rows[0]
    for i in text_columns:
        assert not is_dangerous(parsed[1][i])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+82 10", "'+82 10"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "' =1"),
        ("\r=1", "' =1"),
        ("\x00=1", "'=1"),
        ("  =1", "'  =1"),
        ("＝1+1", "'＝1+1"),
        ("홍길동\n010", "홍길동 010"),
        ("a\x07b\x7fc", "abc"),
        ("010-1234-5678", "010-1234-5678"),
        ("'=1", "'=1"),
        (None, ""),
        (123.0, "123"),
        (-5, "'-5"),
    ],
)
def test_escape_cell(raw: object, expected: str) -> None:
    assert escape_cell(raw) == expected
    assert escape_cell(expected) == expected  # idempotent


def test_cell_text_keeps_integral_numbers_whole() -> None:
    assert cells.cell_text(123456789012.0) == "123456789012"
    assert cells.cell_text(1.5) == "1.5"
    assert cells.cell_text(None) == ""


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_escaped_text_is_never_dangerous(text: str) -> None:
    escaped = escape_cell(text)
    assert not is_dangerous(escaped)
    assert escape_cell(escaped) == escaped
    assert not re.search(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]", escaped)


_required_text = st.tuples(st.text(), st.text()).map(lambda pair: pair[0] + "가" + pair[1])


@st.composite
def _shipments(draw: st.DrawFn) -> dict[str, str]:
    shipment = {field: draw(st.text()) for field in SOURCE_FIELDS}
    for field in ("recipient_name", "recipient_phone1", "recipient_address", "order_no"):
        shipment[field] = draw(_required_text)
    shipment["product_order_no"] = draw(_required_text)
    shipment["tracking_no"] = draw(_required_text)
    shipment["courier"] = draw(st.sampled_from(sorted(tracking.COURIERS)))
    shipment["pickup_date"] = draw(st.sampled_from(["", "20240502", "2024-05-02"]))
    return shipment


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    layout_id=st.sampled_from(sorted(LAYOUTS)),
    shipments=st.lists(_shipments(), min_size=1, max_size=3),
)
def test_arbitrary_text_never_yields_a_formula_or_an_exception(
    layout_id: str, shipments: list[dict[str, str]]
) -> None:
    layout = LAYOUTS[layout_id]
    headers, rows = render(layout, shipments)
    data = build_xlsx(layout.sheet_name, headers, rows)
    assert_text_only(data)
    back = read_sheet(data, layout.sheet_name)
    assert back[1:] == rows
    for row in rows:
        for cell in row:
            assert not is_dangerous(cell)
    build_csv(headers, rows)


# --- csv ------------------------------------------------------------------------------


def test_csv_has_bom_crlf_and_keeps_leading_zeros() -> None:
    data = build_csv(["전화", "메모"], [["01012345678", 'a,"b"']])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == '전화,메모\r\n01012345678,"a,""b"""\r\n'


def test_csv_in_cp949_names_the_cell_but_not_the_value() -> None:
    assert (
        build_csv(["이름"], [["홍길동"]], encoding="cp949").decode("cp949") == "이름\r\n홍길동\r\n"
    )
    with pytest.raises(ExportError) as caught:
        build_csv(["이름", "메모"], [["홍길동", "조심히 😀 배송"]], encoding="cp949")
    message = str(caught.value)
    assert "2번째 줄" in message and "'메모'" in message
    assert "홍길동" not in message and "조심히" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_row_width_must_match_headers() -> None:
    with pytest.raises(ExportError, match="칸 수"):
        build_xlsx("Sheet1", ["a", "b"], [["1"]])


# --- password protection ----------------------------------------------------------------


def test_password_protected_xlsx_needs_the_password() -> None:
    headers, rows = render(CJ_CNPLUS, [FULL_SHIPMENT])
    password = "지킴-Export-2024!"
    data = build_xlsx(CJ_CNPLUS.sheet_name, headers, rows, password=password)

    assert data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE container, not a zip
    assert not zipfile.is_zipfile(io.BytesIO(data))
    assert "홍길동".encode() not in data and b"01012345678" not in data
    with pytest.raises(CalamineError):
        read_sheet(data, CJ_CNPLUS.sheet_name)

    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    assert office.is_encrypted()
    with pytest.raises(InvalidKeyError):
        office.load_key(password="wrong-password", verify_password=True)

    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password=password, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    back = read_sheet(plain.getvalue(), CJ_CNPLUS.sheet_name)
    assert back == [headers, *rows]


def test_empty_password_is_refused() -> None:
    with pytest.raises(ExportError):
        build_xlsx("Sheet1", ["a"], [["1"]], password="")


# --- tracking numbers -------------------------------------------------------------------

VALID = {
    "cj": ["1234567890", "123456789012"],
    "hanjin": ["1234567890", "123456789012"],
    "lotte": ["1234567890", "123456789012", "1234567890123"],
    "epost": ["1234567890123"],
    "logen": ["12345678901"],
    "ems": ["EE123456785KR", "RA473124829GB", "EE100000025KR", "EE100000140KR"],
}
INVALID = {
    "cj": ["123456789", "12345678901", "1234567890123", "12345678901A"],
    "hanjin": ["12345678901", "1234567890123"],
    "lotte": ["12345678901", "12345678901234"],
    "epost": ["123456789012", "12345678901234"],
    "logen": ["1234567890", "123456789012"],
    "ems": ["EE123456789KR", "EE12345678KR", "E1234567855KR", "EE123456785K1"],
}


@pytest.mark.parametrize(("courier_id", "number"), [(c, n) for c, ns in VALID.items() for n in ns])
def test_valid_tracking_numbers(courier_id: str, number: str) -> None:
    assert validate_tracking_no(courier_id, number) == number


@pytest.mark.parametrize(
    ("courier_id", "number"), [(c, n) for c, ns in INVALID.items() for n in ns]
)
def test_invalid_tracking_numbers(courier_id: str, number: str) -> None:
    with pytest.raises(TrackingNumberError) as caught:
        validate_tracking_no(courier_id, number)
    message = str(caught.value)
    assert tracking.COURIERS[courier_id].name in message
    assert number not in message


def test_tracking_error_message_names_the_expected_length() -> None:
    with pytest.raises(TrackingNumberError, match="10자리 또는 12자리") as caught:
        validate_tracking_no("hanjin", "12345678901")
    assert caught.value.code == "format" and "11자" in str(caught.value)
    with pytest.raises(TrackingNumberError, match="검증 숫자") as caught:
        validate_tracking_no("ems", "EE123456789KR")
    assert caught.value.code == "check_digit"
    with pytest.raises(TrackingNumberError) as caught:
        validate_tracking_no("dhl", "123")
    assert caught.value.code == "unknown_courier"
    with pytest.raises(TrackingNumberError) as caught:
        validate_tracking_no("cj", "1.23457E+11")
    assert caught.value.code == "scientific"


@pytest.mark.parametrize(
    ("serial", "digit"),
    [("12345678", 5), ("47312482", 9), ("10000002", 5), ("10000014", 0)],
)
def test_s10_check_digit(serial: str, digit: int) -> None:
    # 10000002: S = 22, S mod 11 = 0, C = 11 -> 5; 10000014: S = 45, mod 11 = 1, C = 10 -> 0
    assert s10_check_digit(serial) == digit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234-5678-9012", "123456789012"),
        (" 1234 5678 9012 ", "123456789012"),
        (123456789012.0, "123456789012"),
        ("123456789012.0", "123456789012"),
        (123456789012, "123456789012"),
        ("１２３４５６７８９０１２", "123456789012"),
        ("'012345678901", "012345678901"),
        ("ee 123456785 kr", "EE123456785KR"),
        (None, ""),
    ],
)
def test_clean_tracking_no(raw: object, expected: str) -> None:
    assert clean_tracking_no(raw) == expected


def test_find_courier_by_id_name_or_alias() -> None:
    assert tracking.find_courier("CJ 대한통운") is tracking.COURIERS["cj"]
    assert tracking.find_courier("현대택배") is tracking.COURIERS["lotte"]
    assert tracking.find_courier("epost") is tracking.COURIERS["epost"]
    assert tracking.find_courier("우주택배") is None


# --- result files -----------------------------------------------------------------------


def test_cj_result_file_matches_orders() -> None:
    rows: list[list[object]] = [
        ["CNPlus 예약 결과", "", "", ""],
        ["운송장번호", "고객주문번호", "받는분성명", "품목명"],
        [123456789012.0, "0020240501001", "홍길동", "사과"],
        ["2345-6789-0123", "0020240501002", "김철수", "배"],
        ["", "", "", ""],
        ["1234567890", 20240501003.0, "이영희", "감"],
    ]
    matches, problems = parse_tracking_result(rows, "cj")
    assert problems == []
    assert [(m.order_no, m.tracking_no, m.row) for m in matches] == [
        ("0020240501001", "123456789012", 3),
        ("0020240501002", "234567890123", 4),
        ("20240501003", "1234567890", 6),
    ]


def test_result_file_reports_a_wrong_length_number() -> None:
    rows = [
        ["고객주문번호", "운송장번호", "받는분성명"],
        ["A-1", "123456789012", "홍길동"],
        ["A-2", "12345678901", "김철수"],
        ["A-3", "", "이영희"],
        ["", "123456789012", "박민수"],
        ["A-1", "123456789012", "홍길동"],
    ]
    matches, problems = parse_tracking_result(rows, "cj")
    assert [m.order_no for m in matches] == ["A-1"]
    assert [(p.row, p.column, p.code) for p in problems] == [
        (3, "운송장번호", "tracking_format"),
        (4, "운송장번호", "tracking_missing"),
        (5, "고객주문번호", "order_missing"),
        (6, "운송장번호", "duplicate_row"),
    ]
    assert "10자리 또는 12자리" in problems[0].message
    for problem in problems:
        assert "12345678901" not in problem.message
        assert not any(name in problem.message for name in ("홍길동", "김철수", "이영희", "박민수"))


def test_hanjin_result_file_uses_memo3() -> None:
    rows = [
        ["받으시는 분", "도서", "운송장번호", "메모3", "메모4"],
        ["홍길동", "", "123456789012", "0020240501001", ""],
    ]
    matches, problems = parse_tracking_result(rows, "hanjin")
    assert problems == []
    assert [(m.order_no, m.tracking_no) for m in matches] == [("0020240501001", "123456789012")]


def test_logen_result_has_no_order_column_unless_one_is_named() -> None:
    rows = [
        ["수하인명", "수하인전화", "수하인주소1", "운송장번호"],
        ["홍길동", "01012345678", "서울특별시 강남구", "12345678901"],
    ]
    matches, problems = parse_tracking_result(rows, "logen")
    assert matches == []
    assert [(p.code, p.row) for p in problems] == [("no_order_column", 1)]
    assert "주문번호 열이 없어" in problems[0].message
    assert "홍길동" not in problems[0].message and "01012345678" not in problems[0].message

    with_memo = [[*rows[0], "메모"], [*rows[1], "0020240501001"]]
    matches, problems = parse_tracking_result(with_memo, "logen", order_column="메모")
    assert problems == []
    assert [(m.order_no, m.tracking_no, m.row) for m in matches] == [
        ("0020240501001", "12345678901", 2)
    ]


def test_missing_order_column_and_missing_header_are_reported() -> None:
    no_order = [["운송장번호", "받는분성명"], ["123456789012", "홍길동"]]
    matches, problems = parse_tracking_result(no_order, "cj")
    assert matches == [] and [p.code for p in problems] == ["no_order_column"]
    assert "'고객주문번호'" in problems[0].message

    matches, problems = parse_tracking_result([["이름", "번호"], ["홍길동", "1"]], "cj")
    assert matches == [] and [p.code for p in problems] == ["header_not_found"]

    matches, problems = parse_tracking_result([["운송장번호"]], "dhl")
    assert [p.code for p in problems] == ["unknown_courier"]


def test_result_file_read_from_an_exported_workbook() -> None:
    """A courier result saved as xlsx (numbers as numbers) parses like the raw rows."""
    data = build_xlsx("결과", ["고객주문번호", "운송장번호"], [["0020240501001", "012345678901"]])
    rows = read_sheet(data, "결과")
    matches, problems = parse_tracking_result(rows, "cj")
    assert problems == [] and matches[0].tracking_no == "012345678901"


def test_workbook_module_constants() -> None:
    assert workbook.MAX_DATA_ROWS == 1_048_575
