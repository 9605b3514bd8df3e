"""Staff invitations and role changes, each recorded with who, whom, before and after."""

import re

import pytest
from django.core import mail
from django.test import Client

from jikim.accounts.models import Member, Membership
from jikim.audit.models import AccessRecord
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_invited_person_signs_up_and_joins_with_the_role(alice, login) -> None:
    login(alice).post("/t/alice/staff/", {"email": "helper@example.com", "role": "cs_agent"})
    link = re.search(r"https?://[^/\s]+(/invitations/[\x21-\x7e]+/)", mail.outbox[-1].body).group(1)
    visitor = Client()
    assert visitor.get(link).status_code == 200
    data = {
        "username": "helper",
        "password1": PASSWORD,
        "email": "helper@example.com",
        "company_name": "alice 상점",
        "company_phone": "0212345678",
        "mobile": "01012345678",
        "consent": "on",
    }
    assert visitor.post("/accounts/signup/", data).status_code == 302
    helper = Member.objects.get(login_id="helper")
    membership = Membership.objects.get(member=helper)
    assert membership.tenant.slug == "alice" and membership.role == "cs_agent"
    grant = AccessRecord.objects.filter(action="role.grant", detail__target=helper.pk).get()
    assert grant.detail["after"] == "cs_agent" and grant.detail["before"] == ""


def test_role_change_and_revocation_are_recorded(alice, staff_of_alice, login) -> None:
    viewer = staff_of_alice("viewer")
    membership = Membership.objects.get(member=viewer)
    client = login(alice)
    client.post(f"/t/alice/staff/{membership.pk}/role/", {"role": "manager"})
    change = AccessRecord.objects.get(action="role.change")
    assert (
        change.actor_id,
        change.detail["target"],
        change.detail["before"],
        change.detail["after"],
    ) == (
        alice.pk,
        viewer.pk,
        "viewer",
        "manager",
    )
    client.post(f"/t/alice/staff/{membership.pk}/revoke/")
    revoke = AccessRecord.objects.get(action="role.revoke")
    assert revoke.detail == {"target": viewer.pk, "before": "manager", "after": ""}
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_owner_cannot_be_demoted(alice, login) -> None:
    membership = Membership.objects.get(member=alice)
    response = login(alice).post(
        f"/t/alice/staff/{membership.pk}/role/", {"role": "viewer"}, follow=True
    )
    membership.refresh_from_db()
    assert membership.role == "owner"
    assert (
        "선택할 수 없는 역할" in response.content.decode()
        or "대표는 최소 한 명" in response.content.decode()
    )


def test_invitation_task_row_holds_only_an_id(alice, login, settings) -> None:
    """Task arguments are stored in the database: they must never carry personal data."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    login(alice).post("/t/alice/staff/", {"email": "helper@example.com", "role": "viewer"})
    row = DBTaskResult.objects.get()
    assert row.args_kwargs["kwargs"] == {}
    assert [type(a) for a in row.args_kwargs["args"]] == [int]
    assert "helper" not in str(row.args_kwargs)


def test_the_invitation_starts_at_the_least_role_and_the_page_says_what_each_may_do(
    alice, login
) -> None:
    import re

    page = login(alice).get("/t/alice/staff/").content.decode()
    invite = re.search(r'<select name="role"[^>]*id="id_role".*?</select>', page, re.S)
    assert invite, "the invitation's role field"
    chosen = re.findall(r'<option value="(\w+)" selected>', invite.group(0))
    assert chosen == ["viewer"], "an owner invited by mistake is not one click away"
    guide = page[page.index('data-testid="role-guide"') :]
    assert "조회 전용" in guide and "가려진 정보 원문 보기" in guide
    viewer_row = re.search(r"<th>조회 전용</th><td>([^<]*)</td>", guide)
    assert viewer_row, "the read-only role's row"
    assert "원문" not in viewer_row.group(1) and "내려받기" not in viewer_row.group(1)
