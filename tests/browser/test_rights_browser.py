"""A recipient files a deletion request on the public page; the seller's staff sees it with
its clock and answers it; the recipient's data is shredded and the ledger shows it."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.test import Client

from jikim.accounts import actions as account_actions
from jikim.shipping.models import Party
from jikim.vault import keyring
from tests.conftest import create_member, create_seller
from tests.retention.helpers import seller_with_orders
from tests.vaulthelp import plain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, member) -> None:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_recipient_deletion_request_answered_by_seller_shreds_and_ledgers(
    page, live_server, tmp_path
) -> None:
    seller = create_seller("mall")
    party = seller_with_orders(seller)[0]
    phone, name, order_no = plain(party, "phone1"), plain(party, "name"), party.order.order_no

    page.goto("/rights/")
    page.get_by_label("주문번호").fill(order_no)
    page.get_by_label("주문할 때 적은 연락처").fill(phone)
    page.get_by_label("요구 종류").select_option("deletion")
    page.get_by_label("이름").fill(name)
    page.get_by_label("확인 코드를 받을 이메일").fill("me@example.com")
    page.get_by_role("button", name="요구 접수").click()
    page.wait_for_url(re.compile(r"/rights/confirm/"))
    code = re.search(r"확인 코드: (\d{6})", mail.outbox[-1].body).group(1)
    page.get_by_label("확인 코드 (6자리)").fill(code)
    page.get_by_role("button", name="확인").click()
    page.get_by_test_id("rights-received").wait_for()
    page.screenshot(path=tmp_path / "public.png")

    _as(page, live_server, seller)
    page.goto("/t/mall/rights/")
    queue = page.get_by_test_id("rights-queue").inner_text()
    assert "삭제" in queue and "일" in queue  # the clock: days left
    page.get_by_test_id("rights-queue").get_by_role("link").first.click()
    form = page.get_by_test_id("answer-form")
    form.get_by_label("처리 결과").select_option("done")
    form.get_by_label("답변").fill("요청하신 배송 정보를 삭제했습니다.")
    form.get_by_role("button", name="답변하고 통지").click()
    page.wait_for_load_state()
    page.screenshot(path=tmp_path / "answered.png", full_page=True)
    assert keyring.is_shredded(party.subject) and not Party.objects.filter(pk=party.pk).exists()

    officer = create_member("officer")
    account_actions.do_set_operator_role(None, officer, "privacy_officer")
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    _as(page, live_server, officer)
    page.goto("/console/retention/ledger/")
    ledger = page.get_by_test_id("ledger").inner_text()
    assert "정보주체의 삭제 요구" in ledger and "제36조" in ledger
