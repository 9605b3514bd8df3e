"""Builders for realistic marketplace order files (test data, not tests).

Header strings are copied here independently from /work/shared/spec/marketplace-formats.txt
rather than imported from the importer modules, so that a typo in an importer's layout
shows up as a failing test instead of being mirrored into the test data.
All people, phones and addresses are invented.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from msoffcrypto.format.ooxml import OOXMLFile

Cell = str | int | float | dt.datetime | None

# --- exact header lists ------------------------------------------------------------------

SMARTSTORE_V2 = [
    "상품주문번호", "주문번호", "배송속성", "풀필먼트사(주문 기준)", "배송방법(구매자 요청)",
    "배송방법", "택배사", "송장번호", "발송일", "판매채널", "구매자명", "구매자ID", "수취인명",
    "주문상태", "주문세부상태", "결제위치", "결제일", "상품번호", "상품명", "상품종류",
    "반품안심케어", "옵션정보", "옵션관리코드", "수량", "옵션가격", "상품가격", "상품별 할인액",
    "판매자 부담 할인액", "상품별 총 주문금액", "사은품", "발주확인일", "발송기한", "발송처리일",
    "송장출력일", "배송비 형태", "배송비 묶음번호", "배송비 유형", "배송비 합계",
    "제주/도서 추가배송비", "배송비 할인액", "판매자 상품코드", "판매자 내부코드1",
    "판매자 내부코드2", "수취인연락처1", "수취인연락처2", "통합배송지", "기본배송지", "상세배송지",
    "구매자연락처", "우편번호", "배송메세지", "출고지", "결제수단", "수수료 과금구분",
    "수수료결제방식", "네이버페이 주문관리 수수료", "매출연동 수수료", "정산예정금액",
    "매출연동수수료 유입경로", "개인통관고유부호", "주문일시", "구독신청회차", "구독진행회차",
    "배송희망일", "스토어명",
]  # fmt: skip

SMARTSTORE_V1 = [
    "상품주문번호", "주문번호", "배송방법(구매자 요청)", "배송방법", "택배사", "송장번호",
    "발송일", "판매채널", "구매자명", "구매자ID", "수취인명", "주문상태", "주문세부상태",
    "결제위치", "결제일", "상품번호", "상품명", "상품종류", "옵션정보", "옵션관리코드", "수량",
    "옵션가격", "상품가격", "상품별 할인액", "판매자 부담 할인액", "상품별 총 주문금액", "사은품",
    "발주확인일", "발송기한", "발송처리일", "송장출력일", "배송비 형태", "배송비 묶음번호",
    "배송비 유형", "배송비 합계", "제주/도서 추가배송비", "배송비 할인액", "판매자 상품코드",
    "판매자 내부코드1", "판매자 내부코드2", "수취인연락처1", "수취인연락처2", "배송지",
    "구매자연락처", "우편번호", "배송메세지", "출고지", "결제수단", "수수료 과금구분",
    "수수료결제방식", "결제수수료", "매출연동 수수료", "매출연동 수수료 구분", "정산예정금액",
    "유입경로", "구매자 주민등록번호", "개인통관고유부호", "주문일시", "배송속성", "배송희망일",
    "(수취인연락처1)", "(수취인연락처2)", "(우편번호)", "(기본주소)", "(상세주소)",
    "(구매자연락처)",
]  # fmt: skip

COUPANG_V2 = [
    "번호", "묶음배송번호", "주문번호", "택배사", "운송장번호", "분리배송 Y/N",
    "분리배송 출고예정일", "주문시 출고예정일", "출고일(발송일)", "주문일", "등록상품명",
    "등록옵션명", "노출상품명(옵션명)", "노출상품ID", "옵션ID", "최초등록옵션명", "업체상품코드",
    "바코드", "결제액", "배송비구분", "배송비", "도서산간 추가배송비", "구매수(수량)",
    "옵션판매가(판매단가)", "구매자", "구매자전화번호", "수취인이름", "수취인전화번호", "우편번호",
    "수취인 주소", "배송메세지", "상품별 추가메시지", "주문자 추가메시지", "배송완료일",
    "구매확정일자", "개인통관번호(PCCC)", "통관용구매자전화번호", "기타", "결제위치",
]  # fmt: skip

COUPANG_2019 = [
    "묶음배송번호", "주문번호", "택배사", "운송장번호", "분리배송 Y/N", "주문시 출고예정일",
    "주문일", "등록상품명", "등록옵션명", "노출상품명(옵션명)", "노출상품ID", "옵션ID",
    "최초등록옵션명", "업체상품코드", "결제액", "배송비구분", "배송비", "도서산간 추가배송비",
    "구매수(수량)", "옵션판매가(판매단가)", "구매자", "구매자이메일", "구매자전화번호",
    "수취인이름", "수취인전화번호", "우편번호", "수취인 주소", "배송메세지", "결제위치",
    "취소여부", "취소수량", "분리배송가능여부", "배송완료일", "출고일", "주문자 연락처",
    "구매확정일자", "할인 가격", "상품별 개별 입력 항목", "업체상품옵션 추가 정보", "환불대기수량",
    "운송장번호 업로드 일시", "실제 출고예정일", "쿠런티", "업체상품 아이디", "중고 상품 여부",
    "결제일시", "수취인 연락처", "도서산간여부", "발주서상태",
]  # fmt: skip

ESM_SHIPPING = [
    "아이디", "발송일자", "주문번호", "상품번호", "배송상태", "판매금액", "판매단가", "구매자명",
    "구매자ID", "상품명", "수량", "주문옵션", "추가구성", "사은품", "수령인명", "수령인 휴대폰",
    "수령인 전화번호", "우편번호", "주소", "배송시 요구사항", "배송번호", "배송비", "배송비 금액",
    "택배사명(발송방법)", "송장번호", "구매자 휴대폰", "구매자 전화번호", "장바구니번호(결제번호)",
    "발송예정일", "배송지연사유", "배송완료일자", "상품미수령 신고일자", "상품미수령 신고사유",
    "상품미수령 상세사유", "상품미수령 철회 요청일자", "상품미수령 이의제기일자", "판매자 관리코드",
    "판매자 상세관리코드", "주문확인일자", "서비스이용료", "정산예정금액", "판매자쿠폰할인",
    "스마일포인트적립", "일시불할인", "(옥션)복수구매할인", "(옥션)우수회원할인", "판매방식",
    "주문일자(결제확인전)", "결제완료일", "재배송택배사명", "재배송지 우편번호", "재배송지 주소",
    "재배송운송장번호", "배송구분", "주문종류", "SKU번호 및 수량", "제휴사명",
]  # fmt: skip

ESM_NEW_ORDERS = [
    "주문번호", "구매자명", "수령인명", "수령인 휴대폰", "수령인 전화번호", "우편번호", "주소",
    "배송시 요구사항", "상품번호", "상품명", "옵션", "추가구성", "수량", "판매금액", "판매단가",
    "배송비 금액", "판매자 관리코드", "수령인 통관정보", "판매아이디",
]  # fmt: skip

ELEVENST = [
    "주문번호", "상품번호", "상품명", "옵션", "수량", "구매자", "구매자ID", "수취인",
    "휴대폰번호", "전화번호", "우편번호", "주소", "배송메시지", "주문일시", "결제일시", "주문금액",
    "판매자기본할인금액", "판매자 추가할인금액", "서비스이용료", "정산예정금액", "배송비",
]  # fmt: skip
# The alternate spellings seen in other 11st downloads.
ELEVENST_ALT = [{"수취인": "받는분", "휴대폰번호": "수취인연락처"}.get(h, h) for h in ELEVENST]

SMARTSTORE_INSTRUCTION = (
    "◈ 다운로드 받은 파일로 '엑셀 일괄발송' 처리하는 방법 : 1행을 삭제한 뒤 "
    "택배사와 송장번호를 입력하고 '발송처리' 시트로 저장해 업로드하세요."
)
ELEVENST_GUIDANCE = [
    "※ 주문 정보는 개인정보이므로 배송 목적 외에 사용할 수 없습니다.",
    "※ 발송처리 후 송장번호 수정은 셀러오피스에서만 가능합니다.",
]

# --- invented orders ---------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    phone2: str
    postcode: str
    base: str
    detail: str


PEOPLE = [
    Person("김민준", "010-2345-6789", "02-555-1234", "06236", "서울특별시 강남구 테헤란로 152",
           "강남파이낸스센터 12층"),
    Person("이서연", "010-9876-5432", "", "48058", "부산광역시 해운대구 센텀중앙로 79",
           "센텀스카이비즈 1203호"),
    Person("박지호", "010-1111-2222", "031-777-8888", "13529", "경기도 성남시 분당구 판교역로 235",
           "에이치스퀘어 N동 7층"),
    Person("최하은", "010-3030-4040", "", "63309", "제주특별자치도 제주시 첨단로 242",
           "101동 202호"),
]  # fmt: skip
BUYERS = ["정우진", "한소희", "윤도현", "장미란"]
PRODUCTS = [
    ("유기농 현미 10kg", "중량: 10kg / 도정: 7분도", 1, 42900),
    ("무선 블루투스 이어폰", "색상: 화이트", 2, 59800),
    ("수제 딸기잼 500g", "", 3, 26700),
    ("스테인리스 텀블러 473ml", "색상: 미드나잇 블랙 / 각인: 없음", 1, 18500),
]
MESSAGES = ["부재 시 문 앞에 놓아주세요", "경비실에 맡겨주세요", "", "배송 전 연락 바랍니다"]
PAID = [dt.datetime(2024, 6, 1, 9, 15, 30), dt.datetime(2024, 6, 1, 13, 5),
        dt.datetime(2024, 6, 2, 0, 0), dt.datetime(2024, 6, 2, 22, 41, 7)]  # fmt: skip


def order_count() -> int:
    return len(PEOPLE)


# --- xlsx writing -------------------------------------------------------------------------


def xlsx(
    header: Sequence[str],
    rows: Sequence[dict[str, Cell]],
    *,
    above: Sequence[Sequence[Cell]] = (),
    sheet_name: str = "Sheet1",
    extra_sheets: Sequence[str] = (),
) -> bytes:
    """An xlsx whose first visible sheet holds `above` rows, the header, then `rows`."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    for name in extra_sheets:  # hidden sheets before the data, to test sheet choice
        hidden = book.add_worksheet(name)
        hidden.write(0, 0, "숨김 시트")
        hidden.hide()
    sheet = book.add_worksheet(sheet_name)
    sheet.activate()  # Excel cannot hide the active sheet, so the data sheet is active
    datetime_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    for line in above:
        for c, value in enumerate(line):
            _write(sheet, r, c, value, datetime_format, date_format)
        r += 1
    for c, name in enumerate(header):
        sheet.write_string(r, c, name)
    for row in rows:
        r += 1
        for c, name in enumerate(header):
            _write(sheet, r, c, row.get(name), datetime_format, date_format)
    book.close()
    return buf.getvalue()


