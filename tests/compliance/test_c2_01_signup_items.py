"""C2-01: sign-up collects exactly login ID, password, e-mail, company name, company phone,
mobile phone; nothing more is required, and the stored member row holds no more."""

import pytest
from django.test import Client

from jikim.accounts.forms import SignupForm
from jikim.accounts.models import Member
from jikim.policy import document

SIX = {"username", "password1", "email", "company_name", "company_phone", "mobile"}

# Columns of the member row that are not collected items but the system's own state.
SYSTEM_COLUMNS = {
    "id",
    "last_login",
    "is_superuser",
    "operator_role",
    "is_active",
    "date_joined",
    "withdrawn_at",
    "subject",  # pseudonymous id that names the member in access records and key ring
}


def test_c2_01_signup_form_asks_exactly_the_six_items() -> None:
    fields = set(SignupForm().fields)
    assert fields - {"consent"} == SIX
    labels = [
        SignupForm().fields[f].label
        for f in ["username", "password1", "email", "company_name", "company_phone", "mobile"]
    ]
    assert labels == ["로그인ID", "비밀번호", "이메일", "회사명", "회사전화번호", "휴대전화번호"]
    assert labels == [item.label for item in document.current().signup_items]


@pytest.mark.django_db
def test_c2_01_the_rendered_form_has_no_other_inputs() -> None:
    html = Client().get("/accounts/signup/").content.decode()
    import re

    names = set(re.findall(r'<input[^>]* name="([^"]+)"', html)) - {"csrfmiddlewaretoken", "next"}
    assert names == SIX | {"consent"}


def test_c2_01_the_member_row_holds_no_more_than_the_items() -> None:
    columns = {f.column for f in Member._meta.concrete_fields}
    items = columns - SYSTEM_COLUMNS
    # The e-mail item: the address and, until verified, the one it is changing to (both
    # sealed), and the keyed stand-in that allauth finds the account by.
    email = {"email", "email_address", "email_pending"}
    assert items == {"login_id", "password", "company_name", "company_phone", "mobile"} | email


@pytest.mark.django_db
def test_c2_01_nothing_else_is_required_to_sign_up() -> None:
    data = {
        "username": "minimal",
        "password1": "Copperleaf2026",
        "email": "minimal@example.com",
        "company_name": "최소상점",
        "company_phone": "031-123-4567",
        "mobile": "01012341234",
        "consent": "on",
    }
    assert Client().post("/accounts/signup/", data).status_code == 302
    assert Member.objects.filter(login_id="minimal").exists()
