"""C2-04: the shipping data sellers collect (recipient name, address, phone, and what
shipping needs) is used for delivery: a courier upload sheet carries exactly what the
courier needs to deliver, read for the delivery purpose and recorded; nothing the courier
does not need (the customs code of a domestic parcel, the buyer) leaves in it."""

import pytest

from jikim.audit.models import AccessRecord
from jikim.shipping import outbound
from jikim.shipping.exports.couriers import LAYOUTS
from jikim.shipping.models import Party
from tests.shipping import marketplace_files as files
from tests.shipping.test_files_out import (
    as_dicts,
    courier_post,
    decrypt,
    imported,
    read_book,
    smartstore_order,
)
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db

CUSTOMS_CODE = "P123456789012"  # the second Smartstore order carries one
DELIVERY_FIELDS = {"name", "phone1", "phone2", "postcode", "address_base", "address_detail",
                   "message"}  # fmt: skip


def _all_cells(data: bytes) -> set[str]:
    _, rows = read_book(decrypt(data))
    return {cell for row in rows for cell in row}


def test_c2_04_the_courier_sheet_carries_what_delivery_needs(alice, login) -> None:
    imported(alice)
    _, rows = read_book(decrypt(courier_post(login(alice)).content))
    sheet = {row["받는분성명"]: row for row in as_dicts(rows)}
    for person in files.PEOPLE[:3]:
        row = sheet[person.name]
        assert row["받는분전화번호"] == person.phone
        assert row["받는분주소(전체, 분할)"] == f"{person.base} {person.detail}"
        assert row["받는분우편번호"] == person.postcode


@pytest.mark.parametrize("layout_id", sorted(outbound.COURIER_SHEETS))
def test_c2_04_no_courier_sheet_holds_what_the_courier_does_not_need(
    alice, login, layout_id: str
) -> None:
    imported(alice)
    holder = Party.objects.get(order=smartstore_order(1))
    assert plain(holder, "customs_code") == CUSTOMS_CODE, "jikim holds it, for customs"
    cells = _all_cells(courier_post(login(alice), layout=layout_id, which="all").content)
    assert files.PEOPLE[1].name in cells, "the order with a customs code is in the sheet"
    assert not any(CUSTOMS_CODE in cell for cell in cells), "a domestic sheet has no customs code"
    assert not cells & set(files.BUYERS), "the buyer is not the recipient"
    assert not any("통관" in header for header in LAYOUTS[layout_id].headers)


@pytest.mark.parametrize("layout_id", sorted(outbound.COURIER_SHEETS))
def test_c2_04_a_courier_sheet_reads_only_delivery_fields(layout_id: str) -> None:
    needed = set(outbound.personal_fields(LAYOUTS[layout_id]))
    assert {"name", "phone1"} <= needed <= DELIVERY_FIELDS
    assert needed & {"address_base", "address_detail"}


def test_c2_04_marketplace_tracking_sheets_read_no_recipient_data() -> None:
    for layout_id in ("smartstore_dispatch", "coupang_invoice"):
        assert outbound.personal_fields(LAYOUTS[layout_id]) == [], layout_id


def test_c2_04_the_read_is_for_delivery_and_recorded(alice, login) -> None:
    imported(alice)
    courier_post(login(alice), which="all", reason="택배 접수")
    record = AccessRecord.objects.get(action="download")
    assert record.purpose == "service_delivery" and record.reason == "택배 접수"
    assert set(record.subjects) == set(Party.objects.values_list("subject", flat=True))
    read = {field.rsplit(".", 1)[1] for field in record.detail["fields"]}
    assert read <= DELIVERY_FIELDS and "customs_code" not in read


def test_c2_04_the_marketplace_sheet_holds_no_recipient_data(alice, login) -> None:
    imported(alice)
    response = login(alice).post("/t/alice/files/marketplace/smartstore/")
    _, rows = read_book(response.content)
    cells = {cell for row in rows for cell in row}
    people = {v for p in files.PEOPLE for v in (p.name, p.phone, p.postcode, p.base)}
    assert not cells & people
    assert AccessRecord.objects.get(action="export").subjects == []
