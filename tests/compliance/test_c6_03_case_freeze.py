"""C6-03: while a correction or deletion is pending, the person's data is neither used nor
provided — their CS cases at the seller included. The request finds the cases by the phone
it found the orders by (the cases' blind index, never by opening them); a case opened while
the request is pending under that phone is frozen too. Once the request is closed the
cases are usable again."""

import pytest
from django.test import Client

from jikim.audit.models import AccessRecord
from jikim.cases import actions as case_actions
from jikim.rights import actions
from jikim.rights.models import ContactDigest, Request, State
from tests.cases.helpers import RECIPIENT_NAME, make_order, tenant_of
from tests.rights.helpers import ask

pytestmark = pytest.mark.django_db

SHOWN_PHONE = "010-7777-8888"  # the recipient's phone (tests.cases.helpers), as typed by staff


def _case(member, order, *, from_recipient=True, phone=""):
    return case_actions.do_receive_seller_case(
        member,
        tenant_of(member),
        order,
        title="파손 상품 환불 요청",
        body="상자가 찢어져 왔습니다.",
        channel="phone",
        identity_confirmed=True,
        from_recipient=from_recipient,
        name="" if from_recipient else "홍길동",
        phone=phone,
    )


def _unmask(client, case):
    return client.post(f"/t/alice/cases/{case.pk}/", {"op": "unmask", "reason": "환불 안내 전화"})


def test_c6_03_pending_deletion_freezes_the_persons_cs_cases_until_it_closes(
    alice, bob, login
) -> None:
    tenant = tenant_of(alice)
    order, party = make_order(tenant)
    case = _case(alice, order)
    other_order, _ = make_order(tenant)
    stranger = _case(alice, other_order, from_recipient=False, phone="01012340000")

    req, _ = ask(Client(), party, "deletion")
    assert case.subject in req.subjects and stranger.subject not in req.subjects

    seller = login(alice)
    page = seller.get(f"/t/alice/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-frozen"' in page and "처리 보류" in page
    assert "연락처 원문 보기" not in page

    response = _unmask(seller, case)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="case-frozen"' in page
    assert SHOWN_PHONE not in page and RECIPIENT_NAME not in page
    refused = AccessRecord.objects.filter(action="refused.frozen", subjects=[case.subject])
    assert refused.filter(detail__attempted="unmask", reason="환불 안내 전화").exists()
    assert not AccessRecord.objects.filter(action="unmask", subjects=[case.subject]).exists()
    listing = seller.get("/t/alice/cases/").content.decode()
    assert "처리 보류" in listing

    # A case opened while the request is pending, the phone typed in another way: frozen.
    later = _case(alice, other_order, from_recipient=False, phone=SHOWN_PHONE)
    assert later.subject not in Request.objects.get(pk=req.pk).subjects
    assert 'data-testid="case-frozen"' in _unmask(seller, later).content.decode()
    # Another customer of the seller is not affected.
    assert "010-1234-0000" in _unmask(seller, stranger).content.decode()

    # The request closes: the recipient's data is destroyed, the complaint records are kept
    # by law (the answer says so, as partly done), and the cases are usable again for the
    # complaint they record.
    seller.post(f"/t/alice/rights/{req.pk}/", {"step": "answer", "outcome": "done", "answer": ""})
    req.refresh_from_db()
    assert req.state == State.PARTLY_DONE and later.subject in req.subjects
    assert "민원 처리 기록 2건" in req.answer and "3년" in req.answer
    assert not ContactDigest.objects.filter(request=req).exists()
    for each in (case, later):
        page = _unmask(seller, each).content.decode()
        assert 'data-testid="case-frozen"' not in page
        assert RECIPIENT_NAME in page and "원문 표시 중" in page


def test_c6_03_a_withdrawn_correction_unfreezes_and_another_sellers_cases_stay_usable(
    alice, bob, login
) -> None:
    order, party = make_order(tenant_of(alice))
    case = _case(alice, order)
    bob_order, _ = make_order(tenant_of(bob))
    bobs = case_actions.do_receive_seller_case(
        bob,
        tenant_of(bob),
        bob_order,
        title="문의",
        body="배송 문의",
        channel="phone",
        identity_confirmed=True,
        from_recipient=True,
    )
    req, _ = ask(Client(), party, "correction")
    assert bobs.subject not in req.subjects, "the request is the seller's, not every seller's"
    page = (
        login(bob)
        .post(f"/t/bob/cases/{bobs.pk}/", {"op": "unmask", "reason": "배송 안내 전화"})
        .content.decode()
    )
    assert RECIPIENT_NAME in page and 'data-testid="case-frozen"' not in page

    seller = login(alice)
    assert 'data-testid="case-frozen"' in _unmask(seller, case).content.decode()
    actions.do_withdraw(None, req)
    page = _unmask(seller, case).content.decode()
    assert RECIPIENT_NAME in page and 'data-testid="case-frozen"' not in page
