"""Tracking numbers land on the order line they were printed for (files out, bug 1).

One checkout can hold several products (one 주문번호, several 상품주문번호) going to
different people. The courier sheets carry the line's own 상품주문번호 in the column the
courier prints back, the result file is matched by it, and a row that names only a shared
order number is reported as ambiguous and never applied by position."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jikim.shipping import outbound
from jikim.shipping.models import Order, Party, Shipment
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
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db

SHARED = "2024060199999999"
# The result-file column each courier prints the seller's number back in, and a tracking
# number of the courier's length. 로젠's result has no such column: the seller names it.
RESULT_COLUMNS = {
    "cj_cnplus": ("cj", "고객주문번호", "6012345678{:02d}", ""),
    "hanjin_default": ("hanjin", "메모3", "5012345678{:02d}", ""),
    "lotte": ("lotte", "상품코드1", "4012345678{:02d}", ""),
    "logen_default": ("logen", "상품주문번호", "301234567{:02d}", "상품주문번호"),
}


def two_recipients_one_order(alice) -> tuple[Order, Order, Order]:
    """Lines 0 and 1 share one order number and go to different people; line 2 is an
    order of its own. (Line 3 already has a tracking number.)"""
    rows = files.smartstore_rows()
    rows[0]["주문번호"] = rows[1]["주문번호"] = SHARED
    imported(alice, files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]]))
    first, second, single = (smartstore_order(i) for i in range(3))
    assert first.order_no == second.order_no == SHARED != single.order_no
    return first, second, single


def recipient_name(order: Order) -> str:
    return plain(Party.objects.get(order=order, role="recipient"), "name")


def upload(client, rows: list[list[str]], courier: str = "cj", order_column: str = "") -> str:
    data = {"courier": courier, "file": csv_upload(rows), "order_column": order_column}
    return client.post("/t/alice/files/tracking/", data).content.decode()


def apply(client, page: str) -> None:
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token, "the preview offers to apply"
    assert (
        client.post("/t/alice/files/tracking/apply/", {"token": token.group(1)}).status_code == 302
    )


def test_cj_sheet_to_result_file_to_orders_keeps_each_number_with_its_recipient(
    alice, login
) -> None:
    first, second, _single = two_recipients_one_order(alice)
    client = login(alice)
    _, sheet = read_book(decrypt(courier_post(client).content))
    sheet_rows = as_dicts(sheet)
    assert len(sheet_rows) == 3
    # What CNPlus sends back: every row of the sheet, now with its tracking number, in an
    # order of its own (here reversed: pairing by position would swap the two recipients).
    numbers = {row["고객주문번호"]: f"6012345678{i:02d}" for i, row in enumerate(sheet_rows)}
    result = [["운송장번호", "고객주문번호", "받는분성명"]]
    result += [
        [numbers[row["고객주문번호"]], row["고객주문번호"], row["받는분성명"]]
        for row in reversed(sheet_rows)
    ]
    page = upload(client, result)
    assert "3건 반영하기" in page and 'data-testid="ambiguous"' not in page
    apply(client, page)

    for row in sheet_rows:
        line = Order.objects.get(tenant__slug="alice", product_order_no=row["고객주문번호"])
        assert Shipment.objects.get(order=line).tracking_no == numbers[row["고객주문번호"]]
        # The parcel printed for this person is on this person's line.
        assert recipient_name(line) == row["받는분성명"]
    assert recipient_name(first) != recipient_name(second)
    tracked = {
        s.order_id: s.tracking_no for s in Shipment.objects.filter(order__in=[first, second])
    }
    assert len(set(tracked.values())) == 2, "each line of the shared order has its own number"


def test_a_shared_order_number_is_reported_as_ambiguous_and_nothing_of_it_applied(
    alice, login
) -> None:
    first, second, single = two_recipients_one_order(alice)
    client = login(alice)
    # An older result file: the order number in 고객주문번호. The single-line order still
    # matches; the shared one names two recipients and is not guessed.
    result = [
        ["운송장번호", "고객주문번호"],
        ["601234567801", SHARED],
        ["601234567802", SHARED],
        ["601234567803", single.order_no],
    ]
    page = upload(client, result)
    ambiguous = page.split('data-testid="ambiguous"', 1)[1].split("</table>", 1)[0]
    assert "<td>2</td>" in ambiguous and "<td>3</td>" in ambiguous
    assert "어느 상품주문의 송장인지 알 수 없습니다" in ambiguous
    assert "반영하지 않습니다" in ambiguous
    assert "어느 주문인지 알 수 없는 행 (반영하지 않음)" in page
    assert "1건 반영하기" in page
    apply(client, page)
    assert Shipment.objects.get(order=single).tracking_no == "601234567803"
    assert not Shipment.objects.filter(order__in=[first, second]).exists()

    # One row for the shared number: still two recipients, still not guessed.
    one_row = f"운송장번호,고객주문번호\r\n601234567804,{SHARED}\r\n".encode()
    preview = outbound.preview_tracking(first.tenant, data=one_row, courier_id="cj")
    assert preview.matched == []
    [row] = preview.ambiguous
    assert row.message == (
        f"2행: 주문번호 {SHARED}에는 받는 분이 서로 다른 상품주문이 2건 있어 어느 상품주문의 "
        "송장인지 알 수 없습니다. 반영하지 않습니다."
    )
    for name in (recipient_name(first), recipient_name(second)):
        assert name not in row.message and name not in page


@pytest.mark.parametrize("layout_id", sorted(RESULT_COLUMNS))
def test_every_courier_sheet_prints_the_line_number_where_the_result_file_reads_it(
    alice, login, layout_id: str
) -> None:
    courier, column, pattern, order_column = RESULT_COLUMNS[layout_id]
    first, second, single = two_recipients_one_order(alice)
    client = login(alice)
    _, sheet = read_book(decrypt(courier_post(client, layout=layout_id).content, PASSWORD))
    header, *rows = sheet
    at = header.index(column)
    # The courier's result: the sheet's own columns back, with a tracking number.
    tracking_at = header.index("운송장번호") if "운송장번호" in header else None
    if tracking_at is None:
        header, rows = [*header, "운송장번호"], [[*row, ""] for row in rows]
        tracking_at = len(header) - 1
    expected = {}
    for i, row in enumerate(rows):
        row[tracking_at] = pattern.format(i)
        expected[row[at]] = row[tracking_at]
    upload_rows = [header, *reversed(rows)]
    text = "\r\n".join(",".join(f'"{c}"' for c in row) for row in upload_rows) + "\r\n"
    page = client.post(
        "/t/alice/files/tracking/",
        {
            "courier": courier,
            "file": SimpleUploadedFile("result.csv", text.encode("utf-8-sig")),
            "order_column": order_column,
        },
    ).content.decode()
    assert "3건 반영하기" in page, page[page.find("<main") :][:2000]
    apply(client, page)
    for line in (first, second, single):
        assert Shipment.objects.get(order=line).tracking_no == expected[line.product_order_no]