def _write(sheet: Any, r: int, c: int, value: Cell, dt_format: Any, d_format: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, dt.datetime):
        fmt = d_format if value.time() == dt.time(0) else dt_format
        sheet.write_datetime(r, c, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, value)


# --- one builder per layout ---------------------------------------------------------------


def smartstore_rows(*, old_layout: bool = False) -> list[dict[str, Cell]]:
    rows: list[dict[str, Cell]] = []
    for i, (p, buyer, (product, option, qty, amount), message, paid) in enumerate(
        zip(PEOPLE, BUYERS, PRODUCTS, MESSAGES, PAID, strict=True)
    ):
        product_order_no = 2024060112345678 + i
        row: dict[str, Cell] = {
            # Half the numbers are stored as numbers, as when a seller re-saves in Excel.
            "상품주문번호": product_order_no if i % 2 == 0 else str(product_order_no),
            "주문번호": 2024060198765400 + i if i % 2 == 0 else str(2024060198765400 + i),
            "배송방법(구매자 요청)": "택배,등기,소포",
            "배송방법": "택배,등기,소포",
            "택배사": "CJ대한통운" if i == 3 else "",
            "송장번호": 612345678901 if i == 3 else "",
            "판매채널": "스마트스토어",
            "구매자명": buyer,
            "구매자ID": f"buyer{i:02d}****",
            "수취인명": p.name,
            "주문상태": "결제완료",
            "주문세부상태": "발송대기",
            "결제위치": "MOBILE",
            "결제일": paid,
            "상품번호": 8812345670 + i,
            "상품명": product,
            "상품종류": "조합형옵션상품",
            "옵션정보": option,
            "수량": qty,
            "상품가격": amount // qty,
            "상품별 총 주문금액": amount,
            "발송기한": dt.datetime(2024, 6, 4),
            "배송비 묶음번호": 2024060155500 + i,
            "배송비 합계": 3000,
            "수취인연락처1": p.phone,
            "수취인연락처2": p.phone2,
            "구매자연락처": "010-5555-000" + str(i),
            "우편번호": p.postcode,
            "배송메세지": message,
            "출고지": "경기도 김포시 대곶면 물류로 1",
            "결제수단": "신용카드",
            "개인통관고유부호": "P123456789012" if i == 1 else "",
            "주문일시": paid.strftime("%Y-%m-%d %H:%M:%S"),
        }
        if old_layout:
            row["배송지"] = f"{p.base} {p.detail}"
            # The combined columns hold the safe number; the parenthesised ones the raw parts.
            row["수취인연락처1"] = "0505-100-200" + str(i)
            if i != 2:  # one row without the raw parts: 배송지 must be used instead
                row.update({
                    "(수취인연락처1)": p.phone, "(수취인연락처2)": p.phone2,
                    "(우편번호)": p.postcode, "(기본주소)": p.base, "(상세주소)": p.detail,
                    "(구매자연락처)": "010-5555-000" + str(i),
                })  # fmt: skip
            row["구매자 주민등록번호"] = "800101-1******" if i == 0 else ""
        else:
            row.update({
                "배송속성": "일반배송", "통합배송지": f"{p.base} {p.detail}",
                "기본배송지": p.base, "상세배송지": p.detail, "스토어명": "지킴상회",
            })  # fmt: skip
        rows.append(row)
    return rows


