"""Naver Smartstore 발주발송관리 / 배송현황관리 downloads.

Row 1 is an instruction line ("◈ 다운로드 받은 파일로 '엑셀 일괄발송' 처리하는 방법"), the
header is row 2. 상품주문번호 is Naver's own per-line number and keys the line.
"""

from __future__ import annotations

from .base import Layout

MARKETPLACE = "smartstore"

# 1a: the current 65-column layout (header strings exactly as downloaded).
COLUMNS_V2 = (
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
)  # fmt: skip

# 1b: the older layout: one 배송지 column, then trailing parenthesised columns holding the
# contact details split into parts.
COLUMNS_V1 = (
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
)  # fmt: skip

_COMMON_FIELDS: dict[str, tuple[str, ...]] = {
    "order_no": ("주문번호",),
    "product_name": ("상품명",),
    "option": ("옵션정보",),
    "quantity": ("수량",),
    "amount": ("상품별 총 주문금액",),
    "ordered_at": ("주문일시",),
    "paid_at": ("결제일",),
    "status": ("주문세부상태", "주문상태"),
    "recipient_name": ("수취인명",),
    "recipient_phone1": ("수취인연락처1",),
    "recipient_phone2": ("수취인연락처2",),
    "recipient_postcode": ("우편번호",),
    "delivery_message": ("배송메세지",),
    "buyer_name": ("구매자명",),
    "buyer_phone": ("구매자연락처",),
    "customs_code": ("개인통관고유부호",),
    "courier": ("택배사",),
    "tracking_no": ("송장번호",),
    "shipped_at": ("발송일", "발송처리일"),
}

SMARTSTORE_V2 = Layout(
    format_id="smartstore_v2",
    name="네이버 스마트스토어 발주발송관리 (65열)",
    marketplace=MARKETPLACE,
    columns=COLUMNS_V2,
    required=(
        frozenset({"상품주문번호"}),
        frozenset({"주문번호"}),
        frozenset({"수취인명"}),
        frozenset({"기본배송지", "통합배송지"}),
    ),
    fields=_COMMON_FIELDS,
    product_order_key=(("상품주문번호",),),
    addresses=(("기본배송지", "상세배송지"), ("통합배송지", None)),
)

# In 1b the parenthesised columns are the raw contact parts; where present they win over
# the combined columns (배송지 is base and detail run together).
SMARTSTORE_V1 = Layout(
    format_id="smartstore_v1",
    name="네이버 스마트스토어 발주발송관리 (구 양식)",
    marketplace=MARKETPLACE,
    columns=COLUMNS_V1,
    required=(
        frozenset({"상품주문번호"}),
        frozenset({"주문번호"}),
        frozenset({"수취인명"}),
        frozenset({"배송지", "(기본주소)"}),
    ),
    fields={
        **_COMMON_FIELDS,
        "recipient_phone1": ("(수취인연락처1)", "수취인연락처1"),
        "recipient_phone2": ("(수취인연락처2)", "수취인연락처2"),
        "recipient_postcode": ("(우편번호)", "우편번호"),
        "buyer_phone": ("(구매자연락처)", "구매자연락처"),
    },
    product_order_key=(("상품주문번호",),),
    addresses=(("(기본주소)", "(상세주소)"), ("배송지", None)),
)

LAYOUTS = (SMARTSTORE_V2, SMARTSTORE_V1)
