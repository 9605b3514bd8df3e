"""A member's withdrawal never leaves a seller without an owner, and a seller whose contract
has ended takes in no new personal data and no one new: no order files, no API keys, no
staff — while it can still read, download, and answer its customers."""

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from jikim.accounts.models import Member, Membership, Tenant
from jikim.audit.models import AccessRecord
from jikim.billing import actions as billing
from jikim.shipping.apikeys import do_create_api_key
from tests.billing import helpers
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _withdraw(client: Client) -> object:
    return client.post("/accounts/withdraw/", {"password": PASSWORD, "confirm": "on"})


def _end_contract(slug: str = "alice") -> Tenant:
    tenant = Tenant.objects.get(slug=slug)
    billing.do_end_contract(helpers.staff(), tenant, reason="해지 요청")
    return Tenant.objects.get(pk=tenant.pk)


def test_the_only_owner_of_a_running_seller_cannot_withdraw(alice, login) -> None:
    client = login(alice)
    page = client.get("/accounts/withdraw/").content.decode()
    assert "alice 상점" in page and "유일한 대표" in page and "/t/alice/staff/" in page
    assert 'href="/t/alice/billing/"' in page  # where the owner ends the contract
    response = _withdraw(client)
    assert response.status_code == 200
    assert "유일한 대표라 탈퇴할 수 없습니다" in response.content.decode()
    alice.refresh_from_db()
    assert alice.withdrawn_at is None and alice.is_active
    assert Membership.objects.filter(member=alice, tenant__slug="alice", role="owner").exists()


def test_with_another_owner_the_member_withdraws_and_leaves_every_seller(
    alice, staff_of_alice, login
) -> None:
    other = staff_of_alice("owner")
    response = _withdraw(login(alice))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.withdrawn_at is not None
    # Gone from the seller, as the permission-change log says; the other owner remains.
    assert not Membership.objects.filter(member=alice).exists()
    assert list(
        Membership.objects.filter(tenant__slug="alice").values_list("member", flat=True)
    ) == [other.pk]
    revoke = AccessRecord.objects.get(action="role.revoke", detail__target=alice.pk)
    assert revoke.detail["before"] == "owner" and revoke.detail["after"] == ""


def test_after_the_contract_ends_the_only_owner_may_withdraw(alice, login) -> None:
    _end_contract()
    assert _withdraw(login(alice)).status_code == 302
    alice.refresh_from_db()
    assert alice.withdrawn_at is not None


def test_an_ended_seller_takes_no_order_files(alice, login, tmp_path: Path, capsys) -> None:
    _end_contract()
    client = login(alice)
    home = client.get("/t/alice/").content.decode()
    assert "/t/alice/imports/" not in home  # the menu no longer offers 주문 올리기
    refused = client.get("/t/alice/imports/")
    assert refused.status_code == 403
    assert "계약이 해지된 회사라" in refused.content.decode()
    # What it keeps: the order list and the files out, until its data is destroyed.
    assert client.get("/t/alice/orders/").status_code == 200
    assert client.get("/t/alice/files/").status_code == 200
    sheet = tmp_path / "orders.csv"
    sheet.write_text(
        "주문번호,수취인명,수취인연락처1,배송지\n1,김,01012345678,서울\n", encoding="utf-8"
    )
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_orders", str(sheet), "--tenant", "alice", "--json")
    assert exit_code.value.code == 1
    assert json.loads(capsys.readouterr().out)["refused"] == "contract_ended"


def test_an_ended_seller_issues_no_api_keys(alice, login) -> None:
    _end_contract()
    with pytest.raises(Exception, match="계약이 해지된") as refused:
        do_create_api_key(alice, Tenant.objects.get(slug="alice"), "새 키", ["orders:write"])
    assert refused.type.__name__ == "ContractEnded"
    assert login(alice).get("/t/alice/api-keys/").status_code == 403


def test_an_ended_seller_invites_no_one_and_open_invitations_close(alice, login) -> None:
    client = login(alice)
    client.post("/t/alice/staff/", {"email": "helper@example.com", "role": "cs_agent"})
    link = re.search(r"https?://[^/\s]+(/invitations/[\x21-\x7e]+/)", mail.outbox[-1].body).group(1)
    _end_contract()
    page = client.get("/t/alice/staff/").content.decode()
    assert 'data-testid="no-invitations"' in page
    assert (
        client.post("/t/alice/staff/", {"email": "x@example.com", "role": "viewer"}).status_code
        == 403
    )
    # The invitation sent before the end no longer lets anyone in.
    visitor = Client()
    visitor.get(link)
    data = {
        "username": "helper",
        "password1": PASSWORD,
        "email": "helper@example.com",
        "company_name": "helper 상점",
        "company_phone": "0212345678",
        "mobile": "01012345678",
        "consent": "on",
    }
    visitor.post("/accounts/signup/", data)
    helper = Member.objects.filter(login_id="helper").first()
    assert (
        helper is None
        or not Membership.objects.filter(member=helper, tenant__slug="alice").exists()
    )


def test_the_owner_ends_the_contract_and_may_then_withdraw(alice, staff_of_alice, login) -> None:
    client = login(alice)
    page = client.get("/t/alice/billing/").content.decode()
    assert 'data-testid="end-contract"' in page
    # Without confirming what follows, nothing ends.
    client.post("/t/alice/billing/end/", {"reason": "폐업"})
    assert Tenant.objects.get(slug="alice").contract_ended_at is None
    # A manager cannot end the owner's contract.
    manager = staff_of_alice("manager")
    assert login(manager).post("/t/alice/billing/end/", {"confirm": "on"}).status_code == 403
    response = client.post("/t/alice/billing/end/", {"reason": "폐업", "confirm": "on"})
    assert response.status_code == 302
    tenant = Tenant.objects.get(slug="alice")
    assert tenant.contract_ended_at is not None
    ended = AccessRecord.objects.get(action="billing.contract_end", tenant_id=tenant.pk)
    assert ended.actor_id == alice.pk and ended.reason == "폐업" and ended.detail["by"] == "owner"
    assert 'data-testid="contract-ended-on"' in client.get("/t/alice/billing/").content.decode()
    assert _withdraw(client).status_code == 302  # no longer the owner of a running seller
