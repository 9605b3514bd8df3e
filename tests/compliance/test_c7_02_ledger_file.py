"""C7-02: the destruction ledger as a file — every entry, its times in Korean time with
the offset (as the screen shows them), the seller whose data an entry concerns, what
started it; and still no personal data."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from jikim.accounts import actions as account_actions
from jikim.retention import sweep
from tests.conftest import create_member
from tests.retention.helpers import T0, deliver, seller_with_orders
from tests.retention.test_pages import _operator
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db
SWEPT = dt.datetime(2026, 4, 6, 8, 7, 55, tzinfo=dt.UTC)  # 17:07:55 in Seoul


def _rows(client) -> list[dict[str, str]]:
    text = client.get("/console/retention/ledger/?format=csv").content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_c7_02_the_ledger_file_is_in_korean_time_and_names_the_seller(
    alice, charlie, login
) -> None:
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice)
        others = seller_with_orders(charlie)
    names = [plain(p, "name") for p in parties + others]
    deliver(parties[0], T0)
    leaving = create_member("leaving")
    with time_machine.travel(SWEPT, tick=False):
        sweep.run()
        account_actions.do_withdraw(leaving)
        sweep.run()  # moves the withdrawn member's data: no seller's
    rows = _rows(login(_operator("privacy_officer")))
    shipping = next(r for r in rows if r["규칙"].startswith("판매자 배송 데이터"))
    assert shipping["완료"] == "2026-04-06T17:07:55+09:00"
    assert shipping["예정일(부터)"] == "2026-04-05T12:00:00+09:00"  # T0 + 90 days, KST
    assert shipping["판매자"] == "alice"
    assert shipping["계기"] == "정기 파기 작업"
    assert shipping["대상(가명 ID)"] == parties[0].subject
    member = next(r for r in rows if r["규칙"] == "탈퇴 회원 정보")
    assert member["판매자"] == ""  # a member's data is no seller's
    uploads = [r for r in rows if r["계기"].startswith("주문 파일")]
    assert {r["판매자"] for r in uploads} == {"alice", "charlie"}  # each upload's own seller
    assert all(r["완료"].endswith("+09:00") for r in rows)
    assert "+00:00" not in str(rows)
    text = str(rows)
    assert not any(n in text for n in names)


def test_c7_02_an_entry_over_several_sellers_says_so(alice, charlie, login) -> None:
    with time_machine.travel(T0, tick=False):
        parties = seller_with_orders(alice) + seller_with_orders(charlie)
    for p in parties:
        deliver(p, T0)
    with time_machine.travel(SWEPT, tick=False):
        sweep.run()
        officer = login(_operator("privacy_officer"))
        (shipping,) = [r for r in _rows(officer) if r["규칙"].startswith("판매자 배송 데이터")]
        page = officer.get("/console/retention/ledger/").content.decode()
    assert shipping["판매자"] == "여러 판매자"
    assert "여러 판매자" in page and "정기 파기 작업" in page
