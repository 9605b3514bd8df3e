"""The member's address in the vault: stand-ins, the address behind them, and the mail that
other apps send to members."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError

from jikim.accounts import emails
from jikim.accounts.models import Member
from jikim.audit.models import AccessRecord
from tests.conftest import create_member
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def test_a_stand_in_names_one_address_whatever_its_case() -> None:
    one = emails.standin("Someone@Example.com")
    assert one == emails.standin(" someone@example.com ") and emails.is_standin(one)
    assert one != emails.standin("someone@example.co")
    assert "someone" not in one and one.endswith("@vault.invalid")
    assert not emails.is_standin("someone@example.com")


def test_an_address_given_to_the_member_model_goes_into_the_vault() -> None:
    member = Member.objects.create_user("direct", "Direct.One@example.com", "Pw12345678x")
    member.refresh_from_db()
    assert member.email == emails.standin("direct.one@example.com")
    assert plain(member, "email_address") == "direct.one@example.com"
    row = EmailAddress.objects.create(user=member, email="direct.one@example.com", primary=True)
    row.refresh_from_db()
    assert row.email == member.email


def test_the_address_behind_a_stand_in_is_a_recorded_read() -> None:
    member = create_member("behind", email="behind.me@example.com")
    before = AccessRecord.objects.filter(action="notify").count()
    emails._typed().clear()  # as in a later request: only the vault knows it
    assert emails.behind(member.email) == "behind.me@example.com"
    assert emails.behind("plain@example.com") == "plain@example.com"
    assert emails.behind(emails.standin("nobody@example.com")) == ""
    assert AccessRecord.objects.filter(action="notify").count() == before + 1


def test_a_password_like_the_email_is_refused() -> None:
    member = create_member("plainname", email="bluewhale@example.com")
    emails._typed().clear()
    with pytest.raises(ValidationError) as caught:
        validate_password("Bluewhale2026x", member)
    assert "비밀번호에 로그인ID나 이메일을 포함할 수 없습니다." in caught.value.messages


def test_a_policy_notice_reaches_members_at_their_addresses(alice, bob) -> None:
    from jikim.policy.tasks import _send_notice

    with mail.get_connection() as connection:
        sent = _send_notice(connection, [alice, bob], "제목", "본문")
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]


def test_an_invitation_revoked_before_its_mail_went_out_loses_its_address(alice, settings) -> None:
    from jikim.accounts import actions
    from jikim.accounts.models import Tenant
    from jikim.accounts.tasks import send_invitation
    from jikim.vault import keyring

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    tenant = Tenant.objects.get(slug="alice")
    invitation = actions.do_invite(alice, tenant, email="late@example.com", role="viewer")
    assert plain(invitation, "email") == "late@example.com", "sealed until the mail goes out"
    actions.do_revoke_invitation(alice, invitation)
    invitation.refresh_from_db()
    assert invitation.email is None and keyring.is_shredded(invitation.subject)
    send_invitation.call(invitation.pk)
    assert mail.outbox == []


def test_an_authenticator_app_names_the_account_by_its_login_id(alice) -> None:
    from allauth.mfa.adapter import get_adapter

    assert get_adapter().get_totp_label(alice) == "alice"  # the adapter the settings wire