def smartstore_xlsx(*, old_layout: bool = False, sheet_name: str = "발주발송관리") -> bytes:
    header = SMARTSTORE_V1 if old_layout else SMARTSTORE_V2
    return xlsx(
        header,
        smartstore_rows(old_layout=old_layout),
        above=[[SMARTSTORE_INSTRUCTION]],
        sheet_name=sheet_name,
    )


def coupang_rows(*, old_layout: bool = False) -> list[dict[str, Cell]]:
    rows: list[dict[str, Cell]] = []
    for i, (p, buyer, (product, option, qty, amount), message, paid) in enumerate(
        zip(PEOPLE, BUYERS, PRODUCTS, MESSAGES, PAID, strict=True)
    ):
        row: dict[str, Cell] = {
            "번호": i + 1,
            "묶음배송번호": 412345678900 + i,
            "주문번호": 12000123456780 + i,
            "택배사": "CJ 대한통운" if i == 0 else "",
            "운송장번호": "",
            "분리배송 Y/N": "분리배송가능",
            "주문시 출고예정일": "2024-06-04",
            "주문일": paid,
            "등록상품명": product,
            "등록옵션명": option,
            "노출상품명(옵션명)": f"{product}, {option}" if option else product,
            "노출상품ID": 7012345600 + i,
            "옵션ID": 87012345670 + i,
            "최초등록옵션명": option,
            "결제액": amount,
            "배송비구분": "무료",
            "배송비": 0,
            "구매수(수량)": qty,
            "옵션판매가(판매단가)": amount // qty,
            "구매자": buyer,
            "구매자전화번호": "0502-1234-000" + str(i),
            "수취인이름": p.name,
            "수취인전화번호": p.phone,
            "우편번호": p.postcode,
            "수취인 주소": f"{p.base} {p.detail}",
            "배송메세지": message,
            "배송완료일": dt.datetime(2024, 6, 5, 14, 2, 11) if i == 0 else "",
            "구매확정일자": "",
            "개인통관번호(PCCC)": "P987654321098" if i == 2 else "",
            "통관용구매자전화번호": "010-6666-7777" if i == 2 else "",
            "결제위치": "APP",
        }
        if old_layout:
            row.update({
                "구매자이메일": f"b{i}@example.com", "출고일": "", "결제일시": paid,
                "수취인 연락처": p.phone2, "발주서상태": "ACCEPT", "주문자 연락처": "",
            })  # fmt: skip
        rows.append(row)
    return rows


