"""A deletion request from the only owner of a running seller (C6-01): the right is not
refused, and the seller is not left with no one who may pay, end the contract or name an
owner. The request page warns the privacy officer first; answering ends that seller's
contract together with the account, says so in the answer and puts it on record."""

import pytest

from jikim.accounts.models import Membership, Tenant
from jikim.audit.models import AccessRecord
from jikim.rights import actions
from jikim.rights.models import Request
from tests.audit.support import make_operator

pytestmark = pytest.mark.django_db


def test_c6_01_a_sole_owners_deletion_ends_the_sellers_contract_with_the_account(
    alice, bob, login
) -> None:
    officer = make_operator("officer", "privacy_officer")
    login(alice).post("/accounts/rights/", {"kind": "deletion", "details": ""})
    req = Request.objects.get()

    page = login(officer).get(f"/console/rights/{req.pk}/").content.decode()
    warning = page.split('data-testid="contracts-ending"')[1].split("</div>")[0]
    assert "유일한 대표" in warning and "(alice)" in warning and "(bob)" not in warning

    actions.do_answer(officer, req, outcome="done", answer="")
    req.refresh_from_db()
    alice.refresh_from_db()
    seller = Tenant.objects.get(slug="alice")
    assert alice.withdrawn_at is not None and seller.contract_ended_at is not None
    assert not Membership.objects.filter(member=alice).exists()
    assert f"'{seller.name}'의 유일한 대표이셨으므로" in req.answer
    assert "서비스 계약을 해지했습니다" in req.answer
    ended = AccessRecord.objects.get(action="billing.contract_end", tenant_id=seller.pk)
    assert ended.actor_id is None and f"#{req.pk}" in ended.reason
    assert Tenant.objects.get(slug="bob").contract_ended_at is None, "only hers"


def test_c6_01_an_owner_with_a_co_owner_leaves_the_contract_running(alice, login) -> None:
    from jikim.accounts.roles import TenantRole
    from tests.conftest import create_member

    seller = Tenant.objects.get(slug="alice")
    Membership.objects.create(tenant=seller, member=create_member("carol"), role=TenantRole.OWNER)
    officer = make_operator("officer", "privacy_officer")
    login(alice).post("/accounts/rights/", {"kind": "deletion", "details": ""})
    req = Request.objects.get()
    page = login(officer).get(f"/console/rights/{req.pk}/").content.decode()
    assert 'data-testid="contracts-ending"' not in page
    actions.do_answer(officer, req, outcome="done", answer="")
    seller.refresh_from_db()
    assert seller.contract_ended_at is None
