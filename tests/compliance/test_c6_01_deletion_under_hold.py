"""A deletion request meets a hold (C6-01 with C4-04): the answer says truthfully what was
destroyed and what is kept, under which hold and on what basis, and records it as such;
the kept data is neither used nor provided (C6-03); when the hold ends, the next sweep
destroys it, ledgered like every destruction (C7-02, C7-03)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from jikim.audit.models import AccessRecord
from jikim.retention import actions as retention_actions
from jikim.retention import sweep
from jikim.retention.models import DestructionItem, Hold, HoldKind, LedgerEntry
from jikim.rights import actions
from jikim.rights.models import Channel, Frozen, Request, State
from jikim.shipping.models import Party
from jikim.vault import access, keyring
from tests.audit.support import make_operator
from tests.retention.helpers import alive, deliver, seller_with_orders
from tests.rights.helpers import ask

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


def _deletion_by_email(subjects: list[str], tenant) -> Request:
    """A deletion request received by e-mail, identity checked by the staff who entered it."""
    return actions.do_receive(
        None,
        kind="deletion",
        channel=Channel.EMAIL,
        subjects=subjects,
        requester_name="수취인",
        requester_contact="buyer@example.com",
        tenant=tenant,
    )


def _usable(party: Party, seller) -> bool:
    return not access.reveal(party, "phone1", purpose="service_delivery", actor=seller).withheld


def test_c6_01_deletion_under_a_dispute_hold_is_answered_as_kept_then_destroyed_after_release(
    alice, login
) -> None:
    officer = make_operator("officer", "privacy_officer")
    console = login(officer)
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
        console.post(
            "/console/retention/holds/",
            {
                "kind": "dispute",
                "subject": party.subject,
                "reason": "소비자 분쟁 접수",
                "document": "",
            },
        )
        hold = Hold.objects.get(subject=party.subject)
        req, _ = ask(Client(), party, "deletion")
        seller = login(alice)
        page = seller.get(f"/t/alice/rights/{req.pk}/").content.decode()
        assert 'data-testid="held-now"' in page and "민원·소송 등 분쟁" in page, (
            "the seller sees before answering that part of it is held"
        )
        seller.post(
            f"/t/alice/rights/{req.pk}/",
            {"step": "answer", "outcome": "done", "answer": "요청하신 배송 정보를 삭제했습니다."},
        )

    req.refresh_from_db()
    # Nothing was destroyed: not "처리 완료", but a refusal with the hold and its basis.
    assert req.state == State.REFUSED
    assert "배송 정보 1건은 아직 삭제하지 않았습니다" in req.answer
    assert "민원·소송 등 분쟁 (해결 시까지) 사유로 보존 중" in req.answer
    assert "0건" not in req.answer and "삭제했습니다" not in req.answer, (
        "the seller's text was written for a deletion that did not happen"
    )
    assert "분쟁" in req.reason and "처리방침" in req.legal_basis and "118" in req.objection_route
    notice = mail.outbox[-1]
    assert "처리 결과: 거절" in notice.body and "처리 완료" not in notice.body
    assert "보존 사유가 해소되면 지체 없이 파기" in notice.body and "근거:" in notice.body
    assert "소비자 분쟁 접수" not in notice.body, "the hold's own note is not the subject's"
    answered = AccessRecord.objects.get(action="rights.refused", detail__request=req.pk)
    assert answered.detail["kept"] == 1 and answered.detail["destroyed"] == 0
    assert answered.detail["holds"] == [HoldKind.DISPUTE]
    page = login(alice).get(f"/t/alice/rights/{req.pk}/").content.decode()
    assert "거절" in page and "보존 중" in page

    # Kept, and out of use: the seller cannot read it again, exports leave it out.
    assert alive(party) and not keyring.is_shredded(party.subject)
    assert not _usable(party, alice)
    from jikim.shipping import pushing

    assert pushing.frozen({party.subject}) == {party.subject}

    # While the dispute stands, sweeps keep it.
    with time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        sweep.run()
    assert alive(party) and not _usable(party, alice)

    # The dispute ends: the next sweep destroys it, without waiting for its ordinary date.
    with time_machine.travel(T0 + dt.timedelta(days=40), tick=False):
        login(officer).post(f"/console/retention/holds/{hold.pk}/release/", {"reason": "분쟁 해결"})
        hold.refresh_from_db()
        assert hold.released_at is not None
        assert alive(party), "released, not yet swept"
        report = sweep.run()
    assert not alive(party) and keyring.is_shredded(party.subject)
    assert report.by_rule.get("subject_request") == 1
    entry = LedgerEntry.objects.get(rule="subject_request", source="rights.deletion")
    assert entry.subjects == [party.subject] and "제36조" in entry.legal_basis
    assert entry.due_from == hold.released_at, "due from the release"
    assert not Frozen.objects.filter(subject=party.subject).exists()
    with time_machine.travel(T0 + dt.timedelta(days=41), tick=False):
        sweep.run()
    assert DestructionItem.objects.filter(subject=party.subject).count() == 1, "exactly once"


def test_c6_01_deletion_partly_held_destroys_the_rest_and_says_which(alice) -> None:
    first, second = seller_with_orders(alice)[:2]
    retention_actions.do_place_hold(
        None, kind=HoldKind.DISPUTE, subject=first.subject, reason="민원 1 분쟁"
    )
    req = _deletion_by_email([first.subject, second.subject], first.tenant)
    actions.do_answer(alice, req, outcome="done", answer="")
    req.refresh_from_db()
    assert req.state == State.PARTLY_DONE
    assert "배송 정보 2건 가운데 1건을 복구할 수 없는 방법(암호 키 파기)으로 삭제했고" in req.answer
    assert "1건은 아직 삭제하지 않았습니다" in req.answer and "1건: 민원·소송 등 분쟁" in req.answer
    assert not alive(second) and alive(first)
    assert Frozen.objects.filter(subject=first.subject, until_destroyed=True).exists()
    assert not Frozen.objects.filter(subject=second.subject).exists()
    record = AccessRecord.objects.get(action="rights.partly_done", detail__request=req.pk)
    assert record.detail["destroyed"] == 1 and record.detail["kept"] == 1


def test_c6_01_a_hold_on_the_whole_seller_keeps_its_recipients_too(alice) -> None:
    party = seller_with_orders(alice)[0]
    hold = retention_actions.do_place_hold(
        None,
        kind=HoldKind.LEGAL,
        tenant=party.tenant,
        reason="수사기관 보존 요청",
        document="보존 요청 공문 2026-17",
    )
    req = _deletion_by_email([party.subject], party.tenant)
    actions.do_answer(alice, req, outcome="done", answer="")
    req.refresh_from_db()
    assert req.state == State.REFUSED and "법적 보존" in req.answer
    assert "제21조" in req.legal_basis and "공문" not in req.answer
    assert alive(party) and not _usable(party, alice)
    retention_actions.do_release_hold(None, hold, reason="보존 요청 종료")
    sweep.run()
    assert not alive(party)


def test_c6_01_standing_deletion_and_ordinary_due_date_destroy_once(alice) -> None:
    """The recipient's own period passed while the hold stood: after the release both rules
    find it due, and the sweep destroys it once, under the request."""
    with time_machine.travel(T0, tick=False):
        party = seller_with_orders(alice)[0]
        deliver(party, T0 - dt.timedelta(days=200))
        hold = retention_actions.do_place_hold(
            None, kind=HoldKind.DISPUTE, subject=party.subject, reason="분쟁"
        )
        req = _deletion_by_email([party.subject], party.tenant)
        actions.do_answer(alice, req, outcome="done", answer="")
        retention_actions.do_release_hold(None, hold, reason="분쟁 해결")
        report = sweep.run()
    assert not alive(party)
    assert report.by_rule.get("subject_request") == 1
    assert DestructionItem.objects.get(subject=party.subject).rule == "subject_request"


def test_c6_03_a_seller_refusing_a_held_deletion_lifts_the_freeze(alice) -> None:
    """A refusal with its own reasons is the seller's answer: nothing stands to be destroyed."""
    party = seller_with_orders(alice)[0]
    retention_actions.do_place_hold(None, kind=HoldKind.DISPUTE, subject=party.subject, reason="x")
    req = _deletion_by_email([party.subject], party.tenant)
    actions.do_answer(
        alice,
        req,
        outcome="refused",
        answer="",
        reason="전자상거래법상 보존 의무",
        legal_basis="개인정보 보호법 제36조제1항 단서",
    )
    assert Request.objects.get(pk=req.pk).state == State.REFUSED
    assert not Frozen.objects.filter(subject=party.subject).exists() and _usable(party, alice)


