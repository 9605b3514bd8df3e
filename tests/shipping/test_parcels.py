"""합포장: the lines of one order going to one recipient at one address leave as one box.

The courier sheet writes them as one row (products joined, one fee), the row echoes the
first line's 상품주문번호, and the tracking number the courier prints against it lands on
every line of the box; the marketplaces' sheets still list each line with that number.
Lines of different orders, or of different recipients or addresses, are never combined,
and the seller can switch combining off."""

from __future__ import annotations

import re

import pytest

from jikim.accounts.models import Tenant
from jikim.retention import duesql
from jikim.shipping import outbound
from jikim.shipping.exports.couriers import CJ_CNPLUS, EPOST_PRE_RECEIPT, LOTTE
from jikim.shipping.exports.parcels import combined_row, group_lines, recipient_key
from jikim.shipping.exports.render import render
from jikim.shipping.models import Order, ParcelLine, Party, Shipment
from tests.shipping import marketplace_files as files
from tests.shipping.test_files_out import (
    PASSWORD,
    as_dicts,
    courier_post,
    csv_upload,
    decrypt,
    imported,
    read_book,
    smartstore_order,
)

pytestmark = pytest.mark.django_db

SHARED = "2024060199999999"
RICE = files.PRODUCTS[0]
EARPHONES = files.PRODUCTS[1]
BOX = f"{RICE[0]} ({RICE[1]}) ×{RICE[2]} / {EARPHONES[0]} ({EARPHONES[1]}) ×{EARPHONES[2]}"


def same_person(row: dict, person: files.Person) -> None:
    row.update(
        {
            "수취인명": person.name,
            "수취인연락처1": person.phone,
            "수취인연락처2": person.phone2,
            "우편번호": person.postcode,
            "통합배송지": f"{person.base} {person.detail}",
            "기본배송지": person.base,
            "상세배송지": person.detail,
        }
    )


def one_box_order(member, **change) -> list[dict]:
    """Lines 0 and 1: one order (SHARED) to one recipient (files.PEOPLE[0]). Line 2 is an
    order of its own; line 3 already has a tracking number. ``change`` edits line 1."""
    rows = files.smartstore_rows()
    rows[0]["주문번호"] = rows[1]["주문번호"] = SHARED
    same_person(rows[1], files.PEOPLE[0])
    # A few blanks and a hyphen more: still the same person at the same address.
    rows[1]["수취인연락처1"] = files.PEOPLE[0].phone.replace("-", "")
    rows[1]["기본배송지"] = files.PEOPLE[0].base.replace(" ", "  ")
    rows[1].update(change)
    imported(member, files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]]))
    return rows


def sheet(client, **post) -> list[dict[str, str]]:
    response = courier_post(client, **post)
    assert response.status_code == 200, response.content.decode()[:2000]
    return as_dicts(read_book(decrypt(response.content, PASSWORD))[1])


def upload_result(client, rows: list[list[str]], courier: str = "cj") -> str:
    data = {"courier": courier, "file": csv_upload(rows), "order_column": ""}
    return client.post("/t/alice/files/tracking/", data).content.decode()


def apply(client, page: str):
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token, "the preview offers to apply"
    return client.post("/t/alice/files/tracking/apply/", {"token": token.group(1)}, follow=True)


# --- the courier sheets ------------------------------------------------------------------


def test_two_lines_of_one_order_to_one_recipient_are_one_cj_row(alice, login) -> None:
    one_box_order(alice)
    client = login(alice)
    rows = sheet(client, combine="on")
    assert len(rows) == 2, "3 lines, 2 boxes"
    box = next(r for r in rows if r["고객주문번호"] == smartstore_order(0).product_order_no)
    assert box["품목명"] == BOX
    assert box["받는분성명"] == files.PEOPLE[0].name
    # Both lines' delivery messages, each once.
    assert box["배송메세지1"] == f"{files.MESSAGES[0]} / {files.MESSAGES[1]}"
    assert smartstore_order(1).product_order_no not in {r["고객주문번호"] for r in rows}
    # The box is remembered under the line whose number the row carries.
    heads = set(ParcelLine.objects.values_list("order_id", "head_id"))
    head = smartstore_order(0).pk
    assert heads == {(head, head), (smartstore_order(1).pk, head)}
    # The next page says how many lines went into how many boxes.
    page = client.get("/t/alice/files/").content.decode()
    assert "상품주문 3건을 2상자로 합포장해 넣었습니다" in page


