"""C6-01 with C4-07 and C4-06/C4-09: a deletion the law does not allow in full is not
answered "처리 완료". The person's CS cases are consumer-complaint records kept 3 years
after the case closes, a member's fee payment records 5 years: the answer is 일부 처리 (거절
when nothing was destroyed), says which records are kept, under which law and until when —
never a hold's note or a value —, and the kept records stay, used for nothing but what the
law keeps them for."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from jikim import clock
from jikim.audit.models import AccessRecord
from jikim.billing import books
from jikim.cases.models import Case
from jikim.retention import rules, sweep
from jikim.rights import actions
from jikim.rights.models import Channel, Frozen, Request, State
from jikim.vault import access, keyring
from tests.audit.support import make_operator
from tests.cases.helpers import RECIPIENT_NAME, closed, make_order, seller_case, tenant_of
from tests.retention.helpers import alive
from tests.rights.helpers import ask, cs_case

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
LAW = "전자상거래 등에서의 소비자보호에 관한 법률"


def test_c6_01_deletion_by_a_person_with_a_cs_case_is_partly_done_with_the_law_and_date(
    alice, login
) -> None:
    order, party = make_order(tenant_of(alice))
    case = cs_case(alice, order)
    req, _ = ask(Client(), party, "deletion")
    assert case.subject in req.subjects
    seller = login(alice)
    answered = seller.post(
        f"/t/alice/rights/{req.pk}/",
        {"step": "answer", "outcome": "done", "answer": "요청하신 정보를 모두 삭제했습니다."},
        follow=True,
    ).content.decode()
    assert "법령에 따라 보관하는 것이 있어" in answered, "the seller is told why it is not done"

    req.refresh_from_db()
    assert req.state == State.PARTLY_DONE
    assert "배송 정보 1건을 복구할 수 없는 방법(암호 키 파기)으로 삭제했습니다." in req.answer
    assert f"민원 처리 기록 1건은 {LAW}에 따라 민원 종결 후 3년 동안 보관한 뒤 파기하며" in (
        req.answer
    )
    assert "아직 종결되지 않은 1건은 종결일에 파기 예정일이 정해집니다" in req.answer
    assert "민원 처리 외의 목적으로 이용하지 않습니다" in req.answer
    assert "모두 삭제했습니다" not in req.answer, "the seller's text was written for 'done'"
    assert "민원 처리 기록 1건" in req.reason
    assert LAW in req.legal_basis and "개인정보 보호법 제21조제1항 단서" in req.legal_basis

    notice = mail.outbox[-1]
    assert "처리 결과: 일부 처리" in notice.body and "처리 완료" not in notice.body
    assert f"법적 근거: {LAW}" in notice.body
    for personal in (RECIPIENT_NAME, "7777", "상자가", "파손되어"):
        assert personal not in notice.body
    record = AccessRecord.objects.get(action="rights.partly_done", detail__request=req.pk)
    assert record.detail["destroyed"] == 1 and record.detail["kept"] == 0
    assert record.detail["kept_by_law"] == {"complaint_records": 1}

    # The recipient is gone; the case is kept, whole, and not scheduled for destruction
    # by the request: its own 3-year rule destroys it.
    assert not alive(party) and keyring.is_shredded(party.subject)
    kept = Case.objects.get(pk=case.pk)
    assert kept.destroyed_at is None and not keyring.is_shredded(case.subject)
    assert not Frozen.objects.filter(subject=case.subject).exists()
    sweep.run()
    assert not keyring.is_shredded(case.subject)

    # Used for the complaint it records, and for nothing else.
    page = seller.post(
        f"/t/alice/cases/{case.pk}/", {"op": "unmask", "reason": "환불 결과 안내"}
    ).content.decode()
    assert RECIPIENT_NAME in page and 'data-testid="case-frozen"' not in page
    for purpose in ("service_delivery", "member_management", "call_recording"):
        with pytest.raises(access.PurposeNotAllowed):
            access.reveal(kept, "contact_phone", purpose=purpose, actor=alice)


def test_c6_01_deletion_of_closed_complaint_records_alone_is_refused_until_their_date(
    alice,
) -> None:
    with time_machine.travel(T0, tick=False):
        case = closed(seller_case(alice), alice)
        req = actions.do_receive(
            None,
            kind="deletion",
            channel=Channel.EMAIL,
            subjects=[case.subject],
            requester_name="민원인",
            requester_contact="buyer@example.com",
            tenant=case.tenant,
            needs_identity_check=True,
        )
        actions.do_confirm_identity(alice, req, note="이메일 회신으로 확인")
        actions.do_answer(alice, req, outcome="done", answer="")
    req.refresh_from_db()
    assert req.state == State.REFUSED, "nothing was destroyed"
    until = rules.rule("complaint_records").due(case.closed_at)
    assert f"민원 종결 후 3년 동안 보관한 뒤 파기하며({clock.local(until):%Y-%m-%d}까지)" in (
        req.answer
    )
    assert LAW in req.legal_basis and "제21조제1항 단서" in req.legal_basis
    assert not keyring.is_shredded(case.subject)


def test_c6_01_an_owners_deletion_says_the_fee_payment_records_are_kept_and_until_when(
    login,
) -> None:
    from tests.billing.helpers import paid_invoice
    from tests.conftest import create_seller

    dana = create_seller("dana")
    # Answered in the month already billed and paid: her contract ends with her account
    # and leaves no bill, so nothing unpaid holds her data.
    with time_machine.travel(T0, tick=False):
        invoice, _ = paid_invoice(dana)
        login(dana).post("/accounts/rights/", {"kind": "deletion", "details": ""})
        req = Request.objects.get(kind="deletion")
        officer = make_operator("officer", "privacy_officer")
        actions.do_answer(officer, req, outcome="done", answer="")
    req.refresh_from_db()
    assert req.state == State.PARTLY_DONE, "the member is destroyed, the book line is not"
    assert keyring.is_shredded(dana.subject)
    until, _ = books.keep_until(books.last_transaction_at(invoice))
    assert "회원님이 계약한 판매자의 이용료 결제 기록 1건은" in req.answer
    assert f"({clock.local(until):%Y-%m-%d}까지)" in req.answer
    assert "국세기본법" in req.legal_basis and LAW in req.legal_basis
    assert not keyring.is_shredded(invoice.subject)


def test_c6_01_a_staff_members_deletion_with_nothing_kept_is_done(login) -> None:
    from tests.conftest import add_staff, create_seller

    create_seller("erin")
    clerk = add_staff("erin", "erin_clerk", "cs_agent")
    login(clerk).post("/accounts/rights/", {"kind": "deletion", "details": ""})
    req = Request.objects.get(kind="deletion")
    actions.do_answer(make_operator("officer", "privacy_officer"), req, outcome="done", answer="")
    req.refresh_from_db()
    assert req.state == State.DONE and "결제 기록" not in req.answer
