"""A public request whose requester used up the wrong confirmation codes: the lock is in
its history and on record, and the operator can close it as refused, the requester told."""

import pytest
from django.core import mail
from django.test import Client

from jikim.audit.models import AccessRecord
from jikim.rights import actions
from jikim.rights.models import Request, State
from jikim.vault import access
from tests.audit.support import make_operator
from tests.retention.helpers import seller_with_orders
from tests.rights.helpers import ask, history, sent_code

pytestmark = pytest.mark.django_db


def test_five_wrong_codes_lock_the_request_on_record_and_the_operator_closes_it(
    alice, login
) -> None:
    party = seller_with_orders(alice)[0]
    requester = Client()
    req, url = ask(requester, party, "deletion", confirm=False)
    right = sent_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        requester.post(url, {"code": wrong})
    req.refresh_from_db()
    assert req.code_locked_at is not None and req.state == State.IDENTITY_CHECK
    assert requester.post(url, {"code": right}).status_code == 429, "the code no longer confirms"
    assert Request.objects.get(pk=req.pk).state == State.IDENTITY_CHECK
    assert 'data-testid="code-locked"' in requester.get(url).content.decode()
    assert AccessRecord.objects.filter(action="rights.code_locked").count() == 1
    # The deletion is pending: the data is frozen meanwhile.
    assert access.reveal(party, "phone1", purpose="service_delivery", actor=alice).withheld

    officer = make_operator("officer", "privacy_officer")
    console = login(officer)
    page = console.get(f"/console/rights/{req.pk}/").content.decode()
    assert "확인 코드를 5회 잘못 입력하여 코드 확인이 잠김" in history(page)
    assert 'data-testid="code-locked"' in page and 'data-testid="close-unconfirmed"' in page

    console.post(f"/console/rights/{req.pk}/", {"step": "close_unconfirmed", "reason": ""})
    assert Request.objects.get(pk=req.pk).state == State.IDENTITY_CHECK, "a reason is needed"
    console.post(
        f"/console/rights/{req.pk}/",
        {
            "step": "close_unconfirmed",
            "reason": "확인 코드 오입력 초과, 다른 확인 수단 없음",
            "legal_basis": actions.UNCONFIRMED_BASIS,
            "objection_route": "",
        },
    )
    req.refresh_from_db()
    assert req.state == State.REFUSED and req.answered_at is not None
    assert req.reason == "확인 코드 오입력 초과, 다른 확인 수단 없음"
    assert "제46조" in req.legal_basis and "118" in req.objection_route
    notice = mail.outbox[-1]
    assert notice.to == ["buyer@example.com"] and "처리 결과: 거절" in notice.body
    assert "본인" in notice.body and "이의제기 방법" in notice.body
    page = console.get(f"/console/rights/{req.pk}/").content.decode()
    assert "본인 확인 중 → 거절" in history(page) and "본인 확인 불가로 종결" in history(page)
    assert AccessRecord.objects.filter(
        action="rights.refused", actor_id=officer.pk, detail__request=req.pk
    ).exists()
    assert not access.reveal(party, "phone1", purpose="service_delivery", actor=alice).withheld, (
        "closed: the freeze is lifted"
    )
    assert "요구 처리 결과" in requester.get(url).content.decode()


def test_only_a_request_awaiting_identity_is_closed_unconfirmed(alice) -> None:
    party = seller_with_orders(alice)[0]
    req, _ = ask(Client(), party, "access")
    with pytest.raises(Exception, match="본인 확인 중인 요구만"):
        actions.do_close_unconfirmed(alice, req, reason="x")
