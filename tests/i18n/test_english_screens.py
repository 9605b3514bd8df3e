"""English on our own screens: with English chosen (cookie or browser preference) the
account screens and the navigation speak English; with no preference they stay Korean;
the switch in every page's footer changes the language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from jikim.accounts.models import Member
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Names that stay as they are in any language: the brand in the logo and the name of
# Korean in the language list.
NAMES = ("지킴 <small>", "한국어")


def _english(client: Client | None = None) -> Client:
    client = client or Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _part(page: str, tag: str) -> str:
    found = re.search(rf"<{tag}\b.*?</{tag}>", page, re.S)
    assert found, tag
    return found.group(0)


def _hangul(text: str) -> list[str]:
    for name in NAMES:
        text = text.replace(name, "")
    return [line.strip() for line in text.splitlines() if HANGUL.search(line)]


def test_login_page_in_english() -> None:
    page = _english().get("/accounts/login/").content.decode()
    main = _part(page, "main")
    assert '<html lang="en">' in page and "<title>Log in · jikim</title>" in page
    assert "<h1>Log in</h1>" in main
    assert '<button type="submit" class="button">Log in</button>' in main
    assert '<label for="id_login">Login ID</label>' in main and 'placeholder="Password"' in main
    assert "Forgot your password?" in main and ">Sign up</a>" in main
    assert _hangul(main) == []


def test_signup_page_in_english_from_the_browser_preference() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/signup/")
    text = page.content.decode()
    assert '<html lang="en">' in text and "<h1>Sign up</h1>" in text
    # The labels the policy names (login ID, password, e-mail) are translated too.
    for label in ("Login ID", "Password", "E-mail", "Company name", "Mobile phone number"):
        assert f">{label}</label>" in text
    assert "Lowercase letters, digits and underscores; at least 4 characters" in text
    assert "<li>At least 10 characters</li>" in text
    assert "I agree to the collection and use of my personal information (required)" in text
    assert '<button type="submit" class="button">Sign up</button>' in text
    assert 'If you already have an account, <a href="/accounts/login/">log in</a>.' in text
    # The consent's title and text are the policy's own words (policy.toml); all else is ours.
    main = re.sub(
        r"<legend>.*?</legend>|<p class=\"consent-text\">.*?</p>", "", _part(text, "main")
    )
    assert _hangul(main) == []


def test_signup_errors_in_english() -> None:
    data = {"username": "ABCD!", "password1": "1234567890", "email": "x", "mobile": "0101"}
    text = _english().post("/accounts/signup/", data).content.decode()
    assert "A login ID must be 4 to 30 characters long" in text
    assert "The password must contain both letters and digits." in text
    assert "Enter a valid e-mail address." in text
    assert "Mobile phone number is not in a valid format. For example: 010-1234-5678" in text
    assert "You can sign up only if you agree to the collection and use" in text
    assert not HANGUL.search(" ".join(re.findall(r'role="alert">([^<]*)<', text)))


def test_profile_page_in_english(alice: Member, login) -> None:
    client = _english(login(alice))
    text = client.get("/accounts/profile/").content.decode()
    main = _part(text, "main")
    assert "<h1>My account</h1>" in main and "<dt>Two-factor authentication</dt>" in main
    assert '<label for="id_company_phone">Company phone number</label>' in main
    assert '<button type="submit" class="button">Save</button>' in main
    assert ">Close account</a>" in main
    # What remains Korean is the member's own data (the company name), nothing of ours.
    assert _hangul(main.replace('value="alice 상점"', "")) == []
    bad = client.post("/accounts/profile/", {"company_name": "x", "company_phone": "02-12a"})
    errors = re.findall(r'role="alert">([^<]*)<', bad.content.decode())
    assert errors == ["Company phone number may contain only digits and hyphens.", *errors[1:]]
    assert "This field is required." in errors


def test_navigation_and_footer_in_english(alice: Member, login) -> None:
    text = _english(login(alice)).get("/t/alice/").content.decode()
    header, footer = _part(text, "header"), _part(text, "footer")
    for item in ("Home", "Orders & customer search", "Upload orders", "Staff", "Billing"):
        assert f">{item}</a>" in header
    assert ">Contact jikim</a>" in header
    assert 'data-testid="logout">Log out</button>' in header
    assert ">Privacy policy</a>" in footer and ">Cookie settings</a>" in footer
    assert '<button type="submit" class="link">Change</button>' in footer
    assert _hangul(header) == [] and _hangul(footer) == []
    main = _part(text, "main")
    assert "Orders received today" in main and "My role: alice" in main


def test_withdrawal_page_and_error_in_english(alice: Member, login) -> None:
    client = _english(login(alice))
    text = client.post("/accounts/withdraw/", {"password": "nope"}).content.decode()
    assert "<h1>Close account</h1>" in text and "Close my account</button>" in text
    assert "The password is incorrect." in text
    assert "Please confirm that you have read the notice about closing your account." in text


def test_staff_page_in_english(alice: Member, staff_of_alice, login) -> None:
    staff_of_alice()
    text = _english(login(alice)).get("/t/alice/staff/").content.decode()
    assert "<h1>Staff</h1>" in text and ">Revoke access</button>" in text
    assert "<th>Login ID</th><th>Role</th><th>Joined</th><th>Last login</th><th>Change</th>" in text
    assert ">Send invitation e-mail</button>" in text


@pytest.mark.parametrize(
    "path",
    ["/accounts/password/reset/", "/accounts/password/reset/key/1-bad/", "/nowhere/"],
)
def test_other_account_pages_in_english(path: str) -> None:
    text = _english().get(path).content.decode()
    assert '<html lang="en">' in text
    assert _hangul(_part(text, "main")) == [] and _hangul(_part(text, "header")) == []


def test_email_page_in_english(alice: Member, login) -> None:
    text = _english(login(alice)).get("/accounts/email/").content.decode()
    assert _hangul(_part(text, "main")) == [] and ">Log out</button>" in text


def test_without_a_preference_the_pages_are_korean(alice: Member, login) -> None:
    login_page = Client().get("/accounts/login/").content.decode()
    assert '<html lang="ko">' in login_page and "<h1>로그인</h1>" in login_page
    assert '<button type="submit" class="button">로그인</button>' in login_page
    assert "<title>로그인 · 지킴</title>" in login_page and "Log in" not in login_page
    signup = Client().get("/accounts/signup/").content.decode()
    assert '<label for="id_username">로그인ID</label>' in signup and "가입하기</button>" in signup
    profile = login(alice).get("/accounts/profile/").content.decode()
    assert "<h1>회원정보</h1>" in profile and "<dt>2단계 인증</dt>" in profile
    home = login(alice).get("/t/alice/").content.decode()
    assert ">주문·고객 검색</a>" in home and "지킴 — 판매자를 위한 배송·CS" in home


def test_every_page_carries_the_switch_with_its_csrf_token(alice: Member, login) -> None:
    pages = [
        (Client(), "/"),
        (Client(), "/accounts/login/"),
        (Client(), "/accounts/signup/"),
        (Client(), "/nowhere/"),
        (login(alice), "/accounts/profile/"),
        (login(alice), "/t/alice/"),
    ]
    for client, path in pages:
        footer = _part(client.get(path).content.decode(), "footer")
        form = re.search(r'<form action="/i18n/setlang/" method="post".*?</form>', footer, re.S)
        assert form, path
        assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', form.group(0)), path
        assert f'name="next" type="hidden" value="{path}"' in form.group(0), path
        assert '<button type="submit"' in form.group(0) and "onchange" not in form.group(0)


def test_the_switch_changes_the_language_and_back() -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page).group(1)
    refused = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert refused.status_code == 403  # the switch is a form like any other: CSRF applies
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/accounts/login/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = client.get("/accounts/login/").content.decode()
    assert "<h1>Log in</h1>" in english and '<option value="en" selected>' in english
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', english).group(1)
    client.post(
        "/i18n/setlang/",
        {"language": "ko", "next": "/accounts/login/", "csrfmiddlewaretoken": token},
    )
    assert "<h1>로그인</h1>" in client.get("/accounts/login/").content.decode()


def test_the_switch_keeps_the_member_logged_in_and_refuses_other_sites(alice: Member) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    text = client.get("/accounts/profile/").content.decode()
    assert "<h1>My account</h1>" in text
