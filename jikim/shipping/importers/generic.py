"""Any other order file, read through a column mapping the seller confirms.

`suggest_mapping` guesses the mapping from common Korean header words so that the seller
only has to correct it; `layout_from_mapping` turns the confirmed mapping into a Layout
for the shared mapper. Without a 상품주문번호 column, 주문번호 keys the line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .base import COMPUTED_FIELDS, Layout, normalize_header
from .errors import FileRefused
from .rows import FIELDS

FORMAT_ID = "generic"
MARKETPLACE = "generic"

_PHONE = ("연락처", "휴대폰", "핸드폰", "휴대전화", "전화", "phone", "tel", "mobile")
_RECIPIENT = ("수취인", "받는분", "받는사람", "받으시는분", "수령인", "수령자", "수하인")
_BUYER = ("구매자", "주문자", "주문인")
_NOT_A_NAME = (*_PHONE, "주소", "우편", "배송지", "id", "아이디", "이메일", "메일", "통관")


def layout_from_mapping(mapping: Mapping[str, str]) -> Layout:
    """A Layout for `mapping` (canonical field -> header as written in the file)."""
    cleaned = {k: v for k, v in mapping.items() if isinstance(v, str) and v.strip()}
    if "order_no" not in cleaned or set(cleaned) - set(FIELDS):
        raise FileRefused("bad_mapping")
    fields = {k: (v,) for k, v in cleaned.items() if k not in COMPUTED_FIELDS}
    key = cleaned.get("product_order_no", cleaned["order_no"])
    base = cleaned.get("recipient_address_base")
    return Layout(
        format_id=FORMAT_ID,
        name="직접 지정한 양식",
        marketplace=MARKETPLACE,
        columns=tuple(cleaned.values()),
        required=tuple(frozenset({header}) for header in cleaned.values()),
        fields=fields,
        product_order_key=((key,),),
        addresses=((base, cleaned.get("recipient_address_detail")),) if base else (),
    )


def _has(*words: str) -> Callable[[str], bool]:
    return lambda h: any(w in h for w in words)


def _without(test: Callable[[str], bool], *words: str) -> Callable[[str], bool]:
    return lambda h: test(h) and not any(w in h for w in words)


# field -> tests in priority order; a header is taken by the first field that claims it.
_RULES: tuple[tuple[str, tuple[Callable[[str], bool], ...]], ...] = (
    ("product_order_no", (_has("상품주문번호"),)),
    ("order_no", (lambda h: h == "주문번호", _without(_has("주문번호", "orderno"), "상품"))),
    ("tracking_no", (_has("송장번호", "운송장"),)),
    ("courier", (_has("택배사"),)),
    ("recipient_postcode", (_has("우편번호"), _has("우편"))),
    ("recipient_address_detail", (_has("상세주소", "상세배송지"),)),
    (
        "recipient_address_base",
        (
            _has("기본주소", "기본배송지"),
            _without(_has("주소", "배송지"), "메일", "메모", "메세지", "메시지", "요청", "ip"),
        ),
    ),
    ("buyer_phone", (lambda h: _has(*_BUYER)(h) and _has(*_PHONE)(h),)),
    (
        "recipient_phone1",
        (
            _without(_has("휴대", "핸드", "mobile"), *_BUYER, "통관"),
            _without(_has("연락처1", "전화번호1"), *_BUYER),
            _without(_has(*_PHONE), *_BUYER, "통관", "2"),
        ),
    ),
    ("recipient_phone2", (_without(_has(*_PHONE), *_BUYER, "통관"),)),
    ("buyer_name", (_without(_has(*_BUYER), *_NOT_A_NAME),)),
    (
        "recipient_name",
        (
            _without(_has(*_RECIPIENT), *_NOT_A_NAME),
            _without(_has("이름", "성명", "고객명"), *_NOT_A_NAME),
        ),
    ),
    (
        "delivery_message",
        (
            _has("배송메세지", "배송메시지", "배송시요구사항", "배송요청사항", "배송메모"),
            _has("요구사항", "요청사항", "메세지", "메시지", "메모"),
        ),
    ),
    (
        "product_name",
        (
            _has("상품명", "품목명", "제품명", "품명"),
            _without(_has("상품"), "번호", "코드", "id", "가격", "금액"),
        ),
    ),
    ("option", (_without(_has("옵션"), "id", "코드", "가격", "금액"),)),
    ("quantity", (_has("수량"),)),
    (
        "amount",
        (
            _has("결제금액", "결제액", "총주문금액", "주문금액"),
            _without(_has("금액"), "할인", "배송비", "수수료", "정산"),
        ),
    ),
    ("ordered_at", (_has("주문일시", "주문일자", "주문일"),)),
    ("paid_at", (_has("결제일"),)),
    ("status", (_has("주문상태", "배송상태", "주문세부상태"), _has("상태"))),
    ("customs_code", (_has("통관고유", "통관번호", "pccc", "통관정보"),)),
    ("shipped_at", (_has("발송일", "출고일"),)),
    ("delivered_at", (_has("배송완료"),)),
    ("purchase_confirmed_at", (_has("구매확정"),)),
)


def suggest_mapping(header_row: Sequence[str]) -> dict[str, str]:
    """Guess canonical field -> header for a header row; the seller confirms or corrects it."""
    headers = [(cell.strip(), normalize_header(cell).lower()) for cell in header_row]
    taken: set[int] = set()
    mapping: dict[str, str] = {}
    for field_name, tests in _RULES:
        for test in tests:
            index = next(
                (i for i, (raw, h) in enumerate(headers) if raw and i not in taken and test(h)),
                None,
            )
            if index is not None:
                mapping[field_name] = headers[index][0]
                taken.add(index)
                break
    return mapping
