"""Marketplace order files: recognised by their headers, read into raw OrderRows, and
refused with a clear code (never a crash, never a leaked value) when they cannot be read."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import pickle
import struct
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jikim.shipping.importers import (
    KNOWN_LAYOUTS,
    FileRefused,
    OrderRow,
    ParsedFile,
    RowProblem,
    detect_format,
    parse_file,
    read_table,
    suggest_mapping,
)
from jikim.shipping.importers.reading import cell_text
from tests.shipping import marketplace_files as mf

PASSWORD = "지킴-Sunflower-2026"


def refused(code: str, data: bytes, **kwargs: object) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        parse_file(data, **kwargs)  # type: ignore[arg-type]
    assert caught.value.code == code, caught.value.code
    return caught.value


def by_row(parsed: ParsedFile) -> dict[int, OrderRow]:
    return {row.source_row: row for row in parsed.rows}


# ------------------------------------------------------------------ detection


BUILDERS: dict[str, tuple[Callable[[], bytes], str, int]] = {
    # name: (builder, format_id, 0-based header row index)
    "smartstore 65열": (mf.smartstore_xlsx, "smartstore_v2", 1),
    "smartstore 구 양식": (lambda: mf.smartstore_xlsx(old_layout=True), "smartstore_v1", 1),
    "coupang 39열": (mf.coupang_xlsx, "coupang_v2", 0),
    "coupang 변형 철자": (lambda: mf.coupang_xlsx(variant_spelling=True), "coupang_v2", 0),
    "coupang 2019": (lambda: mf.coupang_xlsx(old_layout=True), "coupang_2019", 0),
    "esm 발송": (mf.esm_xlsx, "esm_shipping", 0),
    "esm 신규주문": (lambda: mf.esm_xlsx(new_orders=True), "esm_new_orders", 0),
    "11번가": (mf.elevenst_xlsx, "elevenst", 2),
    "11번가 다른 철자": (lambda: mf.elevenst_xlsx(alt=True), "elevenst", 2),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_layout_is_recognised_by_its_header(name: str) -> None:
    build, format_id, header_index = BUILDERS[name]
    table = read_table(build())
    detected = detect_format(table.rows)
    assert (detected.format_id, detected.header_row_index) == (format_id, header_index)
    parsed = parse_file(build())
    assert parsed.format_id == format_id
    assert len(parsed.rows) == parsed.total_rows == mf.order_count()
    assert parsed.problems == []
    # Data starts right below the header: instruction and guidance rows are not orders.
    assert [r.source_row for r in parsed.rows] == [
        header_index + 2 + i for i in range(mf.order_count())
    ]


def test_marketplace_codes_are_the_ones_orders_are_stored_under() -> None:
    codes = {layout.marketplace for layout in KNOWN_LAYOUTS}
    assert codes == {"smartstore", "coupang", "esm", "11st"}


def test_the_file_name_is_never_trusted() -> None:
    parsed = parse_file(mf.smartstore_xlsx(), filename="coupang_DeliveryList.csv")
    assert parsed.format_id == "smartstore_v2"


# ------------------------------------------------------------------ field values


def test_smartstore_current_layout_fields() -> None:
    parsed = parse_file(mf.smartstore_xlsx())
    assert parsed.format_name == "네이버 스마트스토어 발주발송관리 (65열)"
    rows = by_row(parsed)
    first, second, fourth = rows[3], rows[4], rows[6]
    # Stored as the number 2024060112345678.0 in the file, read as the digits.
    assert first.product_order_no == "2024060112345678"
    assert first.order_no == "2024060198765400"
    assert second.product_order_no == "2024060112345679"  # stored as text
    assert first.marketplace == "smartstore"
    assert first.recipient_name == "김민준"
    assert first.recipient_phone1 == "010-2345-6789"
    assert first.recipient_phone2 == "02-555-1234"
    assert first.recipient_postcode == "06236"
    assert first.recipient_address_base == "서울특별시 강남구 테헤란로 152"
    assert first.recipient_address_detail == "강남파이낸스센터 12층"
    assert first.product_name == "유기농 현미 10kg"
    assert first.option == "중량: 10kg / 도정: 7분도"
    assert (first.quantity, first.amount) == ("1", "42900")
    assert first.paid_at == "2024-06-01 09:15:30"  # an Excel datetime cell
    assert first.ordered_at == "2024-06-01 09:15:30"  # a text cell
    assert first.status == "발송대기"  # 주문세부상태 wins over 주문상태
    assert first.buyer_name == "정우진"
    assert first.delivery_message == "부재 시 문 앞에 놓아주세요"
    assert second.customs_code == "P123456789012"
    assert (fourth.courier, fourth.tracking_no) == ("CJ대한통운", "612345678901")
    assert rows[5].paid_at == "2024-06-02"  # midnight: a date without a time part
    # Every other non-empty cell stays visible for identifier scanning.
    assert first.extra["발송기한"] == "2024-06-04"
    assert first.extra["통합배송지"].startswith("서울특별시 강남구")
    assert first.extra["배송비 묶음번호"] == "2024060155500"
    assert "수취인명" not in first.extra and "상품주문번호" not in first.extra


def test_smartstore_old_layout_prefers_the_parenthesised_raw_columns() -> None:
    rows = by_row(parse_file(mf.smartstore_xlsx(old_layout=True)))
    first = rows[3]
    assert first.recipient_address_base == "서울특별시 강남구 테헤란로 152"
    assert first.recipient_address_detail == "강남파이낸스센터 12층"
    assert first.recipient_phone1 == "010-2345-6789"  # (수취인연락처1), not the 0505 number
    assert first.extra["수취인연락처1"] == "0505-100-2000"
    assert first.extra["배송지"].endswith("강남파이낸스센터 12층")
    # The resident-number column is not a field, but scanning must still see it.
    assert first.extra["구매자 주민등록번호"] == "800101-1******"
    # Without the raw parts the combined 배송지 is the base and the detail stays empty,
    # never a detail from one source glued to a base from another.
    third = rows[5]
    assert third.recipient_address_base == (
        "경기도 성남시 분당구 판교역로 235 에이치스퀘어 N동 7층"
    )
    assert third.recipient_address_detail == ""
    assert third.recipient_phone1 == "0505-100-2002"


def test_coupang_lines_are_keyed_by_order_and_option() -> None:
    parsed = parse_file(mf.coupang_xlsx())
    first = by_row(parsed)[2]
    assert first.order_no == "12000123456780"
    assert first.product_order_no == "12000123456780-87012345670"
    assert first.recipient_name == "김민준"
    assert first.recipient_phone1 == "010-2345-6789"
    assert first.recipient_address_base == "서울특별시 강남구 테헤란로 152 강남파이낸스센터 12층"
    assert first.recipient_address_detail == ""
    assert (first.product_name, first.option) == ("유기농 현미 10kg", "중량: 10kg / 도정: 7분도")
    assert first.quantity == "1" and first.amount == "42900"
    assert first.courier == "CJ 대한통운"
    assert first.delivered_at == "2024-06-05 14:02:11"
    assert first.extra["묶음배송번호"] == "412345678900"
    third = by_row(parsed)[4]
    assert third.customs_code == "P987654321098"
    assert third.extra["통관용구매자전화번호"] == "010-6666-7777"
    assert len({r.product_order_no for r in parsed.rows}) == mf.order_count()


def test_coupang_variant_spelling_feeds_the_option() -> None:
    rows = by_row(parse_file(mf.coupang_xlsx(variant_spelling=True)))
    assert rows[3].option == "색상: 화이트"  # 등록옵션명 empty -> 최초등록등록상품명/옵션명


def test_coupang_2019_layout() -> None:
    first = by_row(parse_file(mf.coupang_xlsx(old_layout=True)))[2]
    assert first.status == "ACCEPT"
    assert first.paid_at == "2024-06-01 09:15:30"
    assert first.recipient_phone2 == "02-555-1234"  # 수취인 연락처
    assert first.extra["구매자이메일"] == "b0@example.com"


def test_esm_shipping_export() -> None:
    parsed = parse_file(mf.esm_xlsx())
    assert parsed.marketplace == "esm"
    first = by_row(parsed)[2]
    assert first.order_no == first.product_order_no == "3912345670"
    assert first.recipient_name == "김민준"
    assert first.recipient_phone1 == "010-2345-6789"
    assert first.recipient_phone2 == "02-555-1234"
    assert first.option == "중량: 10kg / 도정: 7분도"  # 주문옵션
    assert first.delivery_message == "부재 시 문 앞에 놓아주세요"  # 배송시 요구사항
    assert (first.courier, first.tracking_no) == ("롯데택배", "233445566778")
    assert first.shipped_at == "2024-06-03 17:00:00"
    assert first.delivered_at == "2024-06-05"
    assert first.status == "배송중"
    assert first.extra["장바구니번호(결제번호)"] == "1988877700"


def test_esm_new_orders_export() -> None:
    rows = by_row(parse_file(mf.esm_xlsx(new_orders=True)))
    assert rows[3].option == "색상: 화이트"  # 옵션
    assert rows[5].customs_code == "P111122223333"  # 수령인 통관정보
    assert rows[2].extra["판매아이디"] == "jikimshop"


@pytest.mark.parametrize("alt", [False, True])
def test_elevenst_skips_guidance_rows_and_accepts_both_spellings(alt: bool) -> None:
    parsed = parse_file(mf.elevenst_xlsx(alt=alt))
    first = by_row(parsed)[4]
    assert first.recipient_name == "김민준"
    assert first.recipient_phone1 == "010-2345-6789"
    assert first.recipient_phone2 == "02-555-1234"
    assert first.order_no == "202406010000100"
    assert first.product_order_no == "202406010000100-4012345678"
    assert first.delivery_message == "부재 시 문 앞에 놓아주세요"


def test_the_preferred_sheet_is_chosen_and_hidden_sheets_are_skipped() -> None:
    header, rows = mf.SMARTSTORE_V2, mf.smartstore_rows()
    above = [[mf.SMARTSTORE_INSTRUCTION]]
    hidden_first = mf.xlsx(header, rows, above=above, extra_sheets=["메모"])
    assert parse_file(hidden_first).format_id == "smartstore_v2"
    named = mf.xlsx(header, rows, above=above, sheet_name="발송처리", extra_sheets=["설정"])
    assert read_table(named).sheet_name == "발송처리"


def test_two_downloads_pasted_together_skip_the_second_header() -> None:
    header, rows = mf.COUPANG_V2, mf.coupang_rows()
    repeated: dict[str, mf.Cell] = dict(zip(header, header, strict=True))
    data = mf.xlsx(header, [*rows[:2], repeated, *rows[2:]])
    parsed = parse_file(data)
    assert len(parsed.rows) == mf.order_count() and parsed.problems == []


# ------------------------------------------------------------------ row problems


def test_a_row_without_an_order_number_is_a_problem_not_a_crash() -> None:
    rows = mf.smartstore_rows()
    rows[1]["주문번호"] = ""
    rows[2]["상품주문번호"] = None
    data = mf.xlsx(mf.SMARTSTORE_V2, rows, above=[[mf.SMARTSTORE_INSTRUCTION]])
    parsed = parse_file(data)
    assert [r.source_row for r in parsed.rows] == [3, 6]
    assert parsed.total_rows == 4
    assert parsed.problems == [
        RowProblem(4, "주문번호", "missing_order_no", parsed.problems[0].message),
        RowProblem(5, "상품주문번호", "missing_product_order_no", parsed.problems[1].message),
    ]
    for found in parsed.problems:
        assert "이 행을 가져오지 않았습니다" in found.message
        assert "이서연" not in found.message and "박지호" not in found.message


def test_personal_values_never_reach_a_repr() -> None:
    parsed = parse_file(mf.smartstore_xlsx())
    shown = repr(parsed) + repr(parsed.rows) + str(parsed.rows[0]) + repr(read_table(
        mf.smartstore_xlsx()
    ))  # fmt: skip
    for person in mf.PEOPLE:
        for value in (person.name, person.phone, person.base, person.detail, person.postcode):
            assert value not in shown
    assert "2024060112345678" in repr(parsed.rows[0])


# ------------------------------------------------------------------ passwords


def test_password_protected_xlsx() -> None:
    locked = mf.encrypt(mf.smartstore_xlsx(), PASSWORD)
    assert locked.startswith(b"\xd0\xcf\x11\xe0")
    refused("password_required", locked)
    refused("password_required", locked, password="")
    wrong = refused("wrong_password", locked, password="sunflower")
    parsed = parse_file(locked, password=PASSWORD)
    assert parsed.format_id == "smartstore_v2"
    assert by_row(parsed)[3].product_order_no == "2024060112345678"
    # The password never travels with a refusal.
    assert "sunflower" not in repr(wrong) + str(wrong) + repr(wrong.args)


def test_refusals_carry_fixed_korean_text_and_pickle() -> None:
    error = FileRefused("wrong_password")
    assert "비밀번호가 맞지 않습니다" in str(error)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.code, copy.message) == (error.code, error.message)
    with pytest.raises(ValueError, match="unknown refusal code"):
        FileRefused("no_such_code")


# ------------------------------------------------------------------ text files


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_csv_encodings(encoding: str) -> None:
    data = mf.generic_csv(encoding)
    mapping = suggest_mapping(mf.GENERIC_HEADER)
    parsed = parse_file(data, mapping=mapping)
    assert parsed.format_id == "generic"
    first = by_row(parsed)[2]
    assert first.recipient_name == "김민준"
    assert first.recipient_address_base.startswith("서울특별시 강남구")
    assert first.product_order_no == first.order_no == "JK-2406-0000"


def test_known_layouts_are_recognised_in_csv_too() -> None:
    parsed = parse_file(mf.coupang_csv("cp949"), filename="DeliveryList(2024-06-01).xlsx")
    assert parsed.format_id == "coupang_v2"
    assert by_row(parsed)[2].recipient_name == "김민준"


def test_tab_separated_and_utf16_text() -> None:
    mapping = suggest_mapping(mf.GENERIC_HEADER)
    tsv = mf.generic_csv("utf-8", delimiter="\t")
    assert by_row(parse_file(tsv, mapping=mapping))[3].recipient_name == "이서연"
    # Excel's "유니코드 텍스트": UTF-16 with a byte-order mark, tab-separated.
    utf16 = mf.generic_csv("utf-16", delimiter="\t")
    assert by_row(parse_file(utf16, mapping=mapping))[3].recipient_name == "이서연"


def test_excel_text_formulas_keep_leading_zeros() -> None:
    data = mf.delimited(
        mf.GENERIC_HEADER,
        [["A-1", "김민준", '="01023456789"', '="06236"', "서울 강남구", "쌀", "1", ""]],
        encoding="utf-8",
    )
    row = parse_file(data, mapping=suggest_mapping(mf.GENERIC_HEADER)).rows[0]
    assert (row.recipient_phone1, row.recipient_postcode) == ("01023456789", "06236")


def test_ods_with_libreoffice_padding() -> None:
    parsed = parse_file(mf.esm_new_orders_ods())
    assert parsed.format_id == "esm_new_orders"
    assert by_row(parsed)[2].recipient_name == "김민준"
    assert by_row(parsed)[2].order_no == "3912345670"


def test_legacy_xls() -> None:
    parsed = parse_file(mf.esm_new_orders_xls(), filename="신규주문.xlsx")
    assert parsed.format_id == "esm_new_orders"
    first = by_row(parsed)[2]
    assert (first.order_no, first.recipient_name, first.quantity) == ("3912345670", "김민준", "1")
    assert first.recipient_address_base.startswith("서울특별시 강남구")


def test_legacy_xls_far_cell_is_bounded() -> None:
    data = mf.legacy_xls([["주문번호"], *([[None]] * 60_000), [None] * 250 + ["x"]])
    with pytest.raises(FileRefused) as caught:
        read_table(data, max_cells=1_000_000)
    assert caught.value.code == "too_many_cells"


def test_hostile_xls_structures_are_refused_not_fatal() -> None:
    """Each of these made calamine abort the process or loop when it read the upload."""
    rows: list[list[str | int | float | None]] = [["주문번호", "받는분"], ["A-1", "김민준"]]
    stream = bytearray(mf.biff8_stream(rows, "Sheet1"))
    at = stream.index(b"\x00\x02\x0e\x00")  # DIMENSIONS: first row after the last
    stream[at + 4 : at + 8] = struct.pack("<I", 0xF6)
    refused("corrupt", mf.compound_file(bytes(stream)))
    sector_loop = bytearray(mf.legacy_xls(rows))
    sector_loop[512 + 8 : 512 + 12] = struct.pack("<I", 2)  # the stream's chain loops
    refused("corrupt", bytes(sector_loop))
    huge_stream = bytearray(mf.legacy_xls(rows))
    huge_stream[1024 + 128 + 120 : 1024 + 128 + 124] = struct.pack("<I", 0xFFFFFFF0)
    refused("corrupt", bytes(huge_stream))


# ------------------------------------------------------------------ generic mapping


def test_suggest_mapping_reads_common_korean_headers() -> None:
    header = ["No", "상품주문번호", "주문번호", "수령인", "수령인 휴대폰", "수령인 전화번호",
              "구매자", "구매자 연락처", "우편번호", "기본주소", "상세주소", "상품명", "옵션",
              "수량", "결제금액", "배송시 요구사항", "택배사", "송장번호"]  # fmt: skip
    assert suggest_mapping(header) == {
        "product_order_no": "상품주문번호",
        "order_no": "주문번호",
        "courier": "택배사",
        "tracking_no": "송장번호",
        "recipient_postcode": "우편번호",
        "recipient_address_detail": "상세주소",
        "recipient_address_base": "기본주소",
        "buyer_phone": "구매자 연락처",
        "recipient_phone1": "수령인 휴대폰",
        "recipient_phone2": "수령인 전화번호",
        "buyer_name": "구매자",
        "recipient_name": "수령인",
        "delivery_message": "배송시 요구사항",
        "product_name": "상품명",
        "option": "옵션",
        "quantity": "수량",
        "amount": "결제금액",
    }
    assert suggest_mapping(["받는 사람", "배송 메세지", "전화"]) == {
        "recipient_name": "받는 사람",
        "delivery_message": "배송 메세지",
        "recipient_phone1": "전화",
    }


def test_generic_mapping_errors() -> None:
    data = mf.generic_csv()
    refused("unknown_format", data)
    refused("no_header", data, mapping={"order_no": "주문 ID"})
    refused("bad_mapping", data, mapping={"recipient_name": "받는분"})
    refused("bad_mapping", data, mapping={"order_no": "주문번호", "주민번호": "주소"})


def test_known_layout_wins_over_a_mapping() -> None:
    parsed = parse_file(mf.esm_xlsx(), mapping={"order_no": "주문번호"})
    assert parsed.format_id == "esm_shipping"


# ------------------------------------------------------------------ refusals


def empty_xlsx() -> bytes:
    buf = io.BytesIO()
    import xlsxwriter

    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.add_worksheet("Sheet1")
    book.close()
    return buf.getvalue()


def test_files_that_cannot_be_read_are_refused_with_the_right_code() -> None:
    good = mf.smartstore_xlsx()
    refused("empty", b"")
    refused("empty", empty_xlsx())
    refused("empty", b"\r\n\r\n  \r\n")
    refused("corrupt", good[: len(good) // 2])  # a truncated download
    refused("corrupt", good[:-10])
    refused("corrupt", b"PK\x03\x04" + bytes(200))
    refused("corrupt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    refused("no_orders", mf.xlsx(mf.COUPANG_V2, []))
    refused("too_few_columns", mf.xlsx(["이름", "나이"], [{"이름": "김민준", "나이": 30}]))
    refused("too_few_columns", b"this is just text\nnot an order file\n")
    four = ["이름", "나이", "취미", "사는 곳"]
    refused("unknown_format", mf.xlsx(four, [dict.fromkeys(four, "x")]))
    refused("html_disguised", "<html><body><table><tr><td>주문번호</td></tr></table>".encode())
    refused("not_spreadsheet", b"%PDF-1.7\n\x00\x01\x02binary")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    refused("not_spreadsheet", docx.getvalue())
    # An xlsb part rides along: calamine would fall back to its unchecked binary reader.
    with_xlsb = mf.rezip(good, lambda name, content: content)
    buffer = io.BytesIO(with_xlsb)
    with zipfile.ZipFile(buffer, "a") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    refused("not_spreadsheet", buffer.getvalue())
    refused("too_large", good, max_bytes=len(good) - 1)


def test_row_limits_apply_to_every_container() -> None:
    many = [dict(row) for row in mf.coupang_rows() for _ in range(5)]
    refused("too_many_rows", mf.xlsx(mf.COUPANG_V2, many), max_rows=5)
    text = mf.delimited(mf.GENERIC_HEADER, mf.generic_rows() * 5, encoding="utf-8")
    refused("too_many_rows", text, max_rows=5, mapping={"order_no": "주문번호"})
    assert len(parse_file(mf.xlsx(mf.COUPANG_V2, many), max_rows=20).rows) == 20


def test_a_text_file_of_separators_is_bounded_too() -> None:
    one_wide_line = "주문번호".encode() + b"," * 200_000
    with pytest.raises(FileRefused) as caught:
        read_table(one_wide_line, max_cells=100_000)
    assert caught.value.code == "too_many_cells"


def test_error_messages_never_contain_file_content() -> None:
    header = ["김민준", "010-2345-6789", "서울특별시 강남구 테헤란로 152"]
    error = refused("too_few_columns", mf.xlsx(header, [{"김민준": "x"}]))
    assert all(value not in str(error) + repr(error) for value in header)


# ------------------------------------------------------------------ bombs


def test_zip_bombs_are_refused_before_calamine_inflates_them() -> None:
    # Declared sizes past 500 MB (the default limit) are refused before any inflating.
    refused("too_large", mf.declared_zip_bomb())
    # Inflating for real, past min(20 x max_bytes, 500 MB): here 20 x 1 MB.
    refused("too_large", mf.honest_zip_bomb(inflated_mb=30), max_bytes=1024 * 1024)
    # A member that declares 1 KB and inflates to 20 MB.
    refused("too_large", mf.lying_zip_bomb())


def _one_cell(ref: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>'.encode()


def test_sparse_sheet_bombs_are_refused() -> None:
    base = mf.xlsx(["주문번호"], [{"주문번호": "1"}])
    a1 = b'<row r="1">' + _one_cell("A1") + b"</row>"
    # One cell far down: calamine would allocate the whole grid above it.
    far_down = a1 + b'<row r="300000">' + _one_cell("A300000") + b"</row>"
    refused("too_many_rows", mf.with_sheet_data(base, far_down))
    # A cell whose own reference lies about its row.
    lying = a1 + b'<row r="2">' + _one_cell("B900000") + b"</row>"
    refused("too_many_rows", mf.with_sheet_data(base, lying))
    # Within the row limit but far to the right: 150,000 x 16,384 cells.
    wide = a1 + b'<row r="150000">' + _one_cell("XFD150000") + b"</row>"
    refused("too_many_cells", mf.with_sheet_data(base, wide))
    # Cells without references, pushed down by empty rows.
    unnumbered = (
        b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' + b"</row>" + b"<row/>" * 250_000
    )
    refused("too_many_rows", mf.with_sheet_data(base, unnumbered))
    # ... and pushed right by empty cells, inside the row limit.
    wide_unnumbered = (
        (b"<row>" + b"<c></c>" * 3000 + b'<c t="inlineStr"><is><t>x</t></is></c></row>')
        + b'<row r="20000">'
        + _one_cell("A20000")
        + b"</row>"
    )
    refused("too_many_cells", mf.with_sheet_data(base, wide_unnumbered))
    # A formatted but empty cell far away is not data and is no reason to refuse.
    styled = (
        a1
        + b'<row r="2">'
        + _one_cell("A2")
        + b'</row><row r="900000"><c r="ZZ900000" s="1"/></row>'
    )
    assert read_table(mf.with_sheet_data(base, styled)).rows[1][0] == "x"


@pytest.mark.parametrize(
    "far_cell",
    [
        # calamine honours each of these spellings (checked with a near cell, C9).
        b'<c x=">" r="XFD150000" t="inlineStr">',
        b"<c r = 'XFD150000' t='inlineStr'>",
        b'<c foo=\' r="A1"\' r="XFD150000" t="inlineStr">',
        b'<c\nr="XFD150000"\nt="inlineStr">',
    ],
)
def test_sheet_guard_reads_attributes_like_an_xml_parser(far_cell: bytes) -> None:
    base = mf.xlsx(["주문번호"], [{"주문번호": "1"}])
    sheet = (
        b'<row r="1">'
        + _one_cell("A1")
        + b'</row><row r="150000">'
        + far_cell
        + b"<is><t>x</t></is></c></row>"
    )
    refused("too_many_cells", mf.with_sheet_data(base, sheet))


def test_ods_guard_reads_attributes_like_an_xml_parser() -> None:
    body = (
        mf.ods_row(["주문번호"])
        + "<table:table-row table:number-rows-repeated='100000'>"
        + "<table:table-cell/></table:table-row><table:table-row>"
        + "<table:table-cell foo=' table:number-columns-repeated=\"1\"' "
        + "table:number-columns-repeated='5000'/>"
        + mf.ods_cell("x")
        + "</table:table-row>"
    )
    refused("too_many_cells", mf.ods(body))


def test_ods_repeat_bomb_is_refused() -> None:
    body = (
        mf.ods_row(["주문번호"])
        + '<table:table-row table:number-rows-repeated="100000">'
        + "<table:table-cell/></table:table-row>"
        + '<table:table-row><table:table-cell table:number-columns-repeated="5000"/>'
        + mf.ods_cell("x")
        + "</table:table-row>"
    )
    refused("too_many_cells", mf.ods(body))
    # Dressed up as a broken xlsx: calamine fails on the xlsx and reads the ods (checked).
    buffer = io.BytesIO(mf.ods(body))
    with zipfile.ZipFile(buffer, "a") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<broken")
    refused("too_many_cells", buffer.getvalue())


# ------------------------------------------------------------------ cells


def test_cell_text_matches_what_excel_shows() -> None:
    assert cell_text(2024060112345678.0) == "2024060112345678"
    assert cell_text(42900.0) == "42900"
    assert cell_text(12000.5) == "12000.5"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(1e-5) == "0.00001"
    assert cell_text(None) == ""
    assert cell_text(True) == "TRUE"
    assert cell_text(dt.date(2024, 6, 1)) == "2024-06-01"
    assert cell_text(dt.datetime(2024, 6, 1, 13, 5)) == "2024-06-01 13:05:00"
    assert cell_text(dt.datetime(2024, 6, 1, 13, 4, 59, 999_600)) == "2024-06-01 13:05:00"
    assert cell_text(dt.datetime(2024, 6, 1)) == "2024-06-01"
    assert cell_text(dt.time(9, 30)) == "09:30:00"
    assert cell_text(dt.timedelta(hours=26, minutes=3)) == "26:03:00"


# ------------------------------------------------------------------ fuzzing

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SEED_XLSX = mf.coupang_xlsx()
_SEED_XLS = mf.esm_new_orders_xls()
_SEED_SHEET = zipfile.ZipFile(io.BytesIO(_SEED_XLSX)).read("xl/worksheets/sheet1.xml")


def only_refusals(data: bytes, **kwargs: object) -> None:
    with contextlib.suppress(FileRefused):
        parse_file(data, **kwargs)  # type: ignore[arg-type]


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_only_ever_refuse(data: bytes) -> None:
    only_refusals(data)
    only_refusals(b"PK\x03\x04" + data)
    only_refusals(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data, password="x")


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(_SEED_XLSX) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, len(_SEED_XLSX)),
)
def test_mutated_xlsx_bytes_only_ever_refuse(flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(_SEED_XLSX)
    for position, value in flips:
        data[position] = value
    only_refusals(bytes(data))
    only_refusals(bytes(data[:cut]))


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(_SEED_XLS) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, len(_SEED_XLS)),
)
def test_mutated_xls_bytes_only_ever_refuse(flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(_SEED_XLS)
    for position, value in flips:
        data[position] = value
    only_refusals(bytes(data))
    only_refusals(bytes(data[:cut]))


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(_SEED_SHEET) - 1), st.binary(min_size=0, max_size=6)),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_sheet_xml_only_ever_refuses(edits: list[tuple[int, bytes]]) -> None:
    # Valid zip, valid CRCs, broken XML: this reaches calamine's XML parser itself.
    sheet = bytearray(_SEED_SHEET)
    for position, replacement in edits:
        sheet[position : position + len(replacement)] = replacement
    data = mf.rezip(
        _SEED_XLSX,
        lambda name, content: bytes(sheet) if name == "xl/worksheets/sheet1.xml" else content,
    )
    only_refusals(data)


@FUZZ
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-16", "cp949"]))
def test_random_text_only_ever_refuses_or_parses(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="ignore")
    only_refusals(data)
    only_refusals(data, mapping={"order_no": text[:5] or "주문번호"})
