"""A seller uploads a password-protected Smartstore file, sees the preview with a flagged
identifier, commits it, and finds a customer by the last 4 digits of the phone."""

import re

import pytest

from jikim.shipping.models import Party
from tests.conftest import PASSWORD, create_seller
from tests.shipping import marketplace_files as files
from tests.vaulthelp import plain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, login_id: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("로그인ID").fill(login_id)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(r"/t/"))


def test_upload_protected_file_preview_commit_and_search(page, tmp_path) -> None:
    create_seller("shop")
    rows = files.smartstore_rows()
    rows[0]["배송메세지"] = "주민번호 900101-1234567 입니다"
    data = files.encrypt(
        files.xlsx(files.SMARTSTORE_V2, rows, above=[[files.SMARTSTORE_INSTRUCTION]]), "secret77"
    )
    path = tmp_path / "스마트스토어_발주발송관리.xlsx"
    path.write_bytes(data)
    _login(page, "shop")

    page.goto("/t/shop/imports/")
    page.get_by_label("주문 파일").set_input_files(str(path))
    page.get_by_role("button", name="올리고 미리보기").click()
    page.wait_for_load_state()
    assert "비밀번호" in page.content()  # asked for the password, nothing stored
    page.get_by_label("주문 파일").set_input_files(str(path))
    page.get_by_label("파일 비밀번호 (있을 때만)").fill("secret77")
    page.get_by_role("button", name="올리고 미리보기").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    summary = page.get_by_test_id("summary")
    summary.wait_for()
    assert "스마트스토어" in summary.inner_text()
    problems = page.get_by_test_id("problems").inner_text()
    assert "주민등록번호" in problems and "배송메세지" in problems
    assert "1234567" not in page.content()
    page.screenshot(path=tmp_path / "preview.png", full_page=True)

    page.get_by_role("button", name=re.compile(r"건 저장하기")).click()
    page.wait_for_load_state()
    page.get_by_text("저장 완료").first.wait_for()

    party = Party.objects.order_by("pk").first()
    phone = plain(party, "phone1")
    page.goto("/t/shop/orders/")
    page.get_by_label("검색어").fill(phone[-4:])
    page.get_by_role("button", name="검색").click()
    page.wait_for_load_state()
    text = page.content()
    assert party.order.order_no in text and phone not in text
    assert phone[-4:] not in page.url, "the search term stays out of the address"
    page.screenshot(path=tmp_path / "search.png", full_page=True)

    # The CJ sheet: a reason and a password, then a password-protected xlsx.
    page.goto("/t/shop/files/courier/")
    page.get_by_label("내려받는 사유").fill("오늘 CJ 택배 접수")
    page.get_by_label("파일 비밀번호 (6자 이상)").fill("cjpass1")
    with page.expect_download() as info:
        page.get_by_role("button", name="엑셀 내려받기").click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    import io

    import msoffcrypto
    import python_calamine

    office = msoffcrypto.OfficeFile(io.BytesIO(saved.read_bytes()))
    office.load_key(password="cjpass1")
    plain_xlsx = io.BytesIO()
    office.decrypt(plain_xlsx)
    plain_xlsx.seek(0)
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(plain_xlsx).get_sheet_by_index(0).to_python()
    )
    assert rows[0][:3] == ["예약구분", "집하예정일", "받는분성명"]
    assert any(plain(party, "name") in [str(c) for c in r] for r in rows[1:])
