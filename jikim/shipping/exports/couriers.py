"""The upload sheets for couriers and marketplaces, described as data.

Header lists come from marketplace-formats.txt; where no courier publishes one (한진, 로젠)
a default is given that the seller adapts with :meth:`Layout.customised`. What a column
is lives in :mod:`layout`, the writing of rows in :mod:`render`.
"""

from __future__ import annotations

from jikim.shipping.exports.layout import Column, Layout

__all__ = [
    "CJ_CNPLUS",
    "COUPANG_INVOICE",
    "EPOST_PRE_RECEIPT",
    "HANJIN_DEFAULT",
    "LAYOUTS",
    "LOGEN_DEFAULT",
    "LOTTE",
    "SMARTSTORE_DISPATCH",
]

_C = Column  # short alias: the layouts below are tables

CJ_CNPLUS = Layout(
    "cj_cnplus",
    "cj",
    "CJ대한통운 CNPlus 일괄접수",
    "Sheet1",
    (
        _C("예약구분", constant="1"),  # 1 = 일반, 2 = 반품
        _C("집하예정일", "pickup_date"),
        _C("받는분성명", "recipient_name", required=True),
        _C("받는분전화번호", "recipient_phone1", required=True),
        _C("받는분기타연락처", "recipient_phone2"),
        _C("받는분우편번호", "recipient_postcode"),
        _C("받는분주소(전체, 분할)", "recipient_address", required=True),
        _C("운송장번호", "tracking_no"),
        # Printed back in CNPlus's result file, so results match order lines by it: the
        # product-order number, unique per line. An order number can be shared by several
        # lines going to different people (one checkout, several products).
        _C("고객주문번호", "product_order_no"),
        _C("품목명", "product_name", max_bytes=150),
        _C("박스수량"),  # blank = 1
        _C("박스타입"),
        _C("기본운임"),
        _C("배송메세지1", "delivery_message"),
        _C("배송메세지2"),
    ),
)

EPOST_PRE_RECEIPT = Layout(
    "epost_pre_receipt",
    "epost",
    "우체국 사전접수(창구소포)",
    "Sheet1",
    (
        _C("받는 분", "recipient_name", required=True),
        _C("우편번호", "recipient_postcode"),
        _C("주소(시도+시군구+도로명+건물번호)", "recipient_address_base", required=True),
        _C("상세주소(동, 호수, 洞명칭, 아파트, 건물명 등)", "recipient_address_detail"),
        # Whichever of the two numbers is a mobile (else a 050x safe number) goes to
        # 휴대전화, the other to 일반전화; one of them must be there.
        _C("휴대전화(010-1234-5678)", "recipient_mobile", required=True),
        _C("일반전화(02-1234-5678)", "recipient_other_phone", required=True),
        _C("중량(kg)"),
        _C("부피(cm)=가로+세로+높이"),
        _C("내용품코드"),
        _C("내용물", "product_name"),
        _C("배송시요청사항", "delivery_message"),
        _C("분할접수 여부(Y/N)", constant="N"),
        _C("분할접수 첫번째 중량(kg)"),
        _C("분할접수 첫번째 부피(cm)"),
        _C("분할접수 두번째 중량(kg)"),
        _C("분할접수 두번째 부피(cm)"),
    ),
)

# One seller's Lotte layout (§9). The "(불필요한 항목)" column stays, blank, so that
# every later column keeps the position the seller's Lotte account expects.
LOTTE = Layout(
    "lotte",
    "lotte",
    "롯데택배 일괄접수",
    "Sheet1",
    (
        _C("받는사람", "recipient_name", required=True),
        _C("우편번호", "recipient_postcode"),
        _C("주소", "recipient_address", required=True),
        _C("전화번호1", "recipient_phone1", required=True),
        _C("전화번호2", "recipient_phone2"),
        _C("배송메시지", "delivery_message"),
        _C("(불필요한 항목)"),
        _C("보내는사람(지정)", "sender_name"),
        _C("전화번호1(지정)", "sender_phone"),
        _C("주소(지정)", "sender_address"),
        _C("수량(A타입)"),
        _C("상품명1", "product_name"),
        _C("상품상세1", "option"),
        _C("내품수량1", "quantity"),
        # 상품코드1 is the column read back from a result file: the line's own number.
        _C("상품코드1", "product_order_no"),
        _C("상품코드2", "order_no"),
        _C("상품상세2"),
    ),
)

