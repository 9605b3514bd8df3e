"""The language switch in a real browser, under the site's CSP: choosing English and
pressing the button turns the page English, on the same page, and the choice stays."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, create_seller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switching_to_english_and_back(page, tmp_path) -> None:
    create_seller("polyglot")
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.get_by_role("combobox", name="language").select_option("en")
    page.get_by_role("button", name="변경").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Log in").is_visible()
    page.get_by_label("Login ID").fill("polyglot")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(re.compile(r"/t/polyglot/"))
    assert page.get_by_role("link", name="Orders & customer search").is_visible()
    page.screenshot(path=tmp_path / "home-en.png", full_page=True)
    page.get_by_role("combobox", name="language").select_option("ko")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url(re.compile(r"/t/polyglot/$"))
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.get_by_role("link", name="주문·고객 검색").is_visible()
