"""C6-01 (with C5-03, C1-05): the access result a recipient opens from the e-mailed link.

It says what is held and where (the orders and the person's own CS case at the seller),
for which purposes — only those the data map declares for each category, worded for this
person —, under which retention rule and until when, computed as the sweep and the order
page compute it; that a hold keeps the data and on what basis (never the hold's own note);
the consents, the provisions to third parties and the processors' register under the
policy's column names — "없음" where there is none. The e-mails' links are absolute, the
link is used up only by pressing the button on its page (a mail scanner that follows it
uses nothing up), and the code e-mail leads back to the code screen."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from jikim import clock
from jikim.audit.models import AccessRecord
from jikim.cases import actions as case_actions
from jikim.disclosures.actions import do_record_provision
from jikim.disclosures.models import Basis
from jikim.policy import datamap
from jikim.retention import actions as retention_actions
from jikim.retention.models import HoldKind
from jikim.rights import holds
from jikim.rights.models import Request
from jikim.shipping.models import Order, Party, PartyRole
from tests.audit.support import make_operator
from tests.cases.helpers import RECIPIENT_NAME, RECIPIENT_PHONE, make_order, tenant_of
from tests.retention.helpers import deliver
from tests.rights.helpers import ask

pytestmark = pytest.mark.django_db
# 2026-11-30 10:00 in Seoul.
T0 = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
LINK = re.compile(r"https?://[^/\s]+(/rights/package/[\x21-\x7e]+/)")
HOLD_NOTE = "김철수 님과의 환불 소송 관련"


def _second_line(order: Order) -> tuple[Order, Party]:
    """Another product of the same order (a marketplace order of two lines), same recipient."""
    line = Order.objects.create(
        tenant_id=order.tenant_id,
        marketplace=order.marketplace,
        order_no=order.order_no,
        product_order_no=order.order_no + "02",
        product_name="컵받침",
    )
    party = Party.objects.create(
        tenant_id=order.tenant_id,
        order=line,
        role=PartyRole.RECIPIENT,
        name=RECIPIENT_NAME,
        phone1=RECIPIENT_PHONE,
        address_base="서울특별시 강남구 테헤란로 123",
    )
    return line, party


def _answered_access(client, seller, party):
    req, _ = ask(client, party, "access")
    seller.post(f"/t/alice/rights/{req.pk}/", {"step": "answer", "outcome": "done", "answer": ""})
    link_mail = next(m for m in mail.outbox if "열람 결과" in m.subject)
    return req, link_mail


def _section(page: str, number: int) -> str:
    start = page.index(f'data-testid="package-{number}"')
    end = page.find('data-testid="package-', start + 10)
    return page[start : end if end != -1 else len(page)]


def test_c6_01_package_states_the_rule_that_applies_the_case_and_every_section(
    alice, login
) -> None:
    tenant = tenant_of(alice)
    with time_machine.travel(T0, tick=False):
        order, party = make_order(tenant)  # never delivered: kept 180 days after it arrived
        _, delivered = _second_line(order)
        deliver(delivered, T0)
        case = case_actions.do_receive_seller_case(
            alice,
            tenant,
            order,
            title="파손 상품 환불 요청",
            body="상자가 찢어져 왔습니다.",
            channel="phone",
            identity_confirmed=True,
            from_recipient=True,
        )
        req, link_mail = _answered_access(Client(), login(alice), party)
    assert {party.subject, delivered.subject, case.subject} <= set(req.subjects)

    # The link is absolute; opening it shows a button and uses nothing up.
    link = LINK.search(link_mail.body).group(1)
    visitor = Client()
    landing = visitor.get(link)
    assert landing.status_code == 200 and "결과 보기" in landing.content.decode()
    assert RECIPIENT_NAME not in landing.content.decode()
    assert Request.objects.get(pk=req.pk).package_downloaded_at is None
    assert not AccessRecord.objects.filter(action="download", detail__request=req.pk).exists()
    assert visitor.get(link).status_code == 200, "a second look (a mail scanner) uses nothing"

    page = visitor.post(link, {"format": "html"}).content.decode()
    held = _section(page, 1)
    rows = re.findall(r"<tr>(.*?)</tr>", held, re.S)[1:]
    by_where = {}
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        by_where.setdefault(cells[0], []).append(cells)

    undelivered = by_where[f"{tenant.name} 주문 {order.order_no} 머그컵의 수취인 정보"]
    assert {c[1] for c in undelivered} >= {"수취인·발송인 이름", "수취인·발송인 연락처"}
    for cells in undelivered:
        assert cells[5] == "배송완료·구매확정 기록이 없어 주문이 지킴에 들어온 날부터 180일"
        assert cells[6] == f"{clock.local(T0 + dt.timedelta(days=180)):%Y-%m-%d}"
    for cells in by_where[f"{tenant.name} 주문 {order.order_no} 컵받침의 수취인 정보"]:
        assert cells[5] == "배송완료·구매확정 후 90일"
        assert cells[6] == f"{clock.local(T0 + dt.timedelta(days=90)):%Y-%m-%d}"

    # C1-05: only the purposes the data map declares for the category, none for fees.
    data_map = datamap.current()
    assert "요금정산" not in held
    name_row = next(c for c in undelivered if c[1] == "수취인·발송인 이름")
    assert name_row[2] == RECIPIENT_NAME
    assert set(name_row[3].split(", ")) == {"민원사무 처리", "서비스 제공 (정확한 배송업무)"}
    assert data_map.category("recipient.name").purposes == {
        "complaint_handling",
        "service_delivery",
    }

    # The person's own complaint at the seller.
    complaint = by_where[f"{tenant.name} 민원 {case.number}"]
    assert {c[1] for c in complaint} >= {
        "민원인 이름",
        "민원인 연락처",
        "민원 내용·처리 결과·연락 기록",
    }
    for cells in complaint:
        assert cells[3] == "민원사무 처리" and cells[5] == "처리 종결 후 3년"
        assert "정해지지 않음" in cells[6], "an open case's period has not started"

    # Every section the answer names is there, saying so when there is nothing.
    assert "보존 조치 중인 정보가 없습니다." in _section(page, 2)
    assert "이 서비스에 기록된 동의 내역이 없습니다." in _section(page, 3)
    assert "제3자에게 제공한 내역이 없습니다." in _section(page, 4)
    processors = _section(page, 5)
    assert "<th>수탁업체</th><th>위탁업무 내용</th>" in processors and "이니시스" in processors
    assert "inicis" not in processors and "<th>key</th>" not in processors
    answer = Request.objects.get(pk=req.pk).answer
    for title in ("보존 조치", "동의 내역", "제3자 제공 내역", "처리 위탁"):
        assert title in answer and f"<h2>{title}</h2>" in page

    assert visitor.post(link, {"format": "html"}).status_code == 410, "opened once"
    assert visitor.get(link).status_code == 410
    assert AccessRecord.objects.filter(action="download", detail__request=req.pk).count() == 1


def test_c6_01_package_says_a_hold_keeps_the_data_and_why_never_its_note(alice, login) -> None:
    tenant = tenant_of(alice)
    order, party = make_order(tenant)
    retention_actions.do_place_hold(
        alice, kind=HoldKind.DISPUTE, subject=party.subject, reason=HOLD_NOTE, reference="x"
    )
    officer = make_operator("officer", "privacy_officer")
    do_record_provision(
        officer,
        basis=Basis.LAWFUL_REQUEST,
        recipient="○○경찰서",
        purpose="수사",
        items=["recipient.name"],
        subjects=[party.subject],
        requesting_body="서울중앙지방검찰청",
        document_number="2026-압수-1234",
        legal_basis="형사소송법 제215조",
    )
    _, link_mail = _answered_access(Client(), login(alice), party)
    link = LINK.search(link_mail.body).group(1)
    response = Client().post(link, {"format": "json"})
    assert response["Content-Disposition"].startswith("attachment")
    data = response.json()
    assert {row["파기 예정일"] for row in data["보유 개인정보"]} == {
        "보존 조치 중 (보존 사유가 해소된 뒤 파기)"
    }
    assert data["보존 조치"] == [
        {
            "대상": f"{tenant.name} 주문 {order.order_no} 머그컵의 수취인 정보",
            "보존 사유": str(HoldKind.DISPUTE.label),
            "근거": holds.basis(HoldKind.DISPUTE),
        }
    ]
    assert HOLD_NOTE not in response.content.decode()
    (provision,) = data["제3자 제공 내역"]
    assert provision["제공받는 자"] == "○○경찰서" and provision["제공 항목"] == "수취인·발송인 이름"
    assert "정보주체" not in provision


def test_c6_01_code_mail_leads_back_to_the_code_screen_with_nothing_personal_in_it(
    alice,
) -> None:
    order, party = make_order(tenant_of(alice))
    _, screen = ask(Client(), party, "access", confirm=False)
    code_mail = mail.outbox[-1]
    found = re.search(r"(https?://[^/\s]+)(/rights/confirm/\S+/)", code_mail.body)
    assert found, code_mail.body
    assert found.group(2) == screen
    for personal in (order.order_no, "01077778888", "7777", "buyer@example.com"):
        assert personal not in found.group(0)
    page = Client().get(found.group(2)).content.decode()
    assert "확인 코드 (6자리)" in page
