import pytest
from allauth.mfa.models import Authenticator

from jikim.accounts import actions
from jikim.audit.models import AccessRecord
from tests.conftest import create_member

pytestmark = pytest.mark.django_db


def test_sellers_get_404_from_the_console_and_admin(alice, login) -> None:
    client = login(alice)
    assert client.get("/console/").status_code == 404
    assert client.get("/admin/").status_code == 404


def test_operator_without_totp_is_sent_to_set_it_up(login) -> None:
    officer = create_member("officer")
    actions.do_set_operator_role(None, officer, "privacy_officer")
    response = login(officer).get("/console/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate/" in response.url


def test_operator_with_totp_reaches_the_console(login) -> None:
    officer = create_member("officer")
    actions.do_set_operator_role(None, officer, "privacy_officer")
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert login(officer).get("/console/").status_code == 200
    assert login(officer).get("/admin/").status_code == 404, "admin is for system administrators"


def test_operator_role_changes_are_recorded() -> None:
    officer = create_member("officer")
    actions.do_set_operator_role(None, officer, "cs_staff")
    actions.do_set_operator_role(None, officer, "")
    records = list(
        AccessRecord.objects.filter(action="operator_role.change").values_list("detail", flat=True)
    )
    assert [(r["before"], r["after"]) for r in records] == [("", "cs_staff"), ("cs_staff", "")]


def test_two_factor_changes_are_recorded_without_their_secrets() -> None:
    """Setting up, removing or renewing a second factor is on record, with its kind only."""
    from allauth.mfa import signals

    member = create_member("op_mfa")
    totp = Authenticator.objects.create(
        user=member, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    codes = Authenticator.objects.create(
        user=member, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "s33d"}
    )
    signals.authenticator_added.send(Authenticator, request=None, user=member, authenticator=totp)
    signals.authenticator_reset.send(Authenticator, request=None, user=member, authenticator=codes)
    signals.authenticator_removed.send(Authenticator, request=None, user=member, authenticator=totp)
    records = AccessRecord.objects.filter(action__startswith="mfa.").order_by("seq")
    assert [(r.action, r.detail["kind"]) for r in records] == [
        ("mfa.added", "totp"),
        ("mfa.reset", "recovery_codes"),
        ("mfa.removed", "totp"),
    ]
    assert all(r.actor_id == member.pk for r in records)
    stored = str(list(records.values()))
    assert "JBSWY3DPEHPK3PXP" not in stored and "s33d" not in stored
