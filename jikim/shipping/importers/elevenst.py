"""11번가 셀러오피스 order downloads: guidance rows sit above the header.

The collected header list is partial, and two spellings are seen for the recipient
(수취인 / 받는분) and the mobile number (휴대폰번호 / 수취인연락처). 11st's per-line number
(주문순번, ordPrdSeq) is used with 주문번호 when the file has it; otherwise the key is
"주문번호-상품번호", which cannot tell apart two options of one product in one order.
"""

from __future__ import annotations

from .base import Layout

# The code jikim.shipping.models.Marketplace stores for 11번가.
MARKETPLACE = "11st"

COLUMNS = (
    "주문번호", "상품번호", "상품명", "옵션", "수량", "구매자", "구매자ID", "수취인", "받는분",
    "휴대폰번호", "수취인연락처", "전화번호", "우편번호", "주소", "배송메시지", "주문일시",
    "결제일시", "주문금액", "판매자기본할인금액", "판매자 추가할인금액", "서비스이용료",
    "정산예정금액", "배송비",
)  # fmt: skip

ELEVENST = Layout(
    format_id="elevenst",
    name="11번가 주문 내역",
    marketplace=MARKETPLACE,
    columns=COLUMNS,
    required=(
        frozenset({"주문번호"}),
        frozenset({"상품번호"}),
        frozenset({"수취인", "받는분"}),
        frozenset({"휴대폰번호", "수취인연락처"}),
        frozenset({"주소"}),
    ),
    fields={
        "order_no": ("주문번호",),
        "product_name": ("상품명",),
        "option": ("옵션",),
        "quantity": ("수량",),
        "amount": ("주문금액",),
        "ordered_at": ("주문일시",),
        "paid_at": ("결제일시",),
        "recipient_name": ("수취인", "받는분"),
        "recipient_phone1": ("휴대폰번호", "수취인연락처"),
        "recipient_phone2": ("전화번호",),
        "recipient_postcode": ("우편번호",),
        "delivery_message": ("배송메시지",),
        "buyer_name": ("구매자",),
        # Not in the collected list; harmless when a download lacks them.
        "status": ("주문상태",),
        "courier": ("택배사",),
        "tracking_no": ("송장번호",),
    },
    product_order_key=(("주문번호", "주문순번"), ("주문번호", "상품번호")),
    addresses=(("주소", None),),
)

LAYOUTS = (ELEVENST,)