def test_c6_01_member_deletion_under_unpaid_fees_withdraws_keeps_then_destroys(login) -> None:
    from jikim.retention.models import SeparatedRecord
    from jikim.retention.separated import sweeping
    from tests.conftest import create_member

    dana = create_member("dana")
    officer = make_operator("officer", "privacy_officer")
    hold = retention_actions.do_place_hold(
        None, kind=HoldKind.UNPAID, subject=dana.subject, reason="해지 후 미납 이용요금"
    )
    login(dana).post("/accounts/rights/", {"kind": "deletion", "details": ""})
    req = Request.objects.get()
    actions.do_answer(officer, req, outcome="done", answer="")
    req.refresh_from_db()
    assert req.state == State.PARTLY_DONE, "withdrawn, not destroyed"
    assert "회원 탈퇴를 처리하고" in req.answer and "아직 파기하지 않았습니다" in req.answer
    assert "미납 이용요금 (완납 시까지) 사유로 보존 중" in req.answer
    assert not keyring.is_shredded(dana.subject)
    with sweeping():
        assert SeparatedRecord.objects.filter(subject=dana.subject).exists()
    retention_actions.do_release_hold(None, hold, reason="완납")
    sweep.run()
    assert keyring.is_shredded(dana.subject)
    with sweeping():
        assert not SeparatedRecord.objects.filter(subject=dana.subject).exists()
    assert dana.subject in LedgerEntry.objects.get(source="rights.deletion").subjects
