"""Each desk numbers its own cases from #1: a seller never learns from the gaps in its
numbers how many complaints other sellers or the operator took. A call is linked to a case
by the number its desk shows."""

import pytest

from jikim.cases.models import Consultation
from tests.cases import helpers

pytestmark = pytest.mark.django_db


def test_each_desk_counts_its_own_cases(alice, bob, login) -> None:
    bobs = [helpers.seller_case(bob) for _ in range(3)]
    complaint = helpers.member_complaint(alice)
    first, second = helpers.seller_case(alice), helpers.seller_case(alice)
    assert [c.number for c in bobs] == ["#1", "#2", "#3"]
    assert complaint.number == "#1" and (first.number, second.number) == ("#1", "#2")
    listing = login(alice).get("/t/alice/cases/").content.decode()
    assert f">{second.number}</a>" in listing and ">#3</a>" not in listing


def test_a_call_is_linked_by_the_number_the_desk_shows(alice, bob, login) -> None:
    helpers.seller_case(bob)
    helpers.seller_case(bob)
    case = helpers.seller_case(alice)
    seller = login(alice)
    page = seller.get(f"/t/alice/cases/{case.pk}/").content.decode()
    assert "/consultations/new/?case=1" in page
    response = seller.post(
        "/t/alice/consultations/new/",
        {"topic": "교환 문의", "started_at": "2026-03-02 10:00", "case_no": "1"},
    )
    assert response.status_code == 302
    assert Consultation.objects.get().case == case
