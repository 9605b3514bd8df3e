"""A line sent again with changes (a file imported again, an API push of the same
product-order number) changes exactly what changed: the order's columns, the recipient
sealed anew under the same subject, the search index, the shipment."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jikim.accounts.models import Tenant
from jikim.shipping.models import Order, Party, PartyRole, Shipment
from jikim.shipping.normalised import CleanRow
from jikim.shipping.search import classify, orders_matching
from jikim.shipping.storing import store
from jikim.vault.models import BlindIndexEntry
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC)


def line(number: int, **changes: object) -> CleanRow:
    row = CleanRow(
        source_row=number,
        marketplace="smartstore",
        order_no=f"O-{number}",
        product_order_no=f"P-{number}",
        product_name="유기농 현미 5kg",
        quantity=1,
        amount=25900,
        ordered_at=WHEN,
        status="결제완료",
        party={
            "name": "홍길동",
            "phone1": f"0101234{number:04d}",
            "phone2": "",
            "postcode": "06236",
            "address_base": "서울특별시 강남구 테헤란로 123",
            "address_detail": "4층",
            "message": "",
            "customs_code": "",
        },
    )
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]


def found(tenant: Tenant, text: str) -> list[str]:
    return sorted(o.product_order_no for o in orders_matching(tenant.pk, classify(text)))


def test_c3_04_a_changed_line_updates_order_recipient_index_and_shipment_in_place(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    first = store(tenant, [line(1), line(2), line(3)])
    assert (first.new, first.updated) == (3, 0)
    subject = Party.objects.get(order__product_order_no="P-2").subject
    moved = line(
        2,
        status="배송중",
        quantity=2,
        party={**line(2).party, "name": "김철수", "phone1": "01055557777"},
        courier="CJ대한통운",
        tracking_no="654321098765",
        shipped_at=WHEN + dt.timedelta(days=1),
    )
    second = store(tenant, [line(1), moved, line(3)])
    assert (second.new, second.updated, second.unchanged) == (0, 1, 2)

    order = Order.objects.get(product_order_no="P-2")
    assert (order.status, order.quantity) == ("배송중", 2)
    party = Party.objects.get(order=order)
    assert party.subject == subject, "the same recipient, sealed anew"
    assert plain(party, "name") == "김철수" and plain(party, "phone1") == "01055557777"
    assert plain(party, "address_detail") == "4층"
    assert found(tenant, "7777") == ["P-2"] and found(tenant, "0002") == []
    assert found(tenant, "김철수") == ["P-2"] and found(tenant, "홍길동") == ["P-1", "P-3"]
    # Name, phone and last four digits, each once: the old entries are gone.
    assert BlindIndexEntry.objects.filter(subject=subject).count() == 3
    assert order.shipment.tracking_no == "654321098765"
    assert order.shipment.shipped_at == WHEN + dt.timedelta(days=1)

    # Sent again without shipping details, and delivered later: the shipment is kept, then
    # set; nothing is duplicated.
    again = dataclasses.replace(
        moved, status="배송완료", courier="", tracking_no="", shipped_at=None
    )
    assert store(tenant, [again]).updated == 1
    assert Shipment.objects.get(order=order).tracking_no == "654321098765"
    delivered = dataclasses.replace(moved, delivered_at=WHEN + dt.timedelta(days=3))
    assert store(tenant, [delivered]).updated == 1
    shipment = Shipment.objects.get(order=order)
    assert shipment.delivered_at == WHEN + dt.timedelta(days=3)
    assert (Order.objects.count(), Party.objects.count(), Shipment.objects.count()) == (3, 3, 1)


def test_c3_04_a_changed_line_without_a_recipient_gains_one(alice) -> None:
    tenant = Tenant.objects.get(slug="alice")
    store(tenant, [line(1)])
    Party.objects.filter(role=PartyRole.RECIPIENT).delete()
    result = store(tenant, [line(1, status="배송중")])
    assert result.updated == 1
    party = Party.objects.get(order__product_order_no="P-1")
    assert party.subject == result.subjects[0] and plain(party, "name") == "홍길동"
    assert found(tenant, "0001") == ["P-1"]


def test_a_line_sent_again_with_unreadable_values_keeps_the_stored_ones(alice) -> None:
    """A good postcode, phone, amount or date on record is never replaced by a blank
    because a later file garbled it (the preview reports the value as unreadable)."""
    tenant = Tenant.objects.get(slug="alice")
    delivered = WHEN + dt.timedelta(days=2)
    good = line(
        1,
        party={**line(1).party, "phone2": "0215881234", "customs_code": "P123456789012"},
        courier="CJ대한통운",
        tracking_no="612345678901",
        delivered_at=delivered,
    )
    store(tenant, [good])
    party = Party.objects.get()
    garbled = dataclasses.replace(
        good,
        product_name="유기농 현미 10kg",  # a real change alongside
        amount=None,
        ordered_at=None,
        delivered_at=None,
        party={**good.party, "phone2": "", "postcode": "", "customs_code": "", "name": "홍길순"},
        unreadable=["amount", "ordered_at", "delivered_at", "phone2", "postcode", "customs_code"],
    )
    assert store(tenant, [garbled]).updated == 1
    order = Order.objects.get()
    party.refresh_from_db()
    assert order.product_name == "유기농 현미 10kg" and plain(party, "name") == "홍길순"
    assert (order.amount, order.ordered_at) == (25900, WHEN)
    assert Shipment.objects.get().delivered_at == delivered
    assert plain(party, "phone2") == "0215881234"
    assert plain(party, "postcode") == "06236"
    assert plain(party, "customs_code") == "P123456789012"
    assert found(tenant, "0215881234") == ["P-1"], "the kept phone is still searchable"
    assert found(tenant, "홍길순") == ["P-1"] and found(tenant, "홍길동") == []

    # A new line has nothing stored: it is saved without the unreadable value.
    fresh = dataclasses.replace(
        line(2), party={**line(2).party, "postcode": ""}, unreadable=["postcode"]
    )
    store(tenant, [fresh])
    assert plain(Party.objects.get(order__product_order_no="P-2"), "postcode") in ("", None)


def test_a_file_with_an_unreadable_postcode_says_the_stored_one_stays(alice) -> None:
    from jikim.shipping import actions
    from tests.shipping import marketplace_files as files

    tenant = Tenant.objects.get(slug="alice")
    actions.do_import_file(alice, tenant, data=files.smartstore_xlsx(), filename="a.xlsx")
    rows = files.smartstore_rows()
    rows[0]["우편번호"] = "ABCDE"
    again = files.xlsx(
        files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]], sheet_name="발주발송관리"
    )
    batch = actions.do_import_file(alice, tenant, data=again, filename="b.xlsx")
    assert batch.status == "committed"
    problem = next(p for p in batch.problems if p["column"] == "우편번호")
    assert "이미 저장된 주문이면 저장된 값을 그대로 둡니다" in problem["message"]
    party = Party.objects.get(order__product_order_no=str(rows[0]["상품주문번호"]))
    assert plain(party, "postcode") == files.PEOPLE[0].postcode
