"""C9-01: passwords are stored one-way (Argon2); only the holder can view or change the data."""

import pytest
from django.conf import settings
from django.test import Client

from jikim.accounts.models import Member
from tests.compliance.test_c1_01_members import SIGNUP
from tests.dbscan import database_contains

pytestmark = pytest.mark.django_db(transaction=True)


def test_c9_01_argon2_is_the_first_hasher() -> None:
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_c9_01_stored_password_is_argon2_and_plaintext_is_nowhere() -> None:
    assert Client().post("/accounts/signup/", SIGNUP).status_code == 302
    member = Member.objects.get(login_id="newseller")
    assert member.password.startswith("argon2$argon2id$")
    assert not database_contains(SIGNUP["password1"])


def test_c9_01_only_the_holder_reaches_the_profile(alice: Member, bob: Member) -> None:
    anonymous = Client().get("/accounts/profile/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    client = Client()
    client.force_login(bob)
    assert "alice@example.com" not in client.get("/accounts/profile/").content.decode()
