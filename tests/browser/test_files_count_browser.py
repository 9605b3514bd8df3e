"""The courier-sheet form says how many orders the file will hold, and the count follows
the seller's choice as it changes, before anything is downloaded (files out, bug 3)."""

import re

import pytest

from tests.conftest import PASSWORD, create_seller
from tests.shipping import marketplace_files as files
from tests.shipping.test_import_flow import _import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sheet_count_follows_the_chosen_orders(page) -> None:
    seller = create_seller("shop")
    assert _import(seller, files.smartstore_xlsx()).status == "committed"
    page.goto("/accounts/login/")
    page.get_by_label("로그인ID").fill("shop")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(r"/t/"))

    page.goto("/t/shop/files/courier/")
    count = page.get_by_test_id("sheet-count")
    assert "지금 고른 조건의 주문 3건을 파일에 넣습니다." in count.inner_text()
    page.get_by_label("모든 주문").check()
    page.get_by_test_id("sheet-count").get_by_text("고른 조건의 주문 4건").wait_for()
    assert "상품주문 4건이" in page.get_by_test_id("parcel-count").inner_text()
    page.get_by_label("주문일 (부터)").fill("2024-06-02")
    page.get_by_test_id("sheet-count").get_by_text("고른 조건의 주문 2건").wait_for()
