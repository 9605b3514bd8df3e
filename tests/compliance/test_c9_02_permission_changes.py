"""C9-02: granting, changing and revoking access rights are recorded — actor, target
account, before, after and time — kept 3 years even when the 2-year prune runs, and listed
for the operator in the console."""

import datetime as dt

import pytest
import time_machine

from jikim.accounts import actions
from jikim.accounts.models import Membership
from jikim.audit import prune
from jikim.audit.models import AccessRecord
from jikim.audit.records import PERMISSION_ACTIONS
from jikim.audit.verify import verify
from tests.audit.support import build_chain, make_operator, own_checkpoint_file
from tests.conftest import create_member, create_seller

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def audit_files(settings, tmp_path):
    return own_checkpoint_file(settings, tmp_path)


@pytest.fixture
def officer(db):
    return make_operator("officer", "privacy_officer")


T0 = dt.datetime(2023, 3, 1, 2, 0, tzinfo=dt.UTC)


def _changes():
    return AccessRecord.objects.filter(action__in=PERMISSION_ACTIONS).order_by("seq")


def _grant_change_revoke(owner, login):
    client = login(owner)
    helper = create_member("helper")
    membership = Membership.objects.create(
        tenant=Membership.objects.get(member=owner).tenant, member=helper, role="viewer"
    )
    actions._record_role(owner, membership.tenant_id, helper.pk, "", "viewer")
    client.post(f"/t/{owner.login_id}/staff/{membership.pk}/role/", {"role": "manager"})
    client.post(f"/t/{owner.login_id}/staff/{membership.pk}/revoke/")
    operator = create_member("opsperson")
    actions.do_set_operator_role(None, operator, "cs_staff")
    actions.do_set_operator_role(None, operator, "")
    return helper, operator


def test_c9_02_every_change_has_actor_target_before_after_and_time(alice, login) -> None:
    helper, operator = _grant_change_revoke(alice, login)
    rows = [r for r in _changes() if r.detail["target"] in (helper.pk, operator.pk)]
    got = [
        (r.action, r.actor_id, r.detail["target"], r.detail["before"], r.detail["after"])
        for r in rows
    ]
    assert got == [
        ("role.grant", alice.pk, helper.pk, "", "viewer"),
        ("role.change", alice.pk, helper.pk, "viewer", "manager"),
        ("role.revoke", alice.pk, helper.pk, "manager", ""),
        ("operator_role.change", None, operator.pk, "", "cs_staff"),
        ("operator_role.change", None, operator.pk, "cs_staff", ""),
    ]
    assert all(r.at is not None and r.hash for r in rows)
    assert rows[-1].detail["via"] == "cli", "the operator's shell is named as the actor"


def test_c9_02_a_seller_signing_up_is_granted_the_owner_role_on_record() -> None:
    seller = create_seller("dave")
    grant = _changes().filter(detail__target=seller.pk).get()
    assert (grant.action, grant.actor_id, grant.detail["before"], grant.detail["after"]) == (
        "role.grant",
        seller.pk,
        "",
        "owner",
    )


def test_c9_02_withdrawal_revokes_on_record(alice) -> None:
    actions.do_withdraw(alice)
    revoke = _changes().filter(action="role.revoke", detail__target=alice.pk).get()
    assert revoke.detail["before"] == "owner" and revoke.detail["after"] == ""


def test_c9_02_kept_three_years_through_the_two_year_prune() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        owner = create_seller("erin")  # role.grant at T0
        traveller.shift(dt.timedelta(days=30))
        build_chain(5)
        traveller.shift(dt.timedelta(days=365 * 2 + 60))  # 2 years and 3 months later
        build_chain(1)
        prune.prune()
        assert not AccessRecord.objects.filter(action="view", at__lt=T0 + dt.timedelta(days=60))
        assert _changes().filter(detail__target=owner.pk).exists(), "kept past 2 years"
        assert verify().ok
        traveller.shift(dt.timedelta(days=300))  # past 3 years
        build_chain(1)
        prune.prune()
        assert not _changes().filter(detail__target=owner.pk).exists(), "gone after 3 years"
        assert verify().ok


def test_c9_02_the_console_lists_permission_changes(alice, bob, officer, login) -> None:
    _grant_change_revoke(alice, login)
    client = login(officer)
    html = client.get("/console/audit/permissions/").content.decode()
    assert "권한 변경" in html and "helper" in html and "명령줄" in html
    filtered = client.get("/console/audit/permissions/?tenant=alice&target=helper").content.decode()
    assert filtered.count("<tr>") == 1 + 3  # header + grant, change, revoke of helper
    month = dt.datetime.now(tz=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert (
        "helper" in client.get(f"/console/audit/permissions/?month={month:%Y-%m}").content.decode()
    )
    assert "helper" not in client.get("/console/audit/permissions/?month=2020-01").content.decode()
    viewed = AccessRecord.objects.filter(action="audit.view").latest("seq")
    assert viewed.actor_id == officer.pk and viewed.detail["page"] == "permission_changes"


def test_c9_02_sellers_and_strangers_cannot_see_the_log(alice, charlie, login) -> None:
    for member in (alice, charlie):
        assert login(member).get("/console/audit/permissions/").status_code == 404


def test_c9_02_a_sellers_api_key_issued_and_revoked_is_a_permission_change(
    alice, officer, login
) -> None:
    """An API key grants another system access to the seller's orders: its issue and its
    revocation are in the permission-change log (kept 3 years), with the scopes before and
    after, and the log names the key, not a member."""
    from jikim.accounts.models import Tenant
    from jikim.shipping import apikeys

    tenant = Tenant.objects.get(slug="alice")
    key, _ = apikeys.do_create_api_key(alice, tenant, "자사몰 연동", ["orders:write"])
    apikeys.do_revoke_api_key(alice, key)
    made, revoked = _changes().filter(action__startswith="api_key.")
    assert (made.detail["before"], made.detail["after"]) == ("", "orders:write")
    assert (revoked.detail["before"], revoked.detail["after"]) == ("orders:write", "")
    html = login(officer).get("/console/audit/permissions/").content.decode()
    assert "API 키 「자사몰 연동」" in html and "alice" in html
