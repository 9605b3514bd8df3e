"""Alice and Bob are sellers; Charlie is a stranger who gets 404 for all of theirs."""

import pytest
from django.urls import reverse

from jikim.accounts.models import Invitation, Member, Membership
from jikim.accounts.roles import TenantRole

pytestmark = pytest.mark.django_db


def _alice_urls(alice: Member) -> list[tuple[str, str]]:
    from jikim.accounts import actions
    from jikim.accounts.models import Tenant

    tenant = Tenant.objects.get(slug="alice")
    invitation = actions.do_invite(alice, tenant, email="x@example.com", role="viewer")
    membership = Membership.objects.get(tenant=tenant, member=alice)
    return [
        ("get", reverse("tenant_home", args=["alice"])),
        ("get", reverse("staff", args=["alice"])),
        ("post", reverse("staff", args=["alice"])),
        ("post", reverse("staff_role", args=["alice", membership.pk])),
        ("post", reverse("staff_revoke", args=["alice", membership.pk])),
        ("post", reverse("invitation_revoke", args=["alice", invitation.pk])),
    ]


def test_charlie_gets_404_for_everything_of_alice(alice, charlie, login) -> None:
    client = login(charlie)
    for method, url in _alice_urls(alice):
        response = getattr(client, method)(url, {"role": "owner", "email": "c@example.com"})
        assert response.status_code == 404, url
    assert Membership.objects.filter(tenant__slug="alice").count() == 1
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_charlie_cannot_reach_alices_rows_through_his_own_tenant(alice, charlie, login) -> None:
    alice_membership = Membership.objects.get(member=alice)
    client = login(charlie)
    for name in ("staff_role", "staff_revoke"):
        response = client.post(
            reverse(name, args=["charlie", alice_membership.pk]), {"role": "viewer"}
        )
        assert response.status_code == 404
    alice_membership.refresh_from_db()
    assert alice_membership.role == TenantRole.OWNER


def test_alice_and_bob_each_see_only_their_own(alice, bob, login) -> None:
    assert login(alice).get("/t/alice/").status_code == 200
    assert login(alice).get("/t/bob/").status_code == 404
    assert login(bob).get("/t/bob/").status_code == 200
    assert login(bob).get("/t/alice/").status_code == 404


def test_anonymous_is_sent_to_login(alice, client) -> None:
    response = client.get("/t/alice/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("role", [TenantRole.VIEWER, TenantRole.CS_AGENT])
def test_staff_below_manager_cannot_manage_staff(alice, staff_of_alice, login, role) -> None:
    member = staff_of_alice(role)
    client = login(member)
    assert client.get("/t/alice/").status_code == 200
    assert client.get("/t/alice/staff/").status_code == 403
    owner = Membership.objects.get(member=alice)
    assert client.post(reverse("staff_revoke", args=["alice", owner.pk])).status_code == 403


def test_manager_cannot_make_or_remove_an_owner(alice, staff_of_alice, login) -> None:
    manager = staff_of_alice(TenantRole.MANAGER)
    viewer = staff_of_alice(TenantRole.VIEWER)
    client = login(manager)
    viewer_membership = Membership.objects.get(member=viewer)
    client.post(reverse("staff_role", args=["alice", viewer_membership.pk]), {"role": "owner"})
    viewer_membership.refresh_from_db()
    assert viewer_membership.role == TenantRole.VIEWER
    owner = Membership.objects.get(member=alice)
    client.post(reverse("staff_revoke", args=["alice", owner.pk]))
    assert Membership.objects.filter(pk=owner.pk).exists()
