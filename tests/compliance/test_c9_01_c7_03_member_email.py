"""C9-01: the member's e-mail address is the member's to see and change: it is kept in the
vault, so no copy of a database file shows it, while sign-up, verification, address change
and password reset keep working by e-mail. C7-03: the address goes with its data key."""

import datetime as dt
import logging
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from jikim.accounts import actions as account_actions
from jikim.accounts import emails
from jikim.accounts.models import Invitation, Member, Membership
from jikim.retention import sweep
from jikim.vault import keyring
from tests.compliance.test_c1_01_members import SIGNUP
from tests.conftest import PASSWORD, create_member
from tests.dbscan import database_bytes
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db(transaction=True)

TYPED = "Vault.Keeper@Example.com"  # typed with capitals; kept as allauth keeps it, lower-cased
FIRST = TYPED.lower()
SECOND = "keeper.changed@example.org"
INVITEE = "invited.helper@example.net"
NEW_PASSWORD = "Riverstone2027q"


def _link(path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({path}[\x21-\x7e]+)", mail.outbox[-1].body)
    assert match, "the e-mail carries the link"
    return match.group(1)


def _everything_stored() -> bytes:
    return database_bytes() + database_bytes("keyring") + database_bytes("separated")


def test_c9_01_no_database_file_holds_a_members_email_address(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    locations: list[str] = []

    def post(client: Client, url: str, data: dict[str, str] | None = None) -> int:
        response = client.post(url, data or {})
        locations.extend([url, response.get("Location", "")])
        return response.status_code

    # Sign-up, confirmed by the link mailed to the typed address.
    client = Client()
    assert post(client, "/accounts/signup/", {**SIGNUP, "username": "keeper", "email": TYPED})
    assert mail.outbox[-1].to == [FIRST]
    assert post(client, _link("/accounts/confirm-email/")) == 302
    member = Member.objects.get(login_id="keeper")
    assert member.emailaddress_set.get().verified
    assert plain(member, "email_address") == FIRST
    assert emails.is_standin(member.email) and member.email == emails.standin(TYPED)

    # Logged in by login ID, the member changes the address; the new one is verified first.
    assert post(client, "/accounts/login/", {"login": "keeper", "password": PASSWORD}) == 302
    assert post(client, "/accounts/email/", {"email": SECOND, "action_add": ""}) == 302
    assert mail.outbox[-1].to == [SECOND]
    member.refresh_from_db()
    assert plain(member, "email_address") == FIRST and plain(member, "email_pending") == SECOND
    assert post(client, _link("/accounts/confirm-email/")) == 302
    member.refresh_from_db()
    assert plain(member, "email_address") == SECOND and member.email_pending is None
    assert list(member.emailaddress_set.values_list("email", flat=True)) == [emails.standin(SECOND)]

    # A password reset asked for by the (new) address reaches it, and works.
    stranger = Client()
    assert post(stranger, "/accounts/password/reset/", {"email": SECOND.title()}) == 302
    assert [to.lower() for to in mail.outbox[-1].to] == [SECOND]
    reset = _link("/accounts/password/reset/key/")
    page = stranger.get(reset, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else reset
    assert post(stranger, form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}) == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)

    # The old address no longer finds the account.
    sent = len(mail.outbox)
    post(Client(), "/accounts/password/reset/", {"email": FIRST})
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox[sent:])

    # The owner invites a helper: the invitation reaches the invitee's address.
    assert post(client, "/accounts/login/", {"login": "keeper", "password": NEW_PASSWORD}) == 302
    slug = Membership.objects.get(member=member).tenant.slug
    assert post(client, f"/t/{slug}/staff/", {"email": INVITEE, "role": "viewer"}) == 302
    assert mail.outbox[-1].to == [INVITEE]

    stored = _everything_stored()
    for address in (TYPED, FIRST, SECOND, INVITEE):
        local = address.split("@")[0].lower()
        assert address.encode() not in stored, "an address is stored in the clear"
        assert local.encode() not in stored.lower(), "part of an address is stored in the clear"
        assert local not in caplog.text.lower(), "an address reached a log line"
        assert all(local not in url.lower() for url in locations), "an address in a URL"


def test_c9_01_the_member_sees_their_own_address_and_a_link_holder_a_masked_one(
    alice, login
) -> None:
    client = login(alice)
    profile = client.get("/accounts/profile/").content.decode()
    assert "alice@example.com" in profile and "vault.invalid" not in profile

    response = client.post(
        "/accounts/email/", {"email": "alice.next@example.com", "action_add": ""}, follow=True
    )
    page = response.content.decode()
    assert "al********@example.com" in page, "the message names the address, masked"
    assert 'value="alice@example.com"' in page and 'value="alice.next@example.com"' in page

    confirm = Client().get(_link("/accounts/confirm-email/")).content.decode()
    assert "al********@example.com" in confirm
    assert "alice.next@example.com" not in confirm and "vault.invalid" not in confirm

    # Cancelling the change forgets the pending address.
    pending = EmailAddress.objects.get(user=alice, verified=False)
    client.post("/accounts/email/", {"email": pending.email, "action_remove": ""})
    alice.refresh_from_db()
    assert alice.email_pending is None and plain(alice, "email_address") == "alice@example.com"


def test_c9_01_one_address_is_still_one_account(alice) -> None:
    mail.outbox.clear()
    data = {**SIGNUP, "username": "copycat", "email": "ALICE@example.com"}
    assert Client().post("/accounts/signup/", data).status_code == 302
    assert not Member.objects.filter(login_id="copycat").exists()
    assert mail.outbox[-1].to == ["alice@example.com"], "the owner is told, nobody else"


def test_c9_01_nobody_signs_up_with_a_stand_in_address() -> None:
    data = {**SIGNUP, "username": "sneaky", "email": emails.standin("alice@example.com")}
    html = Client().post("/accounts/signup/", data).content.decode()
    assert "올바른 이메일 주소를 입력하세요" in html
    assert not Member.objects.filter(login_id="sneaky").exists()


def test_c7_03_an_invitees_address_is_destroyed_once_the_invitation_is_sent(alice, login) -> None:
    login(alice).post("/t/alice/staff/", {"email": INVITEE, "role": "viewer"})
    assert mail.outbox[-1].to == [INVITEE]
    invitation = Invitation.objects.get()
    assert invitation.email is None and keyring.is_shredded(invitation.subject)
    assert invitation.is_open(), "the invitation itself still works, by its link"


def test_c7_03_a_withdrawn_members_address_goes_with_the_members_key() -> None:
    t0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    member = create_member("leaving", email="leaving.member@example.com")
    with time_machine.travel(t0, tick=False):
        account_actions.do_withdraw(member)
    with time_machine.travel(t0 + dt.timedelta(days=1), tick=False):
        sweep.run()
    member.refresh_from_db()
    assert member.email == "" and member.email_address is None
    assert not EmailAddress.objects.filter(user=member).exists()
    with time_machine.travel(t0 + dt.timedelta(days=367), tick=False):
        sweep.run()
    assert keyring.is_shredded(member.subject)
    assert b"leaving.member" not in _everything_stored()
