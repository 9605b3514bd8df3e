"""C6-06: passwords mix letters and digits, the account locks after repeated failures,
idle sessions end, and logging out is one click on every page."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from jikim.accounts.models import LoginFailure, Member
from jikim.audit.models import AccessRecord
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short12", "비밀번호는 10자 이상이어야 합니다."),
        ("onlyletterspassword", "비밀번호는 영문자와 숫자를 함께 사용해야 합니다."),
        ("12345678901234", "비밀번호는 영문자와 숫자를 함께 사용해야 합니다."),
        ("password123", "너무 흔한 비밀번호입니다. 다른 비밀번호를 사용하세요."),
        ("alicewonder99", "비밀번호에 로그인ID나 이메일을 포함할 수 없습니다."),
    ],
)
def test_c6_06_password_rules_in_korean(alice: Member, password: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, alice)
    assert message in caught.value.messages


def test_c6_06_a_good_password_passes(alice: Member) -> None:
    validate_password("Blue7Harbor2026", alice)


def test_c6_06_signup_shows_password_rule_errors_in_korean() -> None:
    data = {
        "username": "weakling",
        "password1": "abc",
        "email": "w@example.com",
        "company_name": "약한상점",
        "company_phone": "0212345678",
        "mobile": "01012345678",
        "consent": "on",
    }
    html = Client().post("/accounts/signup/", data).content.decode()
    assert "비밀번호는 10자 이상이어야 합니다." in html


def _fail(client: Client, login_id: str = "alice") -> str:
    response = client.post("/accounts/login/", {"login": login_id, "password": "WrongPass999"})
    assert response.status_code == 200
    return response.content.decode()


def test_c6_06_five_failures_lock_the_account_for_fifteen_minutes(alice: Member) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            _fail(Client())
            traveller.shift(dt.timedelta(seconds=30))
        # Even the right password is refused while locked, with a clear message.
        client = Client()
        response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
        assert "잠시 로그인할 수 없습니다" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert LoginFailure.objects.filter(member=alice, refused_while_locked=False).count() == 5
        assert AccessRecord.objects.filter(action="login.failed").count() == 5
        assert AccessRecord.objects.filter(action="login.refused_locked").count() == 1

        traveller.shift(dt.timedelta(minutes=15))
        client = Client()
        response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
        assert response.status_code == 302
        assert int(client.session["_auth_user_id"]) == alice.pk


def test_c6_06_failures_spread_over_more_than_fifteen_minutes_do_not_lock(alice: Member) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            _fail(Client())
            traveller.shift(dt.timedelta(minutes=4))
        client = Client()
        assert (
            client.post("/accounts/login/", {"login": "alice", "password": PASSWORD}).status_code
            == 302
        )


def test_c6_06_one_ip_trying_many_accounts_is_locked_too(alice: Member, bob: Member) -> None:
    with time_machine.travel(START, tick=False):
        for name in ["nobody1", "nobody2", "nobody3", "nobody4", "nobody5"]:
            _fail(Client(), name)
        html = _fail(Client(), "bob")
        assert "잠시 로그인할 수 없습니다" in html
        # Nothing of the typed IDs is stored in the clear.
        assert not LoginFailure.objects.filter(login_key__contains="nobody").exists()


def test_c6_06_idle_session_ends_after_thirty_minutes(alice: Member) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        client = Client()
        client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
        assert client.get("/t/alice/").status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/t/alice/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/t/alice/")
        assert response.status_code == 302 and "/accounts/login/" in response.url
        assert "_auth_user_id" not in client.session
        page = client.get(response.url).content.decode()
        assert "자동으로 로그아웃되었습니다" in page


@pytest.mark.parametrize(
    "path", ["/t/alice/", "/t/alice/staff/", "/accounts/profile/", "/accounts/withdraw/"]
)
def test_c6_06_every_page_has_a_logout_control(alice: Member, login, path: str) -> None:
    html = login(alice).get(path).content.decode()
    assert 'action="/accounts/logout/"' in html and "로그아웃" in html


def test_c6_06_logout_ends_the_session_and_is_recorded(alice: Member) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert AccessRecord.objects.filter(action="logout", actor_id=alice.pk).exists()
    assert AccessRecord.objects.filter(action="login", actor_id=alice.pk).exists()
