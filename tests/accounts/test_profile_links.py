"""A member finds their own data and their way back: the profile leads to their data-subject
requests, the account pages (e-mail, two-factor) lead back to the profile, and the staff
list says who joined when and was last seen."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_profile_leads_to_the_members_own_requests(alice, login) -> None:
    page = login(alice).get("/accounts/profile/").content.decode()
    assert 'href="/accounts/rights/"' in page and "내 정보 열람·정정·삭제 요구" in page


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/2fa/"])
def test_account_pages_lead_back_to_the_profile(alice, login, path: str) -> None:
    page = login(alice).get(path).content.decode()
    assert 'data-testid="back-to-profile"' in page and 'href="/accounts/profile/"' in page


def test_the_staff_list_says_when_each_joined_and_was_last_seen(
    alice, staff_of_alice, login
) -> None:
    staff_of_alice("cs_agent")
    page = login(alice).get("/t/alice/staff/").content.decode()
    assert "합류일" in page and "마지막 로그인" in page


def test_a_member_of_no_company_is_told_what_to_do_next(login) -> None:
    from tests.conftest import create_member

    page = login(create_member("left_staff")).get("/").content.decode()
    assert "소속된 회사가 없습니다" in page and 'data-testid="no-company-next"' in page
    assert 'href="/accounts/rights/"' in page and 'href="/accounts/withdraw/"' in page