def coupang_xlsx(*, old_layout: bool = False, variant_spelling: bool = False) -> bytes:
    header = list(COUPANG_2019 if old_layout else COUPANG_V2)
    rows = coupang_rows(old_layout=old_layout)
    if variant_spelling:
        header = ["최초등록등록상품명/옵션명" if h == "최초등록옵션명" else h for h in header]
        for row in rows:
            row["최초등록등록상품명/옵션명"] = row.pop("최초등록옵션명")
        rows[1]["등록옵션명"] = ""  # so the option must come from the variant column
    return xlsx(header, rows, sheet_name="Delivery")


def esm_rows(*, new_orders: bool = False) -> list[dict[str, Cell]]:
    rows: list[dict[str, Cell]] = []
    for i, (p, buyer, (product, option, qty, amount), message, paid) in enumerate(
        zip(PEOPLE, BUYERS, PRODUCTS, MESSAGES, PAID, strict=True)
    ):
        row: dict[str, Cell] = {
            "주문번호": 3912345670 + i,
            "구매자명": buyer,
            "수령인명": p.name,
            "수령인 휴대폰": p.phone,
            "수령인 전화번호": p.phone2,
            "우편번호": p.postcode,
            "주소": f"{p.base} {p.detail}",
            "배송시 요구사항": message,
            "상품번호": "C" + str(512345678 + i),
            "상품명": product,
            "수량": qty,
            "판매금액": amount,
            "판매단가": amount // qty,
            "배송비 금액": 2500,
        }
        if new_orders:
            row.update({"옵션": option, "판매아이디": "jikimshop",
                        "수령인 통관정보": "P111122223333" if i == 3 else ""})  # fmt: skip
        else:
            row.update({
                "아이디": "jikimshop", "발송일자": dt.datetime(2024, 6, 3, 17, 0),
                "배송상태": "배송중", "구매자ID": f"esmbuyer{i}", "주문옵션": option,
                "배송번호": 70012345 + i, "택배사명(발송방법)": "롯데택배",
                "송장번호": 233445566778 + i, "구매자 휴대폰": "010-7000-800" + str(i),
                "장바구니번호(결제번호)": 1988877700 + i // 2,
                "주문일자(결제확인전)": paid, "결제완료일": paid,
                "배송완료일자": dt.datetime(2024, 6, 5) if i == 0 else "",
            })  # fmt: skip
        rows.append(row)
    return rows


