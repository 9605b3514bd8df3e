"""ESM (G마켓 / 옥션) downloads: the 발송 (shipped / delivered) export and 신규주문.

In ESM every line has its own 주문번호 (장바구니번호 groups the lines of one payment), so
주문번호 is both the order number and the line key. The headers do not say whether a file
came from G마켓 or 옥션, so both are marketplace "esm".
"""

from __future__ import annotations

from .base import Layout

MARKETPLACE = "esm"

# 3a: 발송(배송중/완료) export, 57 columns.
COLUMNS_SHIPPING = (
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
)  # fmt: skip

# 3b: 신규주문 export.
COLUMNS_NEW_ORDERS = (
    "주문번호", "구매자명", "수령인명", "수령인 휴대폰", "수령인 전화번호", "우편번호", "주소",
    "배송시 요구사항", "상품번호", "상품명", "옵션", "추가구성", "수량", "판매금액", "판매단가",
    "배송비 금액", "판매자 관리코드", "수령인 통관정보", "판매아이디",
)  # fmt: skip

_FIELDS: dict[str, tuple[str, ...]] = {
    "order_no": ("주문번호",),
    "product_name": ("상품명",),
    "option": ("주문옵션", "옵션"),
    "quantity": ("수량",),
    "amount": ("판매금액",),
    "ordered_at": ("주문일자(결제확인전)",),
    "paid_at": ("결제완료일",),
    "status": ("배송상태",),
    "recipient_name": ("수령인명",),
    "recipient_phone1": ("수령인 휴대폰",),
    "recipient_phone2": ("수령인 전화번호",),
    "recipient_postcode": ("우편번호",),
    "delivery_message": ("배송시 요구사항",),
    "buyer_name": ("구매자명",),
    "buyer_phone": ("구매자 휴대폰", "구매자 전화번호"),
    "customs_code": ("수령인 통관정보",),
    "courier": ("택배사명(발송방법)",),
    "tracking_no": ("송장번호",),
    "shipped_at": ("발송일자",),
    "delivered_at": ("배송완료일자",),
}

ESM_SHIPPING = Layout(
    format_id="esm_shipping",
    name="G마켓·옥션(ESM) 발송 내역",
    marketplace=MARKETPLACE,
    columns=COLUMNS_SHIPPING,
    required=(
        frozenset({"주문번호"}),
        frozenset({"수령인명"}),
        frozenset({"주소"}),
        frozenset({"발송일자"}),
        frozenset({"배송번호"}),
    ),
    fields=_FIELDS,
    product_order_key=(("주문번호",),),
    addresses=(("주소", None),),
)

ESM_NEW_ORDERS = Layout(
    format_id="esm_new_orders",
    name="G마켓·옥션(ESM) 신규주문",
    marketplace=MARKETPLACE,
    columns=COLUMNS_NEW_ORDERS,
    required=(
        frozenset({"주문번호"}),
        frozenset({"수령인명"}),
        frozenset({"수령인 휴대폰"}),
        frozenset({"주소"}),
    ),
    fields=_FIELDS,
    product_order_key=(("주문번호",),),
    addresses=(("주소", None),),
)

LAYOUTS = (ESM_SHIPPING, ESM_NEW_ORDERS)
