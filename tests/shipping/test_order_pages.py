"""The seller's pages: upload → preview → commit; one search box; masked detail; unmask."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jikim.audit.models import AccessRecord
from jikim.shipping.models import ImportBatch, Order, Party
from tests.shipping import marketplace_files as files
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def _upload(client, slug: str, data: bytes, password: str = ""):
    upload = SimpleUploadedFile("발주발송관리.xlsx", data)
    return client.post(f"/t/{slug}/imports/", {"file": upload, "password": password})


def test_upload_preview_commit_search_detail(alice, login) -> None:
    client = login(alice)
    response = _upload(client, "alice", files.smartstore_xlsx())
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response.url).content.decode()
    assert "네이버" in page or "스마트스토어" in page
    assert "저장하기" in page
    client.post(f"/t/alice/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == "committed"

    party = Party.objects.order_by("pk").first()
    phone = plain(party, "phone1")
    html = client.post("/t/alice/orders/", {"q": phone[-4:]}).content.decode()
    assert party.order.order_no in html
    assert phone not in html, "lists show masked phones"
    assert AccessRecord.objects.filter(action="search", actor_id=alice.pk).exists()

    detail = client.get(f"/t/alice/orders/{party.order_id}/").content.decode()
    assert plain(party, "name") not in detail
    shown = client.post(
        f"/t/alice/orders/{party.order_id}/",
        {"reason": "배송 문의 응대", "purpose": "complaint_handling"},
    ).content.decode()
    assert plain(party, "name") in shown
    digits = plain(party, "phone1")
    assert f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}" in shown, "read out as 010-1234-5678"
    record = AccessRecord.objects.filter(action="unmask").latest("id")
    assert record.reason == "배송 문의 응대" and record.subjects == [party.subject]


def test_unmask_needs_a_reason(alice, login) -> None:
    from tests.shipping.test_import_flow import _import

    _import(alice, files.smartstore_xlsx())
    order = Order.objects.first()
    html = (
        login(alice)
        .post(f"/t/alice/orders/{order.pk}/", {"reason": "", "purpose": "complaint_handling"})
        .content.decode()
    )
    assert "사유를 입력하세요" in html
    assert not AccessRecord.objects.filter(action="unmask").exists()


def test_viewer_cannot_unmask_or_import(alice, staff_of_alice, login) -> None:
    from tests.shipping.test_import_flow import _import

    _import(alice, files.smartstore_xlsx())
    order = Order.objects.first()
    viewer = login(staff_of_alice("viewer"))
    assert viewer.get(f"/t/alice/orders/{order.pk}/").status_code == 200
    assert (
        viewer.post(
            f"/t/alice/orders/{order.pk}/", {"reason": "궁금", "purpose": "complaint_handling"}
        ).status_code
        == 403
    )
    assert viewer.get("/t/alice/imports/").status_code == 403


def test_charlie_gets_404_for_alices_orders_and_imports(alice, charlie, login) -> None:
    from tests.shipping.test_import_flow import _import

    batch = _import(alice, files.smartstore_xlsx())
    order = Order.objects.first()
    client = login(charlie)
    for url in [
        "/t/alice/orders/",
        f"/t/alice/orders/{order.pk}/",
        "/t/alice/imports/",
        f"/t/alice/imports/{batch.pk}/",
        f"/t/charlie/orders/{order.pk}/",
        f"/t/charlie/imports/{batch.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [f"/t/charlie/imports/{batch.pk}/commit/", f"/t/charlie/imports/{batch.pk}/cancel/"]:
        assert client.post(url).status_code == 404, url
    # Charlie's own search never finds Alice's customers.
    phone = plain(Party.objects.first(), "phone1")
    assert order.order_no not in client.post("/t/charlie/orders/", {"q": phone}).content.decode()


def test_password_protected_upload_asks_for_the_password(alice, login) -> None:
    client = login(alice)
    data = files.encrypt(files.smartstore_xlsx(), "pw1234")
    html = _upload(client, "alice", data).content.decode()
    assert "비밀번호" in html and not ImportBatch.objects.exists()
    assert _upload(client, "alice", data, password="pw1234").status_code == 302


def test_unknown_layout_asks_for_a_mapping_which_is_saved_for_next_time(alice, login) -> None:
    client = login(alice)
    response = client.post(
        "/t/alice/imports/", {"file": SimpleUploadedFile("주문.csv", files.generic_csv())}
    )
    batch = ImportBatch.objects.get()
    assert batch.status == "needs_mapping"
    page = client.get(f"/t/alice/imports/{batch.pk}/mapping/").content.decode()
    assert "받는분" in page
    from jikim.shipping.actions import header_preview

    _, suggested = header_preview(batch)
    assert suggested.get("recipient_name") == "받는분", "the guess is prefilled"
    data = {**suggested, "save_as": "우리 쇼핑몰"}
    response = client.post(f"/t/alice/imports/{batch.pk}/mapping/", data)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "previewed", (batch.status, batch.refusal_message)
    assert batch.valid_rows > 0
    # The same layout again: the saved mapping applies by itself.
    client.post("/t/alice/imports/", {"file": SimpleUploadedFile("주문2.csv", files.generic_csv())})
    second = ImportBatch.objects.latest("pk")
    assert second.status == "previewed" and second.mapping == batch.mapping, "kept with it"


def test_mapping_without_required_columns_gets_a_korean_error(alice, login) -> None:
    client = login(alice)
    client.post("/t/alice/imports/", {"file": SimpleUploadedFile("주문.csv", files.generic_csv())})
    batch = ImportBatch.objects.get()
    html = client.post(f"/t/alice/imports/{batch.pk}/mapping/", {"order_no": ""}).content.decode()
    assert "열을 지정하세요" in html
    batch.refresh_from_db()
    assert batch.status == "needs_mapping"


def test_rows_left_out_are_downloadable_as_a_sheet_without_personal_data(alice, login) -> None:
    import io

    import python_calamine

    rows = files.smartstore_rows()
    rows[0]["수취인명"] = ""
    rows[1]["배송메세지"] = "주민번호 900101-1234567"
    data = files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]])
    client = login(alice)
    _upload(client, "alice", data)
    batch = ImportBatch.objects.get()
    response = client.get(f"/t/alice/imports/{batch.pk}/problems.xlsx")
    assert response.status_code == 200
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = sheet.get_sheet_by_index(0).to_python()
    assert cells[0] == ["행", "주문번호", "열", "값(가림)", "내용", "처리"]
    left_out = next(r for r in cells[1:] if r[5] == "제외" and "수취인" in str(r[4]))
    assert left_out[1] == str(rows[0]["주문번호"]), "the order to fix, without counting rows"
    assert isinstance(left_out[0], int | float), "a row number sorts as a number"
    assert "1234567" not in str(cells)
    assert "%EC%A3%BC%EB%AC%B8%ED%8C%8C%EC%9D%BC" in response["Content-Disposition"]  # 주문파일


def test_a_search_term_never_travels_in_the_address(alice, login) -> None:
    """A phone number or a name in a URL stays in the browser's history and the server's
    request log: every search box posts, and a search link (?q=) is not run."""
    import re

    client = login(alice)
    _upload(client, "alice", files.smartstore_xlsx())
    client.post(f"/t/alice/imports/{ImportBatch.objects.get().pk}/commit/")
    party = Party.objects.order_by("pk").first()
    phone = plain(party, "phone1")
    for path in ("/t/alice/", "/t/alice/orders/", "/t/alice/files/"):
        page = client.get(path).content.decode()
        forms = re.findall(r"<form [^>]*>(?:(?!</form>).)*name=\"q\"", page, re.S)
        assert forms, path
        assert all('method="post"' in form for form in forms), path
    linked = client.get("/t/alice/orders/", {"q": phone}).content.decode()
    assert 'data-testid="search-in-address"' in linked
    assert "검색 결과" not in linked, "the plain order list, not a search"
    assert not AccessRecord.objects.filter(action="search").exists()
    found = client.post("/t/alice/orders/", {"q": phone}).content.decode()
    assert party.order.order_no in found and "검색 결과 1건" in found


def test_the_import_page_says_when_nothing_is_new_and_what_comes_next(alice, login) -> None:
    client = login(alice)
    first = client.get(_upload(client, "alice", files.smartstore_xlsx()).url).content.decode()
    assert 'data-testid="nothing-new"' not in first
    batch = ImportBatch.objects.get()
    done = client.post(f"/t/alice/imports/{batch.pk}/commit/", follow=True).content.decode()
    assert 'data-testid="next-steps"' in done and "/t/alice/orders/" in done
    again = client.get(_upload(client, "alice", files.smartstore_xlsx()).url).content.decode()
    assert 'data-testid="nothing-new"' in again and "바뀌는 것이 없습니다" in again


def test_a_protected_file_without_its_password_asks_for_both_again(alice, login) -> None:
    client = login(alice)
    page = _upload(client, "alice", files.encrypt(files.smartstore_xlsx(), "pw1234")).content
    text = page.decode()
    assert "비밀번호가 걸린 파일입니다" in text and "파일도 다시 선택해 주세요" in text
    assert not ImportBatch.objects.exists()
