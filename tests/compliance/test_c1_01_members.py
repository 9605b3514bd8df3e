"""C1-01: sign-up intent is confirmed by e-mail, members are identified and authenticated,
and notices reach them by e-mail."""

import re

import pytest
from django.core import mail
from django.test import Client

from jikim.accounts.models import Member
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newseller",
    "password1": PASSWORD,
    "email": "newseller@example.com",
    "company_name": "새상점",
    "company_phone": "02-123-4567",
    "mobile": "010-9876-5432",
    "consent": "on",
}


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/[\x21-\x7e]+)", body)
    assert match, "the e-mail carries a link"
    return match.group(1)


def test_c1_01_signup_is_confirmed_by_email_before_login() -> None:
    client = Client()
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    member = Member.objects.get(login_id="newseller")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newseller@example.com"]

    # Until the e-mail is confirmed the member cannot log in.
    early = Client()
    early.post("/accounts/login/", {"login": "newseller", "password": PASSWORD})
    assert "_auth_user_id" not in early.session

    confirm = _link(mail.outbox[0].body)
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302
    assert member.emailaddress_set.get().verified

    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": "newseller", "password": PASSWORD})
    assert response.status_code == 302
    assert int(fresh.session["_auth_user_id"]) == member.pk


def test_c1_01_wrong_password_does_not_authenticate(alice: Member) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"login": "alice", "password": "Wrong1234567"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "로그인ID" in response.content.decode()


def test_c1_01_staff_invitation_reaches_the_invitee_by_email(alice: Member, login) -> None:
    client = login(alice)
    response = client.post("/t/alice/staff/", {"email": "helper@example.com", "role": "cs_agent"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["helper@example.com"]]
    assert "/invitations/" in mail.outbox[0].body
