"""Coupang Wing 배송목록 (DeliveryList) downloads; the header is row 1.

Coupang has no per-line order number. A line is one option (옵션ID = vendorItemId) of one
order, so the key is "주문번호-옵션ID": it survives re-downloads, unlike 묶음배송번호, which
changes when a seller splits a shipment, and unlike 노출상품ID, which two options of the
same product share. 노출상품ID is the fallback only for rows whose 옵션ID cell is empty.
"""

from __future__ import annotations

from .base import Layout

MARKETPLACE = "coupang"

# 2a: the current 39-column layout.
COLUMNS_V2 = (
    "번호", "묶음배송번호", "주문번호", "택배사", "운송장번호", "분리배송 Y/N",
    "분리배송 출고예정일", "주문시 출고예정일", "출고일(발송일)", "주문일", "등록상품명",
    "등록옵션명", "노출상품명(옵션명)", "노출상품ID", "옵션ID", "최초등록옵션명", "업체상품코드",
    "바코드", "결제액", "배송비구분", "배송비", "도서산간 추가배송비", "구매수(수량)",
    "옵션판매가(판매단가)", "구매자", "구매자전화번호", "수취인이름", "수취인전화번호", "우편번호",
    "수취인 주소", "배송메세지", "상품별 추가메시지", "주문자 추가메시지", "배송완료일",
    "구매확정일자", "개인통관번호(PCCC)", "통관용구매자전화번호", "기타", "결제위치",
)  # fmt: skip
# Column 16 is spelled this way in some downloads.
VARIANT_FIRST_OPTION = "최초등록등록상품명/옵션명"

# 2b: the 2019 layout (no 번호 column).
COLUMNS_2019 = (
    "묶음배송번호", "주문번호", "택배사", "운송장번호", "분리배송 Y/N", "주문시 출고예정일",
    "주문일", "등록상품명", "등록옵션명", "노출상품명(옵션명)", "노출상품ID", "옵션ID",
    "최초등록옵션명", "업체상품코드", "결제액", "배송비구분", "배송비", "도서산간 추가배송비",
    "구매수(수량)", "옵션판매가(판매단가)", "구매자", "구매자이메일", "구매자전화번호",
    "수취인이름", "수취인전화번호", "우편번호", "수취인 주소", "배송메세지", "결제위치",
    "취소여부", "취소수량", "분리배송가능여부", "배송완료일", "출고일", "주문자 연락처",
    "구매확정일자", "할인 가격", "상품별 개별 입력 항목", "업체상품옵션 추가 정보", "환불대기수량",
    "운송장번호 업로드 일시", "실제 출고예정일", "쿠런티", "업체상품 아이디", "중고 상품 여부",
    "결제일시", "수취인 연락처", "도서산간여부", "발주서상태",
)  # fmt: skip

_FIELDS: dict[str, tuple[str, ...]] = {
    "order_no": ("주문번호",),
    "product_name": ("등록상품명", "노출상품명(옵션명)"),
    "option": ("등록옵션명", "최초등록옵션명", VARIANT_FIRST_OPTION),
    "quantity": ("구매수(수량)",),
    "amount": ("결제액",),
    "ordered_at": ("주문일",),
    "paid_at": ("결제일시",),
    "status": ("발주서상태",),
    "recipient_name": ("수취인이름",),
    # 수취인전화번호 is the safe number Coupang prints on labels; 수취인 연락처 (2019 only)
    # is the number the recipient typed.
    "recipient_phone1": ("수취인전화번호",),
    "recipient_phone2": ("수취인 연락처",),
    "recipient_postcode": ("우편번호",),
    "delivery_message": ("배송메세지",),
    "buyer_name": ("구매자",),
    "buyer_phone": ("구매자전화번호", "주문자 연락처"),
    "customs_code": ("개인통관번호(PCCC)",),
    "courier": ("택배사",),
    "tracking_no": ("운송장번호",),
    "shipped_at": ("출고일(발송일)", "출고일"),
    "delivered_at": ("배송완료일",),
    "purchase_confirmed_at": ("구매확정일자",),
}
_REQUIRED = (
    frozenset({"묶음배송번호"}),
    frozenset({"주문번호"}),
    frozenset({"수취인이름"}),
    frozenset({"수취인 주소"}),
)
_KEY = (("주문번호", "옵션ID"), ("주문번호", "노출상품ID"))

COUPANG_V2 = Layout(
    format_id="coupang_v2",
    name="쿠팡 Wing 배송목록 (39열)",
    marketplace=MARKETPLACE,
    columns=(*COLUMNS_V2, VARIANT_FIRST_OPTION),
    required=_REQUIRED,
    fields=_FIELDS,
    product_order_key=_KEY,
    addresses=(("수취인 주소", None),),
)

COUPANG_2019 = Layout(
    format_id="coupang_2019",
    name="쿠팡 Wing 배송목록 (2019 양식)",
    marketplace=MARKETPLACE,
    columns=COLUMNS_2019,
    required=_REQUIRED,
    fields=_FIELDS,
    product_order_key=_KEY,
    addresses=(("수취인 주소", None),),
)

LAYOUTS = (COUPANG_V2, COUPANG_2019)