def test_switched_off_every_line_is_a_row_of_its_own(alice, login) -> None:
    one_box_order(alice)
    rows = sheet(login(alice))  # an unticked box is not sent at all
    assert len(rows) == 3
    assert {r["품목명"] for r in rows} >= {RICE[0], EARPHONES[0]}
    assert not ParcelLine.objects.exists()


def test_lines_of_different_orders_are_never_combined(alice, login) -> None:
    rows = files.smartstore_rows()
    same_person(rows[1], files.PEOPLE[0])  # same person, same address, another order
    imported(alice, files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]]))
    assert len(sheet(login(alice), combine="on")) == 3
    assert not ParcelLine.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"상세배송지": "강남파이낸스센터 13층"},  # another floor: another address
        {"수취인명": "김민지"},
        {"수취인연락처2": ""},
        {"우편번호": "06237"},
    ],
    ids=["address", "name", "phone", "postcode"],
)
def test_one_order_to_different_recipients_or_addresses_is_not_combined(
    alice, login, change
) -> None:
    one_box_order(alice, **change)
    assert len(sheet(login(alice), combine="on")) == 3
    assert not ParcelLine.objects.exists()


def test_the_epost_sheet_combines_too_and_its_result_fills_every_line(alice, login) -> None:
    one_box_order(alice)
    client = login(alice)
    rows = sheet(client, layout="epost_pre_receipt", combine="on")
    assert len(rows) == 2
    assert BOX in {r["내용물"] for r in rows}
    head, other = smartstore_order(0), smartstore_order(1)
    page = upload_result(
        client, [["등기번호", "주문번호"], ["6012345678901", head.product_order_no]], "epost"
    )
    assert "2건 반영하기" in page
    apply(client, page)
    numbers = {s.order_id: s.tracking_no for s in Shipment.objects.filter(courier="우체국택배")}
    assert numbers == {head.pk: "6012345678901", other.pk: "6012345678901"}


def test_the_count_before_downloading_says_boxes_for_lines(alice, login) -> None:
    one_box_order(alice)
    client = login(alice)
    page = client.get("/t/alice/files/courier/").content.decode()
    assert 'name="combine"' in page and "checked" in page.split('name="combine"')[1][:80]
    assert "합포장하면 상품주문 3건이 2상자(줄)로 나갑니다" in page
    # The count follows the box: unticked, nothing is sent for it.
    off = client.get("/t/alice/files/courier/?which=untracked", HTTP_HX_REQUEST="true")
    assert "합포장하면" not in off.content.decode()
    on = client.get("/t/alice/files/courier/?which=untracked&combine=on", HTTP_HX_REQUEST="true")
    assert "상품주문 3건이 2상자(줄)로" in on.content.decode()


# --- what a combined row holds -----------------------------------------------------------


def _row(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "recipient_name": "홍길동",
        "recipient_phone1": "010-1234-5678",
        "recipient_postcode": "06236",
        "recipient_address_base": "서울특별시 강남구 테헤란로 152",
        "recipient_address_detail": "12층",
        "product_order_no": "1001",
        "order_no": "500",
        "product_name": "현미",
        "quantity": 1,
    }
    return base | values


def test_the_recipient_is_compared_after_normalisation() -> None:
    plain = recipient_key(_row())
    assert plain == recipient_key(
        _row(
            recipient_name=" 홍길동 ",
            recipient_phone1="01012345678",
            recipient_address_base="서울특별시  강남구 테헤란로 152,",
            recipient_address_detail=" 12층",
        )
    )
    assert plain != recipient_key(_row(recipient_address_detail="13층"))
    assert recipient_key(_row(recipient_name="")) is None
    assert group_lines([plain, None, plain, None]) == [[0, 2], [1], [3]]


def test_a_long_box_stays_within_cnplus_150_bytes_naming_whole_products() -> None:
    lines = [_row(product_name=f"유기농 현미 누룽지 선물세트 {i}호", quantity=2) for i in range(9)]
    row = combined_row(CJ_CNPLUS, lines)
    headers, [cells] = render(CJ_CNPLUS, [row])
    text = cells[headers.index("품목명")]
    assert len(text.encode("cp949")) <= 150
    assert re.search(r" 외 \d건$", text) and "유기농 현미 누룽지 선물세트 0호 ×2" in text
    assert row["quantity"] == 18


def test_a_layout_with_option_and_quantity_columns_names_the_box_not_one_product() -> None:
    lines = [
        _row(product_name="현미", option="5kg", quantity=2),
        _row(product_name="누룽지", product_order_no="1002", quantity=1),
    ]
    headers, [cells] = render(LOTTE, [combined_row(LOTTE, lines)])
    row = dict(zip(headers, cells, strict=True))
    assert row["상품명1"] == "현미 (5kg) ×2 / 누룽지 ×1"
    assert row["상품상세1"] == "" and row["내품수량1"] == "3"
    assert row["상품코드1"] == "1001", "the first line's number, which the result file echoes"