def esm_xlsx(*, new_orders: bool = False) -> bytes:
    header = ESM_NEW_ORDERS if new_orders else ESM_SHIPPING
    return xlsx(header, esm_rows(new_orders=new_orders))


def elevenst_rows(*, alt: bool = False) -> list[dict[str, Cell]]:
    rows: list[dict[str, Cell]] = []
    for i, (p, buyer, (product, option, qty, amount), message, paid) in enumerate(
        zip(PEOPLE, BUYERS, PRODUCTS, MESSAGES, PAID, strict=True)
    ):
        rows.append({
            "주문번호": 202406010000100 + i, "상품번호": 4012345678 + i, "상품명": product,
            "옵션": option, "수량": qty, "구매자": buyer, "구매자ID": f"st{i}***",
            ("받는분" if alt else "수취인"): p.name,
            ("수취인연락처" if alt else "휴대폰번호"): p.phone,
            "전화번호": p.phone2, "우편번호": p.postcode, "주소": f"{p.base} {p.detail}",
            "배송메시지": message, "주문일시": paid, "결제일시": paid, "주문금액": amount,
            "배송비": 0,
        })  # fmt: skip
    return rows


def elevenst_xlsx(*, alt: bool = False) -> bytes:
    header = ELEVENST_ALT if alt else ELEVENST
    above: list[list[Cell]] = [[line] for line in ELEVENST_GUIDANCE]
    return xlsx(header, elevenst_rows(alt=alt), above=above)


