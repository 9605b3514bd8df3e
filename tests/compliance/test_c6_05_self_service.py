"""C6-05: members keep their own data current (self-service edit)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from jikim.accounts import emails
from jikim.accounts.models import Member
from jikim.audit.models import AccessRecord
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def test_c6_05_member_edits_own_items(alice: Member, login) -> None:
    client = login(alice)
    response = client.post(
        "/accounts/profile/",
        {"company_name": "앨리스컴퍼니", "company_phone": "02-777-8888", "mobile": "010-2222-3333"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.company_name, plain(alice, "company_phone"), plain(alice, "mobile")) == (
        "앨리스컴퍼니",
        "027778888",
        "01022223333",
    )
    record = AccessRecord.objects.filter(action="member.update").get()
    assert record.actor_id == alice.pk
    assert set(record.detail["fields"]) == {"company_name", "company_phone", "mobile"}


def test_c6_05_bad_phone_gets_a_korean_error_and_changes_nothing(alice: Member, login) -> None:
    response = login(alice).post(
        "/accounts/profile/", {"company_name": "x", "company_phone": "전화없음", "mobile": "12"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "회사전화번호에는 숫자와 하이픈만 쓸 수 있습니다" in text
    assert "휴대전화번호 형식이 올바르지 않습니다" in text
    alice.refresh_from_db()
    assert alice.company_name == "alice 상점"


def test_c6_05_changing_the_email_re_verifies_it(alice: Member, login) -> None:
    client = login(alice)
    response = client.post("/accounts/email/", {"email": "alice.new@example.com", "action_add": ""})
    assert response.status_code == 302
    new = EmailAddress.objects.get(email=emails.standin("alice.new@example.com"))
    assert not new.verified
    alice.refresh_from_db()
    assert plain(alice, "email_address") == "alice@example.com", (
        "the old address stays until the new one is verified"
    )
    assert mail.outbox[-1].to == ["alice.new@example.com"]
    link = re.search(r"https?://[^/\s]+(/[\x21-\x7e]+)", mail.outbox[-1].body).group(1)
    client.post(link)
    new.refresh_from_db()
    assert new.verified
    alice.refresh_from_db()
    assert plain(alice, "email_address") == "alice.new@example.com"


def test_c6_05_other_members_cannot_edit_my_items(alice: Member, bob: Member) -> None:
    from django.core.exceptions import PermissionDenied

    from jikim.accounts import actions

    with pytest.raises(PermissionDenied):
        actions.do_update_profile(bob, alice, company_name="가로채기")