# No official 한진 upload list is known. The names follow its result file (§8), and the
# product-order number (unique per line) goes to 메모3 because the result file carries
# 메모3 back.
HANJIN_DEFAULT = Layout(
    "hanjin_default",
    "hanjin",
    "한진택배 일괄접수(기본 양식 — 계약 양식에 맞게 조정)",
    "Sheet1",
    (
        _C("받으시는 분", "recipient_name", required=True),
        _C("우편번호", "recipient_postcode"),
        _C("주소", "recipient_address", required=True),
        _C("전화번호", "recipient_other_phone", required=True),
        _C("휴대폰", "recipient_mobile", required=True),
        _C("품목명", "product_name"),
        _C("수량", "quantity"),
        _C("배송메세지", "delivery_message"),
        _C("메모3", "product_order_no"),
        _C("메모4", "order_no"),
    ),
    verified=False,
)

# No official 로젠 upload list is known; names follow its result file (§10). Its result
# file carries no order number, so parse it with an explicit column: 상품주문번호, the
# line's own number.
LOGEN_DEFAULT = Layout(
    "logen_default",
    "logen",
    "로젠택배 일괄접수(기본 양식 — 계약 양식에 맞게 조정)",
    "Sheet1",
    (
        _C("수하인명", "recipient_name", required=True),
        _C("수하인우편번호", "recipient_postcode"),
        _C("수하인주소1", "recipient_address", required=True),
        _C("수하인전화", "recipient_other_phone", required=True),
        _C("수하인휴대폰", "recipient_mobile", required=True),
        _C("품목명", "product_name"),
        _C("수량", "quantity"),
        _C("배송메세지", "delivery_message"),
        _C("상품주문번호", "product_order_no"),
        _C("주문번호", "order_no"),
    ),
    verified=False,
)

SMARTSTORE_DISPATCH = Layout(
    "smartstore_dispatch",
    None,
    "스마트스토어 엑셀 일괄발송",
    "발송처리",  # Smartstore rejects any other sheet name
    (
        _C("상품주문번호", "product_order_no", required=True),
        _C("배송방법", constant="택배,등기,소포", passthrough=True),
        _C("택배사", "courier", required=True),
        _C("송장번호", "tracking_no", required=True),
    ),
)

# Coupang's upload takes back its own DeliveryList (§2a, 39 columns). Only what the
# invoice needs is filled from canonical fields; the rest is copied from the shipment's
# original DeliveryList columns when given (passthrough) and left blank otherwise, so no
# recipient data is added that the seller's file did not already hold.
_COUPANG_FILLED = {
    "번호": _C("번호", passthrough=True, counter=True),
    "묶음배송번호": _C("묶음배송번호", "product_order_no", required=True, passthrough=True),
    "주문번호": _C("주문번호", "order_no", required=True, passthrough=True),
    "택배사": _C("택배사", "courier", required=True),
    "운송장번호": _C("운송장번호", "tracking_no", required=True),
}
_COUPANG_HEADERS = (
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
)

COUPANG_INVOICE = Layout(
    "coupang_invoice",
    None,
    "쿠팡 Wing 송장 일괄 업로드",
    "송장업로드",
    tuple(_COUPANG_FILLED.get(h, _C(h, passthrough=True)) for h in _COUPANG_HEADERS),
)

LAYOUTS: dict[str, Layout] = {
    layout.id: layout
    for layout in (
        CJ_CNPLUS,
        EPOST_PRE_RECEIPT,
        LOTTE,
        HANJIN_DEFAULT,
        LOGEN_DEFAULT,
        SMARTSTORE_DISPATCH,
        COUPANG_INVOICE,
    )
}