# --- containers: encryption, text, ODS, damaged and hostile files ----------------------


def encrypt(data: bytes, password: str) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


GENERIC_HEADER = ["주문번호", "받는분", "받는분 연락처", "우편번호", "주소", "상품명", "수량",
                  "배송메시지"]  # fmt: skip


def generic_rows() -> list[list[str]]:
    rows = []
    for i, (p, (product, _option, qty, _amount), message) in enumerate(
        zip(PEOPLE, PRODUCTS, MESSAGES, strict=True)
    ):
        rows.append([f"JK-2406-{i:04d}", p.name, p.phone, p.postcode,
                     f"{p.base} {p.detail}", product, str(qty), message])  # fmt: skip
    return rows


def delimited(
    header: Sequence[str], rows: Sequence[Sequence[Any]], *, encoding: str, delimiter: str = ","
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def generic_csv(encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    return delimited(GENERIC_HEADER, generic_rows(), encoding=encoding, delimiter=delimiter)


def coupang_csv(encoding: str = "cp949") -> bytes:
    rows = coupang_rows()
    return delimited(
        COUPANG_V2,
        [[_text(row.get(h)) for h in COUPANG_V2] for row in rows],
        encoding=encoding,
    )


def _text(value: Cell) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else str(value)


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(table_xml: str) -> bytes:
    """A minimal OpenDocument spreadsheet around one table's rows."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        z.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
            'office:version="1.2"><office:body><office:spreadsheet>'
            f'<table:table table:name="주문">{table_xml}</table:table>'
            "</office:spreadsheet></office:body></office:document-content>",
        )
    return out.getvalue()


def ods_cell(value: str | int) -> str:
    if isinstance(value, int):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def ods_row(cells: Sequence[str | int]) -> str:
    return "<table:table-row>" + "".join(ods_cell(c) for c in cells) + "</table:table-row>"


def esm_new_orders_ods() -> bytes:
    rows = esm_rows(new_orders=True)
    body = ods_row(ESM_NEW_ORDERS)
    for row in rows:
        body += ods_row([_ods_value(row.get(h)) for h in ESM_NEW_ORDERS])
    # LibreOffice pads every sheet like this; it must not count as data.
    body += (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    return ods(body)


def _ods_value(value: Cell) -> str | int:
    if isinstance(value, int):
        return value
    return _text(value)


def rezip(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """Rewrite every member of a zip through `change(name, content)`, CRCs kept valid."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info)))
    return out.getvalue()


def with_sheet_data(data: bytes, sheet_data: bytes) -> bytes:
    """Replace the first worksheet's <sheetData> of an xlsx with `sheet_data`."""

    def change(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        start = content.index(b"<sheetData")
        end = content.index(b"</sheetData>") + len(b"</sheetData>")
        return content[:start] + b"<sheetData>" + sheet_data + b"</sheetData>" + content[end:]

    return rezip(data, change)


def honest_zip_bomb(inflated_mb: int = 520) -> bytes:
    """A valid xlsx plus a member that really inflates to `inflated_mb` MB of zeros."""
    base = xlsx(["주문번호"], [{"주문번호": "1"}])
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open("xl/media/image1.png", "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(inflated_mb):
                member.write(block)
    return out.getvalue()


def declared_zip_bomb(declared: int = 600 * 1024 * 1024) -> bytes:
    """A valid xlsx whose central directory claims one member inflates to `declared` bytes."""
    data = bytearray(xlsx(["주문번호"], [{"주문번호": "1"}]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/styles.xml")
    record = data.rindex(b"PK\x01\x02", 0, data.rindex(info.filename.encode()))
    data[record + 24 : record + 28] = struct.pack("<I", declared)
    return bytes(data)


def lying_zip_bomb() -> bytes:
    """A valid xlsx with a member that declares 1 KB but inflates to 20 MB.

    Python's zipfile (and some other readers) stop at the declared size; a reader that
    trusts the deflate stream instead keeps inflating.
    """
    base = xlsx(["주문번호"], [{"주문번호": "1"}])
    payload = bytes(20 * 1024 * 1024)
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/media/image1.png", payload)
    data = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/media/image1.png")
    fake_crc = struct.pack("<I", zlib.crc32(payload[:1024]))
    fake_size = struct.pack("<I", 1024)
    local = info.header_offset
    data[local + 14 : local + 18] = fake_crc
    data[local + 22 : local + 26] = fake_size
    record = data.rindex(b"PK\x01\x02", 0, data.rindex(info.filename.encode()))
    data[record + 16 : record + 20] = fake_crc
    data[record + 24 : record + 28] = fake_size
    return bytes(data)


# --- legacy .xls (BIFF8 in an OLE2 compound file), written by hand: no xls writer ----------


def legacy_xls(rows: Sequence[Sequence[str | int | float | None]], sheet: str = "Sheet1") -> bytes:
    """A minimal BIFF8 workbook: LABEL and NUMBER cells, one visible worksheet."""
    return compound_file(biff8_stream(rows, sheet))


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(substream: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 0x06))


def biff8_stream(rows: Sequence[Sequence[str | int | float | None]], sheet: str) -> bytes:
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                text = struct.pack("<HB", len(value), 1) + value.encode("utf-16-le")
                cells += _record(0x0204, struct.pack("<HHH", r, c, 0) + text)  # LABEL
            else:
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))  # NUMBER
    width = max(len(row) for row in rows)
    dimensions = _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
    worksheet = _bof(0x0010) + dimensions + cells + _record(0x000A, b"")
    name = struct.pack("<BB", len(sheet), 1) + sheet.encode("utf-16-le")
    # An unknown record pads the stream past 4 KB, so it lives in regular sectors and the
    # compound file needs no mini stream.
    padding = _record(0x08C8, bytes(4000))

    def workbook_globals(sheet_offset: int) -> bytes:
        boundsheet = _record(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + name)
        codepage = _record(0x0042, struct.pack("<H", 1200))
        return _bof(0x0005) + codepage + boundsheet + padding + _record(0x000A, b"")

    globals_ = workbook_globals(0)
    return workbook_globals(len(globals_)) + worksheet


def compound_file(stream: bytes) -> bytes:
    sector = 512
    count = -(-len(stream) // sector)
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end] + [3 + i for i in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1 if name else 0, free, free, child)
            + bytes(36)
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, 1, end, 0)
        + entry("Workbook", 2, free, 2, len(stream))
        + entry("", 0, free, 0, 0) * 2
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    padded = stream + bytes(count * sector - len(stream))
    return header + struct.pack("<128I", *fat) + directory + padded


def esm_new_orders_xls() -> bytes:
    rows: list[list[str | int | float | None]] = [list(ESM_NEW_ORDERS)]
    for row in esm_rows(new_orders=True):
        rows.append([_xls_value(row.get(h)) for h in ESM_NEW_ORDERS])
    return legacy_xls(rows)


def _xls_value(value: Cell) -> str | int | float | None:
    if isinstance(value, int | float):
        return value
    return _text(value) or None
