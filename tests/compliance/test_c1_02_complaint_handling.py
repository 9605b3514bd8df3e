"""§1 ② Complaint handling (C1-02): identify the complainant, confirm the matter, contact
for fact-finding, notify the result — each step a recorded act of a named person."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from jikim.audit.models import AccessRecord
from jikim.cases import actions
from jikim.cases.models import Case, CaseStatus
from jikim.vault import access
from tests.audit.support import make_operator
from tests.cases import helpers
from tests.dbscan import database_contains
from tests.vaulthelp import plain

pytestmark = pytest.mark.django_db


def test_c1_02_member_complaint_identified_contacted_and_result_emailed(alice, login) -> None:
    member = login(alice)
    response = member.post(
        "/complaints/",
        {
            "title": "청구 금액 문의",
            "body": "이번 달 요금이 두 번 청구되었습니다.",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.kind == "member" and case.complainant_member == alice
    assert case.identity_method == "login" and case.identity_confirmed_at is not None

    staff = make_operator("cs_kim", "cs_staff")
    cs = login(staff)
    url = f"/console/cases/{case.pk}/"
    assert "이번 달 요금이 두 번 청구" in cs.get(url).content.decode()
    cs.post(url, {"op": "status", "to": "investigating"})
    cs.post(url, {"op": "contact", "kind": "call_out", "note": "결제 내역 확인 요청 통화"})
    cs.post(url, {"op": "answer", "result": "중복 청구를 확인해 한 건을 환불했습니다."})
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED and case.notified_at is not None
    [sent] = mail.outbox
    assert sent.to == [plain(alice, "email_address")] == ["alice@example.com"]
    assert "민원 처리 결과 안내" in sent.subject and "중복 청구를 확인해" in sent.body
    assert "3년간 보관" in sent.body
    contact = case.contacts.get()
    assert contact.staff == staff and plain(contact, "note") == "결제 내역 확인 요청 통화"

    acts = {r.action: r for r in AccessRecord.objects.filter(action__startswith="case.")}
    assert {"case.receive", "case.status", "case.contact", "case.notified"} <= set(acts)
    assert acts["case.receive"].actor_id == alice.pk
    assert acts["case.contact"].actor_id == staff.pk
    assert all(r.actor_id == staff.pk for r in AccessRecord.objects.filter(action="case.status")), (
        "every transition names its actor"
    )
    notified = AccessRecord.objects.filter(action="notify")
    assert any(case.subject in r.subjects for r in notified), "the mail's read is recorded"


def test_c1_02_staff_must_confirm_identity_before_taking_a_complaint(alice) -> None:
    staff = make_operator("cs_lee", "cs_staff")
    with pytest.raises(ValidationError, match="본인"):
        actions.do_receive_member_complaint(
            staff, alice, title="문의", body="내용", channel="phone", identity_confirmed=False
        )
    tenant = helpers.tenant_of(alice)
    order, _ = helpers.make_order(tenant)
    with pytest.raises(ValidationError, match="본인"):
        actions.do_receive_seller_case(
            alice,
            tenant,
            order,
            title="문의",
            body="내용",
            channel="phone",
            identity_confirmed=False,
            from_recipient=True,
        )
    assert not Case.objects.exists()


def test_c1_02_seller_case_result_goes_to_the_customer_or_is_shown_as_not_sent(alice) -> None:
    case = helpers.seller_case(alice, email="buyer@example.com")
    actions.do_transition(alice, case, "investigating")
    actions.do_answer(alice, case, result="교환 상품을 보냈습니다.")
    assert mail.outbox[-1].to == ["buyer@example.com"]
    assert "alice 상점" in mail.outbox[-1].subject
    silent = helpers.seller_case(alice, email="")
    actions.do_transition(alice, silent, "investigating")
    actions.do_answer(alice, silent, result="전화로 안내했습니다.")
    silent.refresh_from_db()
    assert silent.notified_at is None and len(mail.outbox) == 1
    assert AccessRecord.objects.filter(action="case.notify_skipped").exists()


def test_c1_02_complaint_data_serves_complaint_handling_only(alice) -> None:
    case = helpers.seller_case(alice)
    with pytest.raises(access.PurposeNotAllowed):
        access.reveal(case, "body", purpose="service_delivery", actor=alice)
    with pytest.raises(access.PurposeNotAllowed):
        access.reveal(case, "contact_phone", purpose="call_recording", actor=alice)


@pytest.mark.django_db(transaction=True)
def test_c1_02_complaint_text_and_contacts_are_never_in_the_database_in_clear(alice) -> None:
    case = helpers.seller_case(alice)
    actions.do_add_contact(alice, case, kind="call_in", note="고객 김영희님 재문의")
    assert not database_contains(helpers.BODY)
    assert not database_contains("고객 김영희님 재문의")
    assert not database_contains("customer@example.com")
