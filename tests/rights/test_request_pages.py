"""The request pages as the privacy officer walked them: who answers a seller's request, the
clock of a closed request, and a history in Korean."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from jikim.rights import actions
from jikim.rights.models import Channel, Request, State
from tests.audit.support import make_operator
from tests.retention.helpers import seller_with_orders
from tests.rights.helpers import ask, history

pytestmark = pytest.mark.django_db
# 2026-11-30 10:00 in Seoul: due 2026-12-10.
T0 = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)


def _facts(html: str) -> str:
    start = html.index('data-testid="request-facts"')
    return html[start : html.index("</dl>", start)]


def test_console_says_the_seller_answers_and_offers_no_answer_form(alice, login) -> None:
    party = seller_with_orders(alice)[0]
    officer = make_operator("officer", "privacy_officer")
    with time_machine.travel(T0, tick=False):
        req, _ = ask(Client(), party, "access")
        console = login(officer)
        page = console.get(f"/console/rights/{req.pk}/").content.decode()
        assert 'data-testid="answer-form"' not in page
        assert 'value="delay"' not in page and 'value="correct"' not in page
        assert (
            f"판매자({party.tenant.name})가 처리하고 답변하는 요구입니다. "
            "답변 기한: 2026-12-10 (10일 남음)."
        ) in page
        # A forged answer is refused, saying the same.
        response = console.post(
            f"/console/rights/{req.pk}/", {"step": "answer", "outcome": "done"}, follow=True
        )
        assert "판매자(" in response.content.decode()
        assert Request.objects.get(pk=req.pk).state == State.IN_PROGRESS
        seller_page = login(alice).get(f"/t/alice/rights/{req.pk}/").content.decode()
    assert 'data-testid="answer-form"' in seller_page, "the seller answers it"


def test_console_answers_its_own_requests(alice, login) -> None:
    officer = make_operator("officer", "privacy_officer")
    req = actions.do_receive(
        officer,
        kind="access",
        channel=Channel.EMAIL,
        subjects=[alice.subject],
        requester_name="앨리스",
        requester_contact="alice@example.com",
        member=alice,
    )
    page = login(officer).get(f"/console/rights/{req.pk}/").content.decode()
    assert 'data-testid="answer-form"' in page and "판매자(" not in page


def test_a_closed_request_shows_when_it_was_answered_not_a_countdown(alice, login) -> None:
    party = seller_with_orders(alice)[0]
    with time_machine.travel(T0, tick=False):
        on_time, late = (
            actions.do_receive(
                None,
                kind="access",
                channel=Channel.EMAIL,
                subjects=[party.subject],
                requester_name=name,
                requester_contact="buyer@example.com",
                tenant=party.tenant,
            )
            for name in ("가", "나")
        )
    with time_machine.travel(T0 + dt.timedelta(days=9), tick=False):
        actions.do_answer(alice, on_time, outcome="done", answer="")
    with time_machine.travel(T0 + dt.timedelta(days=12), tick=False):
        actions.do_answer(alice, late, outcome="done", answer="")
        seller = login(alice)
        on_time_page = _facts(seller.get(f"/t/alice/rights/{on_time.pk}/").content.decode())
        late_page = _facts(seller.get(f"/t/alice/rights/{late.pk}/").content.decode())
        queue = seller.get("/t/alice/rights/").content.decode()
    assert "2026-12-10 — 기한 내 답변 (2026-12-09)" in on_time_page
    assert "2026-12-10 — 기한보다 2일 늦게 답변 (2026-12-12)" in late_page
    assert "남음" not in on_time_page + late_page and "지남" not in on_time_page + late_page
    closed = queue[queue.index('data-testid="rights-closed"') :]
    assert "기한 내 답변 (2026-12-09)" in closed and "기한보다 2일 늦게 답변" in closed


def test_an_open_request_past_its_due_date_says_how_late(alice, login) -> None:
    party = seller_with_orders(alice)[0]
    with time_machine.travel(T0, tick=False):
        req = actions.do_receive(
            None,
            kind="access",
            channel=Channel.EMAIL,
            subjects=[party.subject],
            requester_name="가",
            requester_contact="buyer@example.com",
            tenant=party.tenant,
        )
    with time_machine.travel(T0 + dt.timedelta(days=12), tick=False):
        page = _facts(login(alice).get(f"/t/alice/rights/{req.pk}/").content.decode())
    assert "2026-12-10 (2일 지남)" in page


RAW_CODES = [*State.values, *Channel.values, "system"]


def _raw_codes_in(html: str) -> list[str]:
    text = history(html)
    return [code for code in RAW_CODES if re.search(rf"\b{code}\b", text)]


def test_history_shows_korean_labels_never_codes(alice, login) -> None:
    party = seller_with_orders(alice)[0]
    officer = make_operator("officer", "privacy_officer")
    public, _ = ask(Client(), party, "access")
    login(alice).post(
        f"/t/alice/rights/{public.pk}/", {"step": "answer", "outcome": "done", "answer": ""}
    )
    console = login(officer)
    console.post(
        "/console/rights/new/",
        {
            "channel": "fax",
            "kind": "access",
            "login_id": "alice",
            "name": "앨리스",
            "contact": "alice@example.com",
            "agent_type": "",
        },
    )
    fax = Request.objects.latest("pk")
    console.post(f"/console/rights/{fax.pk}/", {"step": "identity", "note": "신분증 사본 대조"})
    actions.do_withdraw(None, fax)

    seller_page = login(alice).get(f"/t/alice/rights/{public.pk}/").content.decode()
    public_page = console.get(f"/console/rights/{public.pk}/").content.decode()
    fax_page = console.get(f"/console/rights/{fax.pk}/").content.decode()
    for page in (seller_page, public_page, fax_page):
        assert _raw_codes_in(page) == []
    assert "공개 요구 화면" in history(public_page) and "접수 → 본인 확인 중" in history(
        public_page
    )
    assert "본인 확인 중 → 처리 중" in history(public_page)
    assert "처리 중 → 처리 완료" in history(seller_page) and "시스템" in history(seller_page)
    assert "모사전송(FAX)" in history(fax_page) and "처리 중 → 요구 철회" in history(fax_page)