def test_a_formula_in_a_joined_product_name_is_neutralised() -> None:
    lines = [_row(product_name='=HYPERLINK("http://x","클릭")'), _row(product_name="+현미")]
    for layout, column in ((CJ_CNPLUS, "품목명"), (EPOST_PRE_RECEIPT, "내용물")):
        headers, [cells] = render(layout, [combined_row(layout, lines)])
        assert cells[headers.index(column)].startswith("'=HYPERLINK")


def test_a_formula_product_reaches_the_downloaded_sheet_escaped(alice, login) -> None:
    one_box_order(alice)
    Order.objects.filter(pk=smartstore_order(0).pk).update(product_name="=1+1")
    rows = sheet(login(alice), combine="on")
    box = next(r for r in rows if r["고객주문번호"] == smartstore_order(0).product_order_no)
    assert box["품목명"].startswith("'=1+1 (")


# --- the courier's result file -----------------------------------------------------------


def test_the_parcels_number_goes_to_every_line_and_to_the_marketplace_sheet(alice, login) -> None:
    one_box_order(alice)
    client = login(alice)
    rows = sheet(client, combine="on")
    result = [["운송장번호", "고객주문번호"]]
    result += [[f"6012345678{i:02d}", r["고객주문번호"]] for i, r in enumerate(rows)]
    page = upload_result(client, result)
    assert "3건 반영하기" in page, "two boxes, three lines"
    assert "합포장한 1상자의 운송장번호는 그 상자에 든 상품주문 2건에 모두 반영합니다" in page
    assert "(합포장 2건)" in page
    followed = apply(client, page).content.decode()
    assert "운송장 2개를 상품주문 3건에 넣었습니다" in followed
    head, other, single = smartstore_order(0), smartstore_order(1), smartstore_order(2)
    numbers = {s.order_id: s.tracking_no for s in Shipment.objects.filter(courier="CJ대한통운")}
    box_number = result[1 + [r["고객주문번호"] for r in rows].index(head.product_order_no)][0]
    assert numbers[head.pk] == numbers[other.pk] == box_number
    assert numbers[single.pk] != box_number

    # Smartstore wants every 상품주문번호: one row per line, the box's number on each.
    dispatch = client.post("/t/alice/files/marketplace/smartstore/", {})
    listed = {r["상품주문번호"]: r["송장번호"] for r in as_dicts(read_book(dispatch.content)[1])}
    assert listed[head.product_order_no] == listed[other.product_order_no] == box_number


def test_a_sheet_without_combining_replaces_the_box_it_replaced(alice, login) -> None:
    one_box_order(alice)
    client = login(alice)
    sheet(client, combine="on")
    sheet(client)  # made again, one row per line: that is the sheet at the courier now
    assert not ParcelLine.objects.exists()
    head = smartstore_order(0)
    page = upload_result(
        client, [["운송장번호", "고객주문번호"], ["601234567801", head.product_order_no]]
    )
    assert "1건 반영하기" in page


def test_another_seller_neither_sees_nor_fills_the_box(alice, bob, login) -> None:
    one_box_order(alice)
    sheet(login(alice), combine="on")
    head = smartstore_order(0)
    # Bob's shop has the very same numbers (the same file), each line a box of its own.
    imported(bob)
    data = f"운송장번호,고객주문번호\r\n601234567899,{head.product_order_no}\r\n".encode()
    preview = outbound.preview_tracking(Tenant.objects.get(slug="bob"), data=data, courier_id="cj")
    [line] = preview.matched
    assert line.parcel == 0 and line.order_id != head.pk
    assert Order.objects.get(pk=line.order_id).tenant.slug == "bob"
    # And nothing of Alice's leaves her shop through his count or his pages.
    bob_client = login(bob)
    page = bob_client.get("/t/bob/files/courier/").content.decode()
    assert "합포장하면 상품주문 3건이 3상자(줄)로 나갑니다" in page
    assert bob_client.get("/t/alice/files/courier/").status_code == 404


def test_a_destroyed_recipient_takes_the_box_with_it(alice, login) -> None:
    one_box_order(alice)
    sheet(login(alice), combine="on")
    assert ParcelLine.objects.count() == 2
    subject = Party.objects.get(order=smartstore_order(1), role="recipient").subject
    duesql.delete_parties([subject])
    assert not ParcelLine.objects.exists()
    assert Order.objects.filter(pk=smartstore_order(1).pk).exists()
