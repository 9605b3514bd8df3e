import datetime as dt

import pytest
import time_machine
from django.test import Client

from jikim.accounts.models import Member
from jikim.audit.models import AccessRecord
from tests.conftest import PASSWORD, add_staff

pytestmark = pytest.mark.django_db


def test_withdrawal_records_the_time_and_ends_every_session(alice: Member) -> None:
    add_staff("alice", "alice_partner", "owner")  # alice is not the seller's only owner
    laptop, phone = Client(), Client()
    for c in (laptop, phone):
        c.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
        assert c.get("/t/alice/").status_code == 200
    moment = dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        response = laptop.post("/accounts/withdraw/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.withdrawn_at == moment and not alice.is_active
    assert phone.get("/t/alice/").status_code == 302, "the other session has ended too"
    again = Client()
    again.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert "_auth_user_id" not in again.session
    assert AccessRecord.objects.filter(action="member.withdraw", actor_id=alice.pk).exists()


def test_withdrawal_needs_the_password(alice: Member, login) -> None:
    response = login(alice).post("/accounts/withdraw/", {"password": "nope", "confirm": "on"})
    assert "비밀번호가 일치하지 않습니다" in response.content.decode()
    alice.refresh_from_db()
    assert alice.withdrawn_at is None


def test_a_changed_password_is_told_to_the_member_at_their_address(alice: Member, login) -> None:
    from django.core import mail

    from tests.vaulthelp import plain

    response = login(alice).post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "Sae-bimil-2026!",
            "password2": "Sae-bimil-2026!",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    told = [m for m in mail.outbox if "비밀번호" in m.subject]
    assert len(told) == 1 and told[0].to == [plain(alice, "email_address")]
    assert "비밀번호가 변경되었습니다" in told[0].body
