"""Revoking an API key asks first: dismissing the question keeps the key, accepting it
revokes the key (the same script guards revoking a member and resetting a layout)."""

import re

import pytest

from jikim.accounts.models import Tenant
from jikim.shipping import apikeys
from jikim.shipping.models import ApiKey
from tests.conftest import PASSWORD, create_seller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_revoking_an_api_key_asks_first(page) -> None:
    seller = create_seller("shop")
    key, _ = apikeys.do_create_api_key(
        seller, Tenant.objects.get(slug="shop"), "자사몰", ["orders:write"]
    )
    page.goto("/accounts/login/")
    page.get_by_label("로그인ID").fill("shop")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(r"/t/"))
    page.goto("/t/shop/api-keys/")
    questions: list[str] = []

    def dismiss(dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="폐기").click()
    page.wait_for_timeout(300)
    assert questions and "되돌릴 수 없습니다" in questions[0]
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None, "dismissed: the key stays"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="폐기").click()
    page.wait_for_load_state()
    page.get_by_text("폐기됨").first.wait_for()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
