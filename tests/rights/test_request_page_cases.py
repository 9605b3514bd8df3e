"""The seller's page of a request lists the person's CS cases it covers — found by the
complaint phone's blind index, a case opened since included —, masked, each linked to its
page at that seller, so staff see what the request reaches. Another seller's cases are
never listed, and another seller's staff or a stranger reach neither page (404)."""

import pytest
from django.test import Client

from jikim.audit.models import AccessRecord
from jikim.rights.models import Request
from tests.cases.helpers import RECIPIENT_NAME, make_order, tenant_of
from tests.conftest import add_staff
from tests.rights.helpers import ask, cs_case

pytestmark = pytest.mark.django_db


def _cases_table(page: str) -> str:
    start = page.index('data-testid="request-cases"')
    return page[start : page.index("</table>", start)]


def test_the_sellers_request_page_lists_the_persons_cases_masked_and_linked(
    alice, bob, charlie, login
) -> None:
    order, party = make_order(tenant_of(alice))
    case = cs_case(alice, order)
    stranger = cs_case(alice, make_order(tenant_of(alice))[0], phone="01012340000")
    bob_order, bob_party = make_order(tenant_of(bob))  # the same person, Bob's customer too
    bobs = cs_case(bob, bob_order)

    req, _ = ask(Client(), party, "deletion")
    later = cs_case(alice, make_order(tenant_of(alice))[0], phone="010-7777-8888")

    seller = login(alice)
    page = seller.get(f"/t/alice/rights/{req.pk}/").content.decode()
    table = _cases_table(page)
    for shown in (case, later):
        assert f'<a href="/t/alice/cases/{shown.pk}/">{shown.number}</a>' in table
    assert table.count("<tr>") == 3, "a header and the person's two cases"
    assert f"/cases/{stranger.pk}/" not in table and f"/cases/{bobs.pk}/" not in page
    assert (
        "010-****-8888" in table and '<td>접수 <span class="badge">처리 보류</span></td>' in table
    )
    assert RECIPIENT_NAME not in table and "7777" not in table
    assert "민원 처리 기록은 법령에 따라 보관" in page, "a deletion will be partly done"
    listed = AccessRecord.objects.filter(action="list", purpose="complaint_handling")
    assert any(case.subject in r.subjects for r in listed), "the masked list is on record"

    # The link leads to the case within the seller.
    assert seller.get(f"/t/alice/cases/{case.pk}/").status_code == 200

    # Bob's staff and Charlie see neither the request nor the cases.
    bob_staff = login(add_staff("bob", "bob_cs", "cs_agent"))
    for outsider in (bob_staff, login(charlie)):
        assert outsider.get(f"/t/alice/rights/{req.pk}/").status_code == 404
        assert outsider.get(f"/t/alice/cases/{case.pk}/").status_code == 404
    assert bob_staff.get(f"/t/bob/rights/{req.pk}/").status_code == 404
    assert bob_staff.get(f"/t/bob/cases/{case.pk}/").status_code == 404

    # The same person's request at Bob lists Bob's case only.
    bob_req, _ = ask(Client(), bob_party, "access")
    bob_page = bob_staff.get(f"/t/bob/rights/{bob_req.pk}/").content.decode()
    bob_table = _cases_table(bob_page)
    assert f'<a href="/t/bob/cases/{bobs.pk}/">{bobs.number}</a>' in bob_table
    assert bob_table.count("<tr>") == 2 and "/t/alice/" not in bob_page
    for alices in (case, later, stranger):
        assert f"/cases/{alices.pk}/" not in bob_page


def test_a_request_without_cases_says_so(alice, login) -> None:
    _, party = make_order(tenant_of(alice))
    req, _ = ask(Client(), party, "access")
    page = login(alice).get(f"/t/alice/rights/{req.pk}/").content.decode()
    assert "이 요구에 해당하는 민원이 없습니다." in _cases_table(page)


def test_the_operators_page_of_a_members_request_lists_their_complaints(login) -> None:
    from tests.audit.support import make_operator
    from tests.cases.helpers import member_complaint
    from tests.conftest import create_member

    dana = create_member("dana")
    filed = member_complaint(dana)
    other = member_complaint(create_member("erin"))
    login(dana).post("/accounts/rights/", {"kind": "correction", "details": ""})
    req = Request.objects.get(member=dana)
    officer = login(make_operator("officer", "privacy_officer"))
    table = _cases_table(officer.get(f"/console/rights/{req.pk}/").content.decode())
    assert f'<a href="/console/cases/{filed.pk}/">{filed.number}</a>' in table
    assert f"/console/cases/{other.pk}/" not in table


def test_the_console_leaves_a_sellers_cases_to_the_seller(alice, login) -> None:
    from tests.audit.support import make_operator

    order, party = make_order(tenant_of(alice))
    case = cs_case(alice, order)
    req, _ = ask(Client(), party, "deletion")
    officer = login(make_operator("officer", "privacy_officer"))
    page = officer.get(f"/console/rights/{req.pk}/").content.decode()
    assert "판매자 화면에서 확인합니다" in _cases_table(page)
    assert f"/cases/{case.pk}/" not in page and case.number not in _cases_table(page)
