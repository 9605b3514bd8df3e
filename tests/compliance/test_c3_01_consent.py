"""C3-01: consent is captured with its channel and time (and the policy version)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from jikim.accounts.models import Consent, ConsentChannel, Member
from jikim.policy import document
from tests.compliance.test_c1_01_members import SIGNUP

pytestmark = pytest.mark.django_db


def test_c3_01_signup_consent_recorded_with_channel_time_and_version() -> None:
    moment = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        assert Client().post("/accounts/signup/", SIGNUP).status_code == 302
    member = Member.objects.get(login_id="newseller")
    consent = Consent.objects.get(member=member)
    assert consent.channel == ConsentChannel.WEB
    assert consent.given_at == moment
    assert consent.policy_version == document.current().version
    assert consent.purpose == document.current().signup_consent.purpose


def test_c3_01_no_consent_no_account() -> None:
    data = {k: v for k, v in SIGNUP.items() if k != "consent"}
    response = Client().post("/accounts/signup/", data)
    assert response.status_code == 200
    assert "동의해야 가입할 수 있습니다" in response.content.decode()
    assert not Member.objects.filter(login_id="newseller").exists()


def test_c3_01_every_channel_of_the_policy_can_be_recorded() -> None:
    assert {c.value for c in ConsentChannel} >= {
        "web",
        "service_screen",
        "written",
        "phone",
        "mail",
        "email",
        "fax",
        "other",
    }
