"""A person signs up, confirms the e-mail, logs in, edits the profile and logs out."""

import re

import pytest
from django.core import mail

from jikim.accounts.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Lanternfish2026"


def test_signup_verify_login_edit_logout(page, tmp_path) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("로그인ID").fill("browseruser")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_label("이메일").fill("browser@example.com")
    page.get_by_label("회사명").fill("브라우저상점")
    page.get_by_label("회사전화번호").fill("02-555-1234")
    page.get_by_label("휴대전화번호").fill("010-5555-1234")
    page.get_by_label("개인정보 수집 및 이용에 동의합니다 (필수)").check()
    page.screenshot(path=tmp_path / "signup.png")
    page.get_by_role("button", name="가입하기").click()
    page.wait_for_load_state()

    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[\x21-\x7e]+)", body).group(1)
    page.goto(link)
    page.get_by_role("button").filter(has_text=re.compile("확인|Confirm")).first.click()
    page.wait_for_load_state()
    assert Member.objects.get(login_id="browseruser").emailaddress_set.get().verified

    page.goto("/accounts/login/")
    page.get_by_label("로그인ID").fill("browseruser")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(re.compile(r"/t/[a-z0-9]+/$"))
    assert "브라우저상점" in page.content()

    page.goto("/accounts/profile/")
    page.get_by_label("회사명").fill("새이름상점")
    page.get_by_role("button", name="저장").click()
    page.wait_for_load_state()
    assert "회원정보를 저장했습니다" in page.content()
    assert Member.objects.get(login_id="browseruser").company_name == "새이름상점"
    page.screenshot(path=tmp_path / "profile.png")

    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.goto("/accounts/profile/")
    assert "/accounts/login/" in page.url


def test_failed_logins_lock_out_with_a_clear_message(page, tmp_path) -> None:
    from tests.conftest import create_seller

    create_seller("lockme")
    for _ in range(5):
        page.goto("/accounts/login/")
        page.get_by_label("로그인ID").fill("lockme")
        page.get_by_label("비밀번호").fill("WrongPassword1")
        page.get_by_role("button", name="로그인").click()
        page.wait_for_load_state()
    page.goto("/accounts/login/")
    page.get_by_label("로그인ID").fill("lockme")
    page.get_by_label("비밀번호").fill("Sunflower2026x")
    page.get_by_role("button", name="로그인").click()
    page.wait_for_load_state()
    page.screenshot(path=tmp_path / "locked.png")
    assert "잠시 로그인할 수 없습니다" in page.content()


def test_signup_page_is_korean(page, tmp_path) -> None:
    page.goto("/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.get_by_role("heading", name="회원가입").is_visible()
    for label in ["로그인ID", "비밀번호", "이메일", "회사명", "회사전화번호", "휴대전화번호"]:
        assert page.get_by_label(label, exact=True).is_visible()
    page.screenshot(path=tmp_path / "signup-ko.png", full_page=True)
