"""The operator's own staff: the privacy officer names, changes and removes operator roles
in the console (recorded with a reason in the permission-change log), a new installation
names its first privacy officer from the shell, and there is always one privacy officer."""

import pytest
from django.core.management import CommandError, call_command

from jikim.accounts.models import Member
from jikim.audit.models import AccessRecord
from tests.audit.support import make_operator
from tests.conftest import create_member

pytestmark = pytest.mark.django_db


def test_the_privacy_officer_appoints_cs_staff_in_the_console(login) -> None:
    officer = make_operator("officer", "privacy_officer")
    newcomer = create_member("newcomer")
    client = login(officer)
    page = client.get("/console/operators/").content.decode()
    assert "officer" in page and "개인정보 보호책임자" in page
    assert "/console/operators/" in client.get("/console/").content.decode()
    response = client.post(
        "/console/operators/",
        {"login_id": "newcomer", "role": "cs_staff", "reason": "CS 담당 입사"},
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.operator_role == "cs_staff"
    change = AccessRecord.objects.get(action="operator_role.change", detail__target=newcomer.pk)
    assert change.actor_id == officer.pk and change.reason == "CS 담당 입사"
    assert change.detail["before"] == "" and change.detail["after"] == "cs_staff"
    # Listed, and marked as not yet able to work: no two-factor set up.
    page = client.get("/console/operators/").content.decode()
    assert "newcomer" in page and "미설정" in page


def test_the_last_privacy_officer_cannot_be_removed(login) -> None:
    officer = make_operator("officer", "privacy_officer")
    response = login(officer).post(
        "/console/operators/", {"login_id": "officer", "role": "none", "reason": "퇴사"}
    )
    assert response.status_code == 200
    assert "최소 한 명" in response.content.decode()
    officer.refresh_from_db()
    assert officer.operator_role == "privacy_officer"


def test_cs_staff_cannot_manage_operators(login) -> None:
    staff = make_operator("desk", "cs_staff")
    create_member("someone")
    client = login(staff)
    assert client.get("/console/operators/").status_code == 403
    response = client.post(
        "/console/operators/", {"login_id": "someone", "role": "admin", "reason": "x"}
    )
    assert response.status_code == 403
    assert Member.objects.get(login_id="someone").operator_role == ""


def test_a_new_installation_names_its_first_privacy_officer_from_the_shell(capsys) -> None:
    first = create_member("first")
    call_command("operator_role", "first", "privacy_officer", "--reason", "설치")
    first.refresh_from_db()
    assert first.operator_role == "privacy_officer"
    record = AccessRecord.objects.get(action="operator_role.change", detail__target=first.pk)
    assert record.actor_id is None and record.detail["via"] == "cli" and record.reason == "설치"
    with pytest.raises(CommandError, match="최소 한 명"):
        call_command("operator_role", "first", "none", "--reason", "실수")
    with pytest.raises(CommandError, match="회원이 없습니다"):
        call_command("operator_role", "nobody", "admin", "--reason", "x")
