"""Demo orders for `jikim seed_demo`: a Smartstore 발주발송관리 download of made-up
customers, imported through the same path as a seller's own file, so that a first look at
the product has customers to search, a flagged identifier in the import report and
shipments to send.

Every name, phone number, address and identifier here is generated: phone numbers are
drawn at random, the resident registration number fails its checksum and the card number
is the payment networks' public test number.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import xlsxwriter

from jikim import clock
from jikim.accounts.models import Member, Tenant
from jikim.shipping import actions
from jikim.shipping.importers.smartstore import COLUMNS_V2
from jikim.shipping.models import BatchStatus, ImportBatch

FILENAME = "스마트스토어_발주발송관리_데모.xlsx"
ROWS = 40
# The first customer's phone ends in these digits: what `seed_demo` suggests searching for.
SEARCH_HINT = "5678"

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
_GIVEN = ("민준", "서연", "지호", "하은", "도윤", "서윤", "시우", "지우", "주원", "하린")
_ROADS = (
    ("서울특별시 강남구 테헤란로", "06236"),
    ("부산광역시 해운대구 센텀중앙로", "48058"),
    ("경기도 성남시 분당구 판교역로", "13529"),
    ("인천광역시 연수구 송도과학로", "21984"),
    ("대전광역시 유성구 대학로", "34141"),
)
_PRODUCTS = (
    ("유기농 현미 5kg", "중량: 5kg", 25900),
    ("제주 감귤 3kg", "크기: 중과", 19800),
    ("국산 참기름 350ml", "", 15000),
    ("무농약 쌀 10kg", "도정일: 최근", 42000),
)
_MESSAGES = ("부재 시 문 앞에 놓아 주세요", "경비실에 맡겨 주세요", "배송 전 연락 바랍니다", "")
# Needless identifiers a buyer typed where they do not belong: the import masks them and
# lists them in its report (C6-07). No real person's numbers (see above).
_NEEDLESS = {
    3: "문 앞에 놓아 주세요 (주민번호 900101-1234560)",
    7: "카드 4111-1111-1111-1111 로 결제했어요",
}
_CUSTOMS_CODE_ROW = 5  # an imported product: the customs code is kept, encrypted
# The oldest quarter of the orders is already on its way: a courier and tracking number, so
# the list's 발송 filter and the marketplaces' dispatch sheets have something to show.
SHIPPED_FROM_ROW = ROWS * 3 // 4


def demo_file(now: dt.datetime, rows: int = ROWS) -> bytes:
    """The demo download: the current 65-column layout, its instruction line above."""
    rng = random.Random(2026)  # noqa: S311 - made-up customers, the same on every run
    column = {name: i for i, name in enumerate(COLUMNS_V2)}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("발주발송관리")
    sheet.write_string(0, 0, "◈ 다운로드 받은 파일로 '엑셀 일괄발송' 처리하는 방법")
    for name, i in column.items():
        sheet.write_string(1, i, name)
    for n in range(rows):
        ordered = clock.local(now - dt.timedelta(days=n // 4, hours=n % 4 * 3))
        road, postcode = _ROADS[n % len(_ROADS)]
        product, option, price = _PRODUCTS[n % len(_PRODUCTS)]
        last4 = SEARCH_HINT if n == 0 else f"{rng.randrange(10000):04d}"
        values = {
            "상품주문번호": f"2026{ordered:%m%d}{10000 + n:06d}",
            "주문번호": f"2026{ordered:%m%d}{5000 + n // 2:06d}",
            "구매자명": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
            "수취인명": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
            "주문상태": "결제완료",
            "주문세부상태": "발송대기",
            "결제일": f"{ordered:%Y-%m-%d %H:%M:%S}",
            "주문일시": f"{ordered:%Y-%m-%d %H:%M:%S}",
            "상품명": product,
            "옵션정보": option,
            "수량": str(1 + n % 3),
            "상품별 총 주문금액": str(price * (1 + n % 3)),
            "수취인연락처1": f"010-{rng.randrange(10000):04d}-{last4}",
            "기본배송지": f"{road} {rng.randrange(1, 300)}",
            "상세배송지": f"{rng.randrange(101, 120)}동 {rng.randrange(101, 2000)}호",
            "우편번호": postcode,
            "배송메세지": _NEEDLESS.get(n, rng.choice(_MESSAGES)),
            "개인통관고유부호": "P123456789012" if n == _CUSTOMS_CODE_ROW else "",
        }
        if n >= SHIPPED_FROM_ROW:
            sent = ordered + dt.timedelta(days=1)
            values |= {
                "주문상태": "배송중",
                "주문세부상태": "배송중",
                "택배사": "CJ대한통운",
                "송장번호": f"{684100000000 + n}",
                "발송일": f"{sent:%Y-%m-%d %H:%M:%S}",
            }
        for name, value in values.items():
            if value:
                sheet.write_string(n + 2, column[name], value)
    book.close()
    return buffer.getvalue()


def seed_orders(owner: Member, tenant: Tenant) -> ImportBatch | None:
    """Import the demo file for this seller once; None when it has imported anything before
    (its own files are not mixed with made-up customers)."""
    if ImportBatch.objects.filter(tenant=tenant).exists():
        return None
    batch = actions.do_import_file(owner, tenant, data=demo_file(clock.now()), filename=FILENAME)
    if batch.status != BatchStatus.COMMITTED:
        raise RuntimeError(f"the demo file was not imported: {batch.status}")
    return batch
