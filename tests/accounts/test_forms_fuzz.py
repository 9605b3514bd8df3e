"""No malformed form post produces a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import create_seller

FIELDS = [
    "username",
    "password1",
    "email",
    "company_name",
    "company_phone",
    "mobile",
    "consent",
    "login",
    "password",
    "confirm",
    "role",
    "action_add",
]
junk = st.one_of(
    st.text(max_size=300), st.sampled_from(["", "on", "owner", "0", "-1", "\x00", "a" * 5000])
)
posts = st.dictionaries(st.sampled_from(FIELDS), junk, max_size=8)

PUBLIC = ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]
PRIVATE = ["/accounts/profile/", "/accounts/withdraw/", "/t/fuzz/staff/", "/accounts/email/"]


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=posts, path=st.sampled_from(PUBLIC))
def test_public_forms_never_500(client, data, path) -> None:
    assert client.post(path, data).status_code < 500


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=posts, path=st.sampled_from(PRIVATE))
def test_member_forms_never_500(client, data, path) -> None:
    from jikim.accounts.models import Member

    member = Member.objects.filter(login_id="fuzz").first() or create_seller("fuzz")
    client.force_login(member)
    assert client.post(path, data).status_code < 500
