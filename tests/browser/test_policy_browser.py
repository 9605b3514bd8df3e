"""The cookie banner in a real browser (refuse: no analytics cookie, and login works;
accept: the visit is recorded), and the policy page announcing a scheduled version with
its notice and diff."""

import re

import pytest

from jikim.policy.cookies import CHOICE_COOKIE, VISITOR_COOKIE
from jikim.policy.models import CookieConsent, VisitRecord
from tests.conftest import PASSWORD, create_seller
from tests.policy.support import changed, officer, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REQUIRED = {"sessionid", "csrftoken", "messages", "django_language", CHOICE_COOKIE}


def _cookies(page) -> dict[str, str]:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def test_refusing_in_the_banner_sets_no_analytics_cookie_and_login_works(page) -> None:
    create_seller("shopper")
    page.goto("/")
    banner = page.get_by_test_id("cookie-banner")
    banner.wait_for()
    assert set(_cookies(page)) <= REQUIRED
    page.get_by_test_id("cookie-refuse").click()
    banner.wait_for(state="detached")  # the script sent the choice; no page change
    cookies = _cookies(page)
    assert cookies[CHOICE_COOKIE] == "analytics:0" and VISITOR_COOKIE not in cookies
    page.goto("/privacy/")
    assert page.get_by_test_id("cookie-banner").count() == 0  # the refusal is remembered
    page.goto("/accounts/login/")
    page.get_by_label("로그인ID").fill("shopper")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(r"/t/"))
    assert set(_cookies(page)) <= REQUIRED and "sessionid" in _cookies(page)
    assert not VisitRecord.objects.exists() and not CookieConsent.objects.exists()


def test_accepting_in_the_banner_records_the_visit(page) -> None:
    page.goto("/privacy/")
    page.get_by_test_id("cookie-accept").click()
    page.get_by_test_id("cookie-banner").wait_for(state="detached")
    visitor = _cookies(page)[VISITOR_COOKIE]
    assert CookieConsent.objects.filter(visitor=visitor, withdrawn_at__isnull=True).exists()
    assert VisitRecord.objects.filter(visitor=visitor).count() == 1
    page.goto("/notices/")
    visit = VisitRecord.objects.get(visitor=visitor)
    assert visit.pages == 2  # the same visit, one more page
    page.goto("/cookies/")
    assert "방문 분석에 동의함" in page.get_by_test_id("cookie-state").inner_text()


def test_the_policy_page_announces_a_scheduled_version_and_its_notice(page) -> None:
    text = changed(
        ('trigger = "log.written"\nperiod = "3m"', 'trigger = "log.written"\nperiod = "6m"'),
        version="2099-01-01",
    )
    published = publish(officer(), text, summary="로그기록 보관기간을 6개월로 늘립니다.")
    page.goto("/privacy/")
    upcoming = page.get_by_test_id("policy-upcoming")
    assert "2099-01-01" in upcoming.inner_text()
    assert "기록일로부터 3개월" in page.get_by_test_id("policy-document").inner_text()  # in force
    page.get_by_test_id("policy-upcoming-notice").click()
    page.wait_for_url(re.compile(r"/notices/\d+/$"))
    notice = page.get_by_test_id("notice").inner_text()
    assert "개인정보처리방침 개정 안내" in notice and "로그기록 보관기간을 6개월로" in notice
    page.get_by_test_id("notice-version").click()
    page.wait_for_url(re.compile(r"/privacy/versions/2099-01-01/$"))
    assert "시행될 예정인 버전" in page.get_by_test_id("version-state").inner_text()
    diff = page.get_by_test_id("policy-diff").inner_text()
    assert "기록일로부터 6개월" in diff and "기록일로부터 3개월" in diff
    assert published.notices.count() == 1
