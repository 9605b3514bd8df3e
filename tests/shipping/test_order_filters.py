"""The order list narrowed the way a seller's day goes: by marketplace, by where the
shipment stands and by order date (Korean dates), with clear Korean errors for a bad
value and the filters kept across pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from jikim.accounts.models import Tenant
from jikim.shipping.models import Order, Shipment

pytestmark = pytest.mark.django_db

KST = dt.timezone(dt.timedelta(hours=9))


def _order(tenant: Tenant, number: str, market: str, at: dt.datetime, **shipment: object) -> None:
    order = Order.objects.create(
        tenant=tenant,
        marketplace=market,
        order_no=number,
        product_order_no=f"P{number}",
        product_name="유기농 현미 5kg",
        ordered_at=at,
    )
    if shipment:
        Shipment.objects.create(tenant=tenant, order=order, **shipment)


def _numbers(page: str) -> set[str]:
    return set(re.findall(r">(F-\d+)</a>", page))


@pytest.fixture
def orders(alice) -> Tenant:
    tenant = Tenant.objects.get(slug="alice")
    late_evening = dt.datetime(2026, 3, 1, 23, 30, tzinfo=KST)  # 14:30 UTC, still 1 March here
    _order(tenant, "F-1", "smartstore", late_evening)
    _order(tenant, "F-2", "coupang", late_evening + dt.timedelta(hours=1), tracking_no="")
    _order(
        tenant, "F-3", "coupang", late_evening + dt.timedelta(days=1), courier="CJ대한통운",
        tracking_no="123456789012",
    )  # fmt: skip
    _order(
        tenant, "F-4", "esm", late_evening + dt.timedelta(days=2), courier="CJ대한통운",
        tracking_no="123456789013", delivered_at=late_evening + dt.timedelta(days=4),
    )  # fmt: skip
    return tenant


def test_filters_by_marketplace_shipment_and_korean_order_date(orders, alice, login) -> None:
    client = login(alice)

    def shown(**query: str) -> set[str]:
        response = client.get("/t/alice/orders/", query)
        assert response.status_code == 200
        return _numbers(response.content.decode())

    assert shown() == {"F-1", "F-2", "F-3", "F-4"}
    assert shown(market="coupang") == {"F-2", "F-3"}
    assert shown(ship="waiting") == {"F-1", "F-2"}  # no shipment, or one without a number
    assert shown(ship="sent") == {"F-3"}
    assert shown(ship="delivered") == {"F-4"}
    assert shown(since="2026-03-01", until="2026-03-01") == {"F-1"}
    assert shown(since="2026-03-02") == {"F-2", "F-3", "F-4"}
    assert shown(market="coupang", ship="sent", until="2026-03-02") == {"F-3"}
    page = client.get("/t/alice/orders/", {"market": "coupang"}).content.decode()
    assert "조건에 맞는 주문 2건" in page and "조건 지우기" in page


def test_a_bad_filter_value_is_explained_and_the_others_still_apply(orders, alice, login) -> None:
    client = login(alice)
    response = client.get(
        "/t/alice/orders/", {"market": "amazon", "ship": "sent", "since": "3월 1일"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "판매처를 목록에서 고르세요." in page and "날짜는 2026-03-01처럼 입력하세요." in page
    assert _numbers(page) == {"F-3"}

    backwards = client.get("/t/alice/orders/", {"since": "2026-03-03", "until": "2026-03-01"})
    assert "끝 날짜가 시작 날짜보다 앞섭니다." in backwards.content.decode()


def test_pages_keep_the_filters(alice, login) -> None:
    tenant = Tenant.objects.get(slug="alice")
    start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=KST)
    for n in range(60):
        _order(tenant, f"F-{100 + n}", "coupang", start + dt.timedelta(minutes=n))
    _order(tenant, "F-999", "smartstore", start)
    client = login(alice)
    first = client.get("/t/alice/orders/", {"market": "coupang"}).content.decode()
    assert "조건에 맞는 주문 60건" in first
    (next_link,) = re.findall(r'href="(\?page=2[^"]*)"', first)
    assert "market=coupang" in next_link
    second = client.get("/t/alice/orders/" + next_link.replace("&amp;", "&")).content.decode()
    assert len(_numbers(second)) == 10 and "F-999" not in _numbers(second)


def test_the_courier_sheet_is_one_click_from_the_days_chosen(orders, alice, login) -> None:
    client = login(alice)
    chosen = {"market": "coupang", "since": "2026-03-01", "until": "2026-03-02"}
    page = client.get("/t/alice/orders/", chosen)
    (link,) = re.findall(r'href="(/t/alice/files/courier/[^"]*)"', page.content.decode())
    assert link == (
        "/t/alice/files/courier/?marketplace=coupang&amp;date_from=2026-03-01&amp;date_to=2026-03-02"
    )
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="2026-03-01"' in form and 'value="2026-03-02"' in form
    assert re.search(r'<option value="coupang"[^>]*selected', form)
    # A date that only looks like one is left out, not an error page.
    assert client.get("/t/alice/files/courier/?date_from=2026-02-30").status_code == 200


def test_a_viewer_is_not_offered_the_courier_sheet(orders, staff_of_alice, login) -> None:
    viewer = login(staff_of_alice("viewer"))
    page = viewer.get("/t/alice/orders/", {"ship": "waiting"}).content.decode()
    assert "/files/courier/" not in page and "F-1" in page


def test_each_row_says_where_its_shipment_stands(orders, alice, login) -> None:
    page = login(alice).get("/t/alice/orders/").content.decode()
    cells = dict(re.findall(r">(F-\d+)</a></td>.*?<td>([^\n]*)</td>\n    </tr>", page, re.S))
    assert "송장 미입력" in cells["F-1"] and "송장 미입력" in cells["F-2"]
    assert cells["F-3"] == "CJ대한통운 123456789012"
    assert cells["F-4"].startswith("배송 완료") and "03-05" in cells["F-4"]
